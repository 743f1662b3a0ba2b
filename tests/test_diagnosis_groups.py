"""The failing relations' independent groups (fundaudit.columnar.diagnoses.groups), against an oracle.

A group is the failing relations joined, directly or through others, by a YAML file one of
their figures is in. The oracle is the plain union-find the groups were first made with: every
figure of every relation joined, one at a time, to the first relation seen with its file. It is
checked on invented rows (relations in one file, spanning several, chains of files from one
relation to the next, hubs), and on every data set whose groups the diagnosis uses.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundaudit.columnar.arrays import Columns, from_relations, take
from fundaudit.columnar.diagnoses import components, groups
from fundaudit.findings import FAILING, VERDICT_CODE
from fundaudit.loader import load
from fundaudit.rules import REGISTRY
from fundaudit.tolerance import DEFAULT

ROOT = Path(__file__).resolve().parent.parent


def _oracle(rows: list[int], files: list[list[str]]) -> list[list[int]]:
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, names in enumerate(files):
        for name in names:
            a, b = find(i), find(first.setdefault(name, i))
            if a != b:
                parent[max(a, b)] = min(a, b)
    out: dict[int, list[int]] = {}
    for k, row in enumerate(rows):
        out.setdefault(find(k), []).append(row)
    return list(out.values())


def _components(rows: list[int], files: list[list[str]]) -> list[list[int]]:
    flat = [name for names in files for name in names]
    code = {name: k for k, name in enumerate(dict.fromkeys(flat))}
    at = np.concatenate(([0], np.cumsum([len(names) for names in files])))[:-1].astype(np.int64)
    return components(np.asarray(rows, dtype=np.int64), at, np.array([code[f] for f in flat], np.int64), len(code))


@st.composite
def failing(draw: st.DrawFn) -> tuple[list[int], list[list[str]]]:
    n = draw(st.integers(min_value=0, max_value=40))
    rows = sorted(draw(st.sets(st.integers(min_value=0, max_value=500), min_size=n, max_size=n)))
    names = st.sampled_from([f"f{k}.yaml" for k in range(draw(st.integers(min_value=1, max_value=12)))])
    files = [draw(st.lists(names, min_size=1, max_size=6)) for _ in rows]
    return rows, files


@settings(max_examples=300, deadline=None)
@given(failing())
def test_the_groups_are_the_oracles(case: tuple[list[int], list[list[str]]]) -> None:
    rows, files = case
    assert _components(rows, files) == _oracle(rows, files)


def test_a_chain_of_files_is_one_group_and_cheap() -> None:
    """Relation k spans files k and k + 1: one group, whose files are joined one by one (the shape
    a join per round would take 10^5 rounds for)."""
    n = 100_000
    rows = list(range(0, 2 * n, 2))
    files = [[f"f{k}", f"f{k + 1}"] for k in range(n)]
    files.reverse()  # the chain's last link first
    got = _components(rows, files)
    assert got == [rows]


def test_relations_in_one_file_each_are_grouped_by_file_in_order_of_first_row() -> None:
    rows = [3, 5, 8, 13, 21, 34]
    files = [["b"], ["a"], ["b", "b"], ["c"], ["a"], ["b"]]
    assert _components(rows, files) == [[3, 8, 34], [5, 21], [13]] == _oracle(rows, files)


def _failing_rows(columns: Columns) -> np.ndarray[Any, Any]:
    from fundaudit.columnar.numpy_engine import verdicts

    codes = verdicts(columns, DEFAULT)
    return np.flatnonzero(np.isin(codes, [VERDICT_CODE[v] for v in FAILING]))


def _files(columns: Columns, rows: np.ndarray[Any, Any]) -> list[list[str]]:
    r = columns.relations
    out = []
    for k in rows.tolist():
        members = [int(r.total[k]), *r.parts[r.offsets[k] : r.offsets[k + 1]].tolist()]
        out.append(take(columns.figures.yaml_file, members))
    return out


def _generators() -> tuple[Any, Any]:
    """The benchmarks' generators ``heavy`` and ``odd`` (benchmarks/ is no package)."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import heavy
        import odd
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return heavy, odd


