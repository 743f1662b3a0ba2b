"""The row keys of a Parquet relations table (``schema.ROW_KEYS``): an index, never the data.

``fundaudit export`` writes each relation's figure rows beside its refs, so that ``check DIR``
links relations to figures without hashing every reference. A reader may trust them only
where they agree with the refs: every other case must read exactly as the same table without
them (same output, same errors, same exit code).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from fundaudit.cli import app
from fundaudit.columnar import read as reading
from fundaudit.columnar import write as writing
from fundaudit.columnar.arrays import from_relations
from fundaudit.model import Budget
from fundaudit.rules import REGISTRY


def _check(path: Path) -> tuple[int, str, str]:
    """Exit code, stdout and stderr of ``check PATH --format json``, the folder's path as DIR."""
    result = CliRunner().invoke(app, ["check", str(path), "--format", "json"])
    return result.exit_code, *(s.replace(str(path), "DIR") for s in (result.stdout, result.stderr))


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory, real_budget: Budget) -> Path:
    out = tmp_path_factory.mktemp("keys") / "tables"
    relations = [r for rule in REGISTRY for r in rule.derive(real_budget)]
    writing.write(from_relations(real_budget.path, len(real_budget.documents), real_budget.figures, relations), out)
    return out


def _copy(exported: Path, out: Path, change: Callable[[pa.Table], pa.Table] | None = None) -> Path:
    out.mkdir()
    for f in exported.iterdir():
        (out / f.name).write_bytes(f.read_bytes())
    if change is not None:
        path = out / "relations.parquet"
        pq.write_table(change(pq.read_table(path)), path)
    return out


def _without_keys(table: pa.Table) -> pa.Table:
    return table.drop_columns(["total_row", "part_rows"])


def test_export_writes_row_keys_and_check_uses_them(
    exported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert {"total_row", "part_rows"} <= set(pq.read_schema(exported / "relations.parquet").names)
    plain = _check(_copy(exported, tmp_path / "b", _without_keys))
    assert plain[0] == 1
    with monkeypatch.context() as m:
        m.setattr(reading, "_links", lambda *a, **k: pytest.fail("the refs were hashed though the keys agree"))
        assert _check(exported) == plain


def _set(name: str, values: Callable[[list[object]], list[object]], type_: pa.DataType | None = None):  # type: ignore[no-untyped-def]
    def change(t: pa.Table) -> pa.Table:
        col = t[name]
        new = values(col.to_pylist())
        return t.set_column(t.schema.get_field_index(name), name, pa.array(new, type_ or col.type))

    return change


def _swap(v: list[object]) -> list[object]:
    v = list(v)
    i = next(j for j in range(1, len(v)) if v[j] != v[0])
    v[0], v[i] = v[i], v[0]
    return v


def _first(f: Callable[[object], object]) -> Callable[[list[object]], list[object]]:
    def change(v: list[object]) -> list[object]:
        return [f(v[0]), *v[1:]]

    return change


def _longer(v: list[object]) -> list[object]:
    return [[*v[0], v[0][0]], *v[1:]]  # type: ignore[index]


def _dup_ref(exported: Path, tmp_path: Path) -> Path:
    out = _copy(exported, tmp_path / "a")
    path = out / "figures.parquet"
    t = pq.read_table(path)
    pq.write_table(pa.concat_tables([t, t.slice(0, 1)]), path)  # a last row no key names, with row 0's ref
    return out


HOSTILE: dict[str, Callable[[pa.Table], pa.Table]] = {
    "swapped totals": _set("total_row", _swap),
    "swapped parts": _set("part_rows", _swap),
    "row past the figures": _set("total_row", _first(lambda _: 10**9)),
    "negative row": _set("total_row", _first(lambda _: -1)),
    "empty cell": _set("total_row", _first(lambda _: None)),
    "empty part": _set("part_rows", lambda v: [[None, *v[0][1:]], *v[1:]]),  # type: ignore[index]
    "empty list": _set("part_rows", _first(lambda _: None)),
    "text keys": _set("total_row", lambda v: [str(x) for x in v], pa.string()),
    "unsigned past int64": _set("total_row", _first(lambda _: 2**64 - 1), pa.uint64()),
    "a part too many": _set("part_rows", _longer),
    "int32 keys": _set("total_row", lambda v: v, pa.int32()),
}


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_keys_that_disagree_read_as_no_keys(case: str, exported: Path, tmp_path: Path) -> None:
    got = _check(_copy(exported, tmp_path / "a", HOSTILE[case]))
    want = _check(_copy(exported, tmp_path / "b", _without_keys))
    assert "Traceback" not in got[2]
    assert got == want


def test_a_duplicate_ref_is_reported_though_the_keys_agree(exported: Path, tmp_path: Path) -> None:
    out = _dup_ref(exported, tmp_path)
    code, _, stderr = _check(out)
    assert code == 2
    assert "column 'ref': the same ref on another row" in stderr


def test_only_one_key_column_is_ignored(exported: Path, tmp_path: Path) -> None:
    out = _copy(exported, tmp_path / "a", lambda t: t.drop_columns(["part_rows"]))
    assert _check(out) == _check(_copy(exported, tmp_path / "b", _without_keys))


@pytest.mark.parametrize("case", ["as written", "last total swapped"])
def test_keys_checked_in_slices(case: str, exported: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def swap_last(t: pa.Table) -> pa.Table:
        v = t["total_row"].to_pylist()
        v[-1] = next(x for x in reversed(v) if x != v[-1])
        return t.set_column(t.schema.get_field_index("total_row"), "total_row", pa.array(v, pa.int64()))

    keyed = _copy(exported, tmp_path / "a", swap_last if case != "as written" else None)
    want = _check(_copy(exported, tmp_path / "b", _without_keys))
    hashed: list[int] = []
    links = reading._links
    monkeypatch.setattr(reading, "_KEYS_AT_ONCE", 7)
    monkeypatch.setattr(reading, "_links", lambda *a: hashed.append(1) or links(*a))
    assert _check(keyed) == want
    assert hashed == ([] if case == "as written" else [1])


@pytest.mark.parametrize("keys", [True, False])
def test_dictionary_encoded_refs_read_as_their_texts(exported: Path, tmp_path: Path, keys: bool) -> None:
    """A writer that dictionary-encoded the figures' ``ref`` and the relations' refs (Arrow keeps
    the encoding in the file): the same output as the plain tables, with the row keys and
    without them (the refs then hashed to be linked: it raised ArrowTypeError, a traceback)."""

    def encoded(t: pa.Table) -> pa.Table:
        for name in ("ref", "total_ref"):
            if name in t.column_names:
                t = t.set_column(t.schema.get_field_index(name), name, t[name].combine_chunks().dictionary_encode())
        if "part_refs" in t.column_names:
            lists = t["part_refs"].combine_chunks()
            parts = pa.ListArray.from_arrays(lists.offsets, lists.values.dictionary_encode())
            t = t.set_column(t.schema.get_field_index("part_refs"), "part_refs", parts)
        return t if keys or "total_row" not in t.column_names else _without_keys(t)

    plain = _check(_copy(exported, tmp_path / "plain", None if keys else _without_keys))
    folder = _copy(exported, tmp_path / "dict", encoded)
    figures = folder / "figures.parquet"
    pq.write_table(encoded(pq.read_table(figures)), figures)
    assert pa.types.is_dictionary(pq.read_schema(figures).field("ref").type)
    assert _check(folder) == plain
    assert plain[0] == 1
