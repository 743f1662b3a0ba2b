"""Streamed findings: the same bytes as findings worded all at once, a chunk held at a time.

Large table data takes the streamed path (findings ordered from the columns, worded a chunk
at a time, the diagnosis run group by group); :data:`fundaudit.runner.SMALL` is lowered here
so that small data sets take it too, and every format is compared with the output of the
path that words every finding at once and diagnoses all failing relations together.
"""

from __future__ import annotations

import io
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from fundaudit import i18n, runner
from fundaudit.columnar import read as reading
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
    columns = reading.read(heavy_tables)
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
    audit = runner.judge(reading.read(heavy_tables))

    class Sink(io.StringIO):
        def write(self, s: str) -> int:
            if s.startswith('{"id"') and not hasattr(self, "first"):
                self.first = len(worded)
            return super().write(s)

    sink = Sink()
    jsonout.write(audit, True, sink)
    assert 0 < sink.first <= 50
    assert len(worded) == len(audit.codes)


def test_workers_give_the_diagnoses_of_one_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from fundaudit.columnar import diagnoses

    heavy.write(heavy.generate(9_000, seed=11), tmp_path)  # two YAML files: two groups at least
    monkeypatch.setattr(runner, "SMALL", 1)
    monkeypatch.setattr(diagnoses, "PARALLEL", 1)
    columns = reading.read(tmp_path)
    rows = range(len(columns.relations))
    found = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv("FUNDAUDIT_JOBS", jobs)
        audit = runner.judge(columns)
        with i18n.using("zh"):  # not the environment's language: the workers must be told
            found[jobs] = {k: repr(d) for k, d in audit.bulk.found(rows).items()}
        assert len(audit.bulk.where) > 1  # several groups: several were in flight
    assert diagnoses.jobs(10) == 2 or len(os.sched_getaffinity(0)) < 2
    assert found["2"] == found["1"]
    assert any("不符" in d or "更正" in d or "，" in d for d in found["1"].values())  # in Chinese


def test_hidden_findings_and_crashed_rules_stream_in_place(heavy_tables: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A baseline's or a filter's hidden ids and a crashed rule's finding, streamed as worded at once."""
    from dataclasses import replace

    columns = reading.read(heavy_tables)
    crash = runner.crashed(columns.path, "sum", ValueError("boom"))
    ids = [columns.relations.id[i] for i in range(0, len(columns.relations), 3)]
    outputs = {}
    for small in (1, 10**9):
        monkeypatch.setattr(runner, "SMALL", small)
        audit = replace(runner.judge(columns, crashes=(crash,)), hidden=frozenset(ids))
        outputs[small] = _outputs(audit)
        assert audit.fails("error")
    assert outputs[1] == outputs[10**9]
    assert '"id": "sum#crash"' in outputs[1]["json-False"]
    assert ids[1] not in outputs[1]["jsonl-True"]


def test_jsonl_of_data_that_cannot_be_audited(tmp_path: Path) -> None:
    import subprocess

    bad = tmp_path / "budgets.yaml"
    bad.write_text("documents: [\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "fundaudit", "check", str(bad), "--format", "jsonl"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 2
    lines = done.stdout.splitlines()
    assert len(lines) == 1
    doc = json.loads(lines[0])
    assert doc["errors"] and doc["errors"][0]["file"].endswith("budgets.yaml")


def test_workers_only_for_the_command_line_or_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    """A library caller's script would run again in each spawned worker: no workers unless asked."""
    from fundaudit.columnar import diagnoses, group

    monkeypatch.delenv("FUNDAUDIT_JOBS", raising=False)
    monkeypatch.setattr(group, "_ALLOWED", [])
    assert diagnoses.jobs(10**6) == 1
    group.allow_workers()
    assert diagnoses.jobs(10**6) == len(os.sched_getaffinity(0))
    assert diagnoses.jobs(10) == 1  # small work stays here
    monkeypatch.setattr(group, "_ALLOWED", [])
    monkeypatch.setenv("FUNDAUDIT_JOBS", "1")
    assert diagnoses.jobs(10**6) == 1