def test_the_real_datas_groups_are_the_oracles() -> None:
    budget = load(ROOT / "data" / "budgets.yaml")
    relations = [rel for rule in REGISTRY for rel in rule.derive(budget)]
    columns = from_relations(budget.path, len(budget.documents), budget.figures, relations)
    rows = _failing_rows(columns)
    assert len(rows) > 10
    got = groups(columns, rows)
    assert got == _oracle(rows.tolist(), _files(columns, rows))
    assert len(got) > 1


def test_the_benchmarks_groups_are_the_oracles(tmp_path: Path) -> None:
    heavy, odd = _generators()
    from fundaudit.columnar.read import read

    heavy.write(heavy.generate(20_000), tmp_path / "heavy")
    sets = [tmp_path / "heavy"]
    for name in ("hub", "chain"):
        figs, rels = odd.SHAPES[name](2_000)
        odd.write(tmp_path / name, figs, rels)
        sets.append(tmp_path / name)
    for folder in sets:
        columns = read(folder)
        rows = _failing_rows(columns)
        assert len(rows), folder
        assert groups(columns, rows) == _oracle(rows.tolist(), _files(columns, rows)), folder


def test_groups_joined_into_one_pass_get_the_diagnoses_they_get_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large independent groups diagnosed together (``diagnoses.joined``, when no cache keeps the
    groups one by one) give every failing relation the diagnosis it gets in its own group's pass."""
    heavy, _odd = _generators()
    from fundaudit import runner
    from fundaudit.columnar import diagnoses
    from fundaudit.columnar.read import read

    monkeypatch.setenv("FUNDAUDIT_CACHE", "off")
    monkeypatch.setattr(runner, "SMALL", 1)
    sets = []
    for seed in (5, 6):  # files of ~8,000 figures: a group each
        heavy.write(heavy.generate(26_000, seed=seed), tmp_path / f"heavy{seed}")
        sets.append(tmp_path / f"heavy{seed}")
    joined_any = False
    for folder in sets:
        columns = read(folder)
        rows = range(len(columns.relations))
        found = {}
        passes = {}
        for size in (1, 1_000, 10**9):  # every group alone, two together, all together
            monkeypatch.setattr(diagnoses, "JOINED", size)
            bulk = runner.judge(columns).bulk
            passes[size] = len(bulk.where)
            found[size] = {k: repr(d) for k, d in bulk.found(rows).items()}
        assert found[1], folder
        assert found[1_000] == found[1] and found[10**9] == found[1], folder
        joined_any |= passes[10**9] < passes[1]
    assert joined_any  # not vacuous: some groups were joined


def test_the_localiser_sees_one_group_at_a_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """``group._apart``: the relations left to the localiser from a joined pass are localised
    group by group — each group the relations joined by a YAML file (a relation spanning two
    files joins them), with the nearby figures of its own files — and the notes follow in order."""
    from fundaudit.causes.localise import Result
    from fundaudit.columnar import group

    budget = load(ROOT / "data" / "budgets.yaml")
    relations = [rel for rule in REGISTRY for rel in rule.derive(budget)]
    calls: list[tuple[list[str], list[str] | None]] = []

    def localised(failing, tolerance, near=None):  # type: ignore[no-untyped-def]
        calls.append(([r.id for r in failing], None if near is None else sorted(near)))
        return Result({r.id: r.id for r in failing}, (f"note {len(calls)}",))  # type: ignore[misc]

    monkeypatch.setattr(group, "_localised", localised)
    near = {f.yaml.file: [f] for rel in relations for f in (rel.total, *rel.parts)}
    got = group._apart(relations, DEFAULT, near)
    assert sorted(got.diagnoses) == sorted(r.id for r in relations)
    assert got.notes == tuple(f"note {k}" for k in range(1, len(calls) + 1))
    files = {r.id: {f.yaml.file for f in (r.total, *r.parts)} for r in relations}
    seen: set[str] = set()
    for ids, near_files in calls:
        mine = set().union(*(files[i] for i in ids))
        assert not mine & seen  # no file in two groups
        seen |= mine
        assert near_files is not None and set(near_files) <= mine
        assert [i for i in (r.id for r in relations) if i in set(ids)] == ids  # in the relations' order
    assert len(calls) > 1
    assert any(len(files[i]) > 1 for ids, _n in calls for i in ids)  # a relation spanning files joined them
    calls.clear()
    group._apart(relations, DEFAULT, None)
    assert all(n is None for _ids, n in calls)


