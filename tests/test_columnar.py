"""Tables in, same audit out: Parquet and CSV round trips, and clear errors for bad tables."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from fundaudit.cli import app
from fundaudit.columnar import files as columnar
from fundaudit.columnar.arrays import from_relations
from fundaudit.model import Budget
from fundaudit.rules import REGISTRY

from .conftest import DATA, ROOT

runner = CliRunner()


def _columns(budget: Budget):  # type: ignore[no-untyped-def]
    relations = [r for rule in REGISTRY for r in rule.derive(budget)]
    return from_relations(budget.path, len(budget.documents), budget.figures, relations)


def _check(path: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["check", str(path), *args])
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def yaml_json() -> dict[str, object]:
    import os

    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        result = runner.invoke(app, ["check", "--all", "--format", "json"])
    finally:
        os.chdir(cwd)
    assert result.exit_code == 1  # the real data has mismatches
    return json.loads(result.stdout)  # type: ignore[no-any-return]


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_tables_audit_exactly_like_the_yaml(
    fmt: str, tmp_path: Path, real_budget: Budget, yaml_json: dict[str, object]
) -> None:
    columnar.write(_columns(real_budget), tmp_path, fmt)
    code, out, _ = _check(tmp_path, "--all", "--format", "json")
    assert code == 1
    got = json.loads(out)
    assert got["results"] == yaml_json["results"]
    assert got["summary"] == yaml_json["summary"]


def test_amounts_are_exact_integers_in_parquet(tmp_path: Path, real_budget: Budget) -> None:
    columnar.write(_columns(real_budget), tmp_path)
    schema = pq.read_schema(tmp_path / "figures.parquet")
    assert schema.field("coefficient").type == pa.int64()
    assert schema.field("exponent").type == pa.int32()
    table = pq.read_table(tmp_path / "figures.parquet").to_pylist()
    by_ref = {row["ref"]: row for row in table}
    f = real_budget.figures[0]
    assert (by_ref[f.ref]["coefficient"], by_ref[f.ref]["exponent"]) == (f.value.coefficient, f.value.exponent)


def _tiny(tmp_path: Path) -> Path:
    """A two-figure table directory (CSV) to break one way at a time."""
    budget_yaml = tmp_path / "b.yaml"
    budget_yaml.write_text(
        "fundaudit: 1\ndocuments:\n  - id: t\n    source: t.txt\n    title: t\n    programs:\n"
        "      - id: p\n        name: P\n        total: 12.10 万元 @1\n"
        "        split: {中央: 10 万元 @1, 省级: 2.1 万元 @2}\n",
        encoding="utf-8",
    )
    from fundaudit.loader import load

    out = tmp_path / "tables"
    columnar.write(_columns(load(budget_yaml)), out, "csv")
    return out


def _edit(path: Path, column: str, row: int, value: str) -> None:
    table = pcsv.read_csv(path, convert_options=pcsv.ConvertOptions(strings_can_be_null=False))
    values = table[column].to_pylist()
    values[row] = value
    table = table.set_column(table.schema.get_field_index(column), column, pa.array([str(v) for v in values]))
    pcsv.write_csv(table, path)


def test_tiny_tables_hold(tmp_path: Path) -> None:
    code, out, _ = _check(_tiny(tmp_path))
    assert code == 0, out
    assert "1 documents, 3 figures, 1 relations: 1 match" in out


@pytest.mark.parametrize(
    ("file", "column", "row", "value", "expected"),
    [
        ("figures.csv", "coefficient", 0, "12.5", "figures.csv:2: line 2: column 'coefficient': not a whole number"),
        ("figures.csv", "coefficient", 1, "-3", "figures.csv:3: line 3: column 'coefficient': not a whole number"),
        ("figures.csv", "unit", 2, "万斤", "figures.csv:4: line 4: column 'unit': unknown unit '万斤'"),
        ("figures.csv", "ref", 1, "t::p:total", "figures.csv:2: line 2: column 'ref': the same ref on another row"),
        ("relations.csv", "kind", 0, "average", "relations.csv:2: line 2: column 'kind': not one of sum"),
        ("relations.csv", "total_ref", 0, "t::nope", "relations.csv:2: line 2: column 'total_ref': no such figure"),
        ("relations.csv", "part_refs", 0, "t::p:中央|t::x", "relations.csv:2: line 2: column 'part_refs': a part"),
        ("figures.csv", "source_line", 0, "0", "figures.csv:2: line 2: column 'source_line': a line number is at"),
    ],
)
def test_bad_tables_are_refused_with_file_line_and_column(
    tmp_path: Path, file: str, column: str, row: int, value: str, expected: str
) -> None:
    out = _tiny(tmp_path)
    _edit(out / file, column, row, value)
    code, stdout, stderr = _check(out)
    assert code == 2, stdout
    assert expected in stderr, stderr
    assert "Traceback" not in stderr


def test_float_amounts_are_refused(tmp_path: Path, real_budget: Budget) -> None:
    columnar.write(_columns(real_budget), tmp_path, "parquet")
    table = pq.read_table(tmp_path / "figures.parquet")
    i = table.schema.get_field_index("coefficient")
    pq.write_table(
        table.set_column(i, "coefficient", table["coefficient"].cast(pa.float64())), tmp_path / "figures.parquet"
    )
    code, _, stderr = _check(tmp_path)
    assert code == 2
    assert "column 'coefficient' is double: amounts must be exact integers, never float" in stderr


def test_missing_table_and_missing_column(tmp_path: Path) -> None:
    out = _tiny(tmp_path)
    (out / "relations.csv").unlink()
    code, _, stderr = _check(out)
    assert code == 2 and "relations.csv:0: missing" in stderr
    (tmp_path / "b").mkdir()
    out2 = _tiny(tmp_path / "b")
    table = pcsv.read_csv(out2 / "figures.csv")
    pcsv.write_csv(table.drop_columns(["exponent"]), out2 / "figures.csv")
    code, _, stderr = _check(out2)
    assert code == 2 and "missing column(s): exponent" in stderr


def test_data_file_is_the_default() -> None:
    assert DATA.name == "budgets.yaml"
