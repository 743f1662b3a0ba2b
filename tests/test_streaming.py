"""Streamed findings: the same bytes as findings worded all at once, a chunk held at a time.

Large table data takes the streamed path (findings ordered from the columns, worded a chunk
at a time, the diagnosis run group by group); :data:`fundaudit.runner.SMALL` is lowered here
so that small data sets take it too, and every format is compared with the output of the
path that words every finding at once and diagnoses all failing relations together.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from fundaudit import runner
from fundaudit.columnar import files
from fundaudit.columnar.arrays import from_relations
from fundaudit.loader import load
from fundaudit.report import csvout, github, jsonl, jsonout, junit, sarif, text
from fundaudit.rules import REGISTRY

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import heavy  # noqa: E402


@pytest.fixture(scope="module")
def heavy_tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("heavy")
    heavy.write(heavy.generate(3_000, seed=7), out)
    return out


def _outputs(audit: runner.Audit) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, module in {"json": jsonout, "jsonl": jsonl, "github": github, "sarif": sarif, "junit": junit}.items():
        for show_all in (False, True):
            out[f"{name}-{show_all}"] = module.render(audit, show_all)
    out["text"] = text.render(audit, False, verbose=True)
    out["csv"] = csvout.render(audit)
    return out


def test_every_format_is_byte_identical_streamed(heavy_tables: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    columns = files.read(heavy_tables)
    monkeypatch.setattr(runner, "SMALL", 1)
    monkeypatch.setattr(runner, "CHUNK", 97)  # many chunks, ends in the middle of one
    streamed = _outputs(runner.judge(columns))
    monkeypatch.setattr(runner, "SMALL", 10**9)
    at_once = _outputs(runner.judge(columns))
    assert streamed.keys() == at_once.keys()
    for name in streamed:
        assert streamed[name] == at_once[name], name
    doc = json.loads(streamed["json-False"])
    assert doc["summary"]["mismatch"] > 100  # a findings-heavy run: the comparison says something
    lines = [json.loads(line) for line in streamed["jsonl-False"].splitlines()]
    assert lines == doc["results"]


def test_groups_give_the_diagnoses_of_the_whole_run(monkeypatch: pytest.MonkeyPatch) -> None:
    """On the real data (every cause at work, cross-document relations), as tables of one run."""
    budget = load(ROOT / "data" / "budgets.yaml")
    relations = [rel for rule in REGISTRY for rel in rule.derive(budget)]
    columns = from_relations(budget.path, len(budget.documents), budget.figures, relations)
    monkeypatch.setattr(runner, "SMALL", 0)  # the pool of the diagnosis: the failing relations, both ways
    audit = runner.judge(columns)
    whole = audit.diagnoses.diagnoses
    assert len(whole) > 50
    grouped = audit.bulk.found(range(len(audit.codes)))
    # Figure compares by identity (and the groups' come back unpickled): compare every field's repr
    assert {k: repr(d) for k, d in grouped.items()} == {k: repr(d) for k, d in whole.items()}
    assert audit.bulk.notes == audit.diagnoses.notes


def test_a_writer_holds_one_chunk(heavy_tables: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The first result is written before the second chunk is worded."""
    monkeypatch.setattr(runner, "SMALL", 1)
    monkeypatch.setattr(runner, "CHUNK", 50)
    worded = []
    explain = runner.explain

    def counting(*args: Any) -> Any:
        worded.append(1)
        return explain(*args)

    monkeypatch.setattr(runner, "explain", counting)
    audit = runner.judge(files.read(heavy_tables))

    class Sink(io.StringIO):
        def write(self, s: str) -> int:
            if s.startswith('{"id"') and not hasattr(self, "first"):
                self.first = len(worded)
            return super().write(s)

    sink = Sink()
    jsonout.write(audit, True, sink)
    assert 0 < sink.first <= 50
    assert len(worded) == len(audit.codes)
