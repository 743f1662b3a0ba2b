"""A drafted figure keeps its pattern on every columnar path: findings say ``drafted`` and
``--confirmed-only`` hides them, whether a large YAML data set is checked from the model, from
the cache's blocks, or exported to tables and checked as a folder.

Before, the columns had no ``drafted`` column: a data set of 5,000 relations or more lost the
pattern silently (no ``drafted`` in JSON, no mark in the text, nothing hidden by
``--confirmed-only``), as did ``fundaudit export``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from fundaudit import runner
from fundaudit.cli import app
from fundaudit.columnar.arrays import filled, filled_arrow
from fundaudit.loader import fast

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import yamlset

PATTERN = "table-total"


@pytest.fixture(scope="module")
def drafted_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """About 20,000 figures in six files (more relations than the runner's SMALL); the first
    table of the first file drafted by a pattern, its 合计 written wrong."""
    entry = yamlset.write(20_000, tmp_path_factory.mktemp("set") / "data", 6)
    first = sorted(p for p in entry.parent.glob("*.yaml") if p != entry)[0]
    text = first.read_text(encoding="utf-8")
    head = "        title: 项目表\n"
    at = text.index(head)
    end = text.index('role: total, cells: ["', at) + len('role: total, cells: ["')
    digit = text[end + 1]
    text = (
        text[:at]
        + head
        + f"        drafted: {PATTERN}\n"
        + text[at + len(head) : end + 1]
        + str((int(digit) + 1) % 10)
        + text[end + 2 :]
    )
    first.write_text(text, encoding="utf-8")
    return entry


def _check(args: list[str], monkeypatch: pytest.MonkeyPatch, path: str = "columns") -> tuple[int, str]:
    """``fundaudit check ARGS``: through the model (``path="model"``: every relation judged one
    by one), the columns made from the model, or the cache's blocks."""
    with monkeypatch.context() as m:
        m.setenv("FUNDAUDIT_CACHE", "on" if path == "blocks" else "off")
        if path == "model":
            m.setattr(runner, "SMALL", 10**9)
        if path == "blocks":
            m.setattr(fast, "LARGE", 0)
        got = CliRunner().invoke(app, ["check", *args])
    return got.exit_code, got.stdout


def _drafted(doc: dict[str, Any]) -> dict[str, str]:
    return {r["id"]: r["drafted"] for r in doc["results"] if "drafted" in r}


def test_json_and_text_say_drafted_on_every_path(
    drafted_set: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FUNDAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    outs = {p: _check([str(drafted_set), "--format", "json"], monkeypatch, p) for p in ("model", "columns", "blocks")}
    assert {code for code, _out in outs.values()} == {1}
    model = json.loads(outs["model"][1])
    marked = _drafted(model)
    assert marked and set(marked.values()) == {PATTERN}
    assert any(r["verdict"] == "mismatch" for r in model["results"] if r["id"] in marked)
    # the model's diagnoses weigh every relation at once, the columns' a group at a time: the
    # findings and their patterns are the same, the bytes are the same from blocks
    for path in ("columns", "blocks"):
        doc = json.loads(outs[path][1])
        assert [r["id"] for r in doc["results"]] == [r["id"] for r in model["results"]], path
        assert _drafted(doc) == marked, path
    assert outs["blocks"] == outs["columns"]
    for path in ("model", "columns"):  # the tests run in English
        text = _check([str(drafted_set)], monkeypatch, path)[1]
        assert sum("(drafted, unconfirmed)" in line for line in text.splitlines()) == len(marked), path


def test_confirmed_only_hides_the_drafted_findings_on_every_path(
    drafted_set: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FUNDAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    everything = json.loads(_check([str(drafted_set), "--format", "json"], monkeypatch, "model")[1])
    marked = _drafted(everything)
    outs = {
        p: _check([str(drafted_set), "--format", "json", "--confirmed-only"], monkeypatch, p)
        for p in ("model", "columns", "blocks")
    }
    assert outs["blocks"] == outs["columns"]
    for path in ("model", "columns"):
        code, text = outs[path]
        assert code == 1
        ids = [r["id"] for r in json.loads(text)["results"]]
        assert ids == [r["id"] for r in everything["results"] if r["id"] not in marked], path


def test_export_keeps_the_pattern_and_old_tables_still_read(
    drafted_set: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FUNDAUDIT_CACHE", "off")
    model = json.loads(_check([str(drafted_set), "--format", "json"], monkeypatch, "model")[1])
    for fmt in ("parquet", "csv"):
        out = tmp_path / fmt
        got = CliRunner().invoke(app, ["export", str(drafted_set), "--to", str(out), "--format", fmt])
        assert got.exit_code == 0, got.output
        code, text = _check([str(out), "--format", "json"], monkeypatch)
        assert code == 1
        assert _drafted(json.loads(text)) == _drafted(model)
        code, text = _check([str(out), "--format", "json", "--confirmed-only"], monkeypatch)
        assert not set(_drafted(model)) & {r["id"] for r in json.loads(text)["results"]}
    # tables written before the column existed: read, nothing drafted
    old = tmp_path / "old"
    old.mkdir()
    figures = pq.read_table(tmp_path / "parquet" / "figures.parquet")
    pq.write_table(figures.drop_columns(["drafted"]), old / "figures.parquet")
    (old / "relations.parquet").write_bytes((tmp_path / "parquet" / "relations.parquet").read_bytes())
    code, text = _check([str(old), "--format", "json"], monkeypatch)
    assert code == 1
    assert not _drafted(json.loads(text))
    assert len(json.loads(text)["results"]) == len(model["results"])


_TEXTS = st.lists(st.one_of(st.none(), st.sampled_from(["", "p", "表-合计", " "])), max_size=40)


@given(_TEXTS, st.integers(0, 10), st.booleans(), st.integers(1, 4))
def test_filled_is_a_text_that_is_there(values: list[str | None], cut: int, coded: bool, pieces: int) -> None:
    """:func:`filled` of an Arrow column (sliced, dictionary-encoded, in chunks) is the truth of each value."""
    arr: Any = pa.array(values, pa.string())
    arr = arr.slice(min(cut, len(values)))
    want = [bool(v) for v in values[min(cut, len(values)) :]]
    if coded:
        arr = arr.dictionary_encode()
    step = max(1, len(arr) // pieces)
    chunked = pa.chunked_array([arr.slice(i, step) for i in range(0, len(arr), step)] or [arr], arr.type)
    assert filled_arrow(arr).tolist() == want
    assert filled_arrow(chunked).tolist() == want
    assert filled(list(values)).tolist() == [bool(v) for v in values]
    assert filled_arrow(arr).dtype == np.bool_