def test_the_groups_read_back_are_held_a_few_mib_at_a_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``Diagnoses`` keeps the groups it decoded while their encoded bytes stay under ``_HELD``
    (at least the last one read) and at most four: the same diagnoses, however few are held."""
    heavy, _odd = _generators()
    from fundaudit import runner
    from fundaudit.columnar import diagnoses
    from fundaudit.columnar.read import read

    monkeypatch.setenv("FUNDAUDIT_CACHE", "off")
    monkeypatch.setattr(runner, "SMALL", 1)
    monkeypatch.setattr(diagnoses, "JOINED", 1)  # many groups
    heavy.write(heavy.generate(50_000, seed=3), tmp_path / "heavy")
    columns = read(tmp_path / "heavy")
    rows = list(range(len(columns.relations)))
    found = {}
    for held in (1, 10**9):
        monkeypatch.setattr(diagnoses, "_HELD", held)
        bulk = runner.judge(columns).bulk
        assert len(bulk.where) > 4
        got = {}
        most = 0
        for at in range(0, len(rows), 500):
            got.update({k: repr(d) for k, d in bulk.found(rows[at : at + 500]).items()})
            most = max(most, len(bulk._cache))
            assert bulk._held == sum(bulk.where[g][1] for g in bulk._cache)
        found[held] = got
        assert most == (1 if held == 1 else 4)
    assert found[1] == found[10**9] and found[1]


def test_joined_groups_are_read_back_once_each_in_the_order_findings_are_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Large groups are joined in the order their findings are shown (``diagnoses.shown_order``:
    by YAML file name, where ``d10.yaml`` comes before ``d2.yaml``), so the chunks of findings
    meet each joined group in one run: holding one group at a time, each is decoded once."""
    heavy, _odd = _generators()
    from fundaudit import runner
    from fundaudit.columnar import diagnoses
    from fundaudit.columnar.read import read
    from fundaudit.report import pieces

    monkeypatch.setenv("FUNDAUDIT_CACHE", "off")
    monkeypatch.setattr(runner, "SMALL", 1)
    monkeypatch.setenv("FUNDAUDIT_JOBS", "1")  # worded here, where it is counted (a CLI run may allow workers)
    monkeypatch.setattr(runner, "CHUNK", 512)
    monkeypatch.setattr(diagnoses, "JOINED", 1_500)
    monkeypatch.setattr(diagnoses, "_HELD", 1)  # one group held at a time
    heavy.write(heavy.generate(100_000, seed=2), tmp_path / "heavy")
    columns = read(tmp_path / "heavy")
    files = sorted(set(take(columns.figures.yaml_file, list(range(len(columns.figures))))))
    assert files != sorted(files, key=lambda f: (len(f), f))  # names whose order is not their number's
    decoded = []
    made = diagnoses.Decoded

    def counted(data: bytes) -> Any:
        decoded.append(1)
        return made(data)

    monkeypatch.setattr(diagnoses, "Decoded", counted)
    audit = runner.judge(columns)
    groups = len(audit.bulk.where)
    assert 2 < groups < len(files)  # joined
    texts = list(pieces.joined(audit, False, "\n"))
    assert len(texts) > groups
    assert len(decoded) == groups
