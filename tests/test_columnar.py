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
from fundaudit.columnar import read as reading
from fundaudit.columnar import write as writing
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
    writing.write(_columns(real_budget), tmp_path, fmt)
    code, out, _ = _check(tmp_path, "--all", "--format", "json")
    assert code == 1
    got = json.loads(out)
    assert got["results"] == yaml_json["results"]
    assert got["summary"] == yaml_json["summary"]


def test_amounts_are_exact_integers_in_parquet(tmp_path: Path, real_budget: Budget) -> None:
    writing.write(_columns(real_budget), tmp_path)
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
    writing.write(_columns(load(budget_yaml)), out, "csv")
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
    writing.write(_columns(real_budget), tmp_path, "parquet")
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
    assert code == 2 and "relations.csv: missing" in stderr
    (tmp_path / "b").mkdir()
    out2 = _tiny(tmp_path / "b")
    table = pcsv.read_csv(out2 / "figures.csv")
    pcsv.write_csv(table.drop_columns(["exponent"]), out2 / "figures.csv")
    code, _, stderr = _check(out2)
    assert code == 2 and "missing column(s): exponent" in stderr


def test_data_file_is_the_default() -> None:
    assert DATA.name == "budgets.yaml"


# ------------------------------------------------------------------ hostile table folders (issue 17)

BAD_TABLES = Path(__file__).parent / "bad_tables"
BAD_CASES = sorted(p.stem for p in BAD_TABLES.glob("*.expected"))


def _check_copy(case: str, tmp_path: Path) -> tuple[str, str]:
    """``fundaudit check`` of a copy of ``case``: what it printed, and what it should have."""
    import shutil

    folder = tmp_path / case
    shutil.copytree(BAD_TABLES / case, folder)
    if case == "manifest-directory":
        (folder / "manifest.json").mkdir()  # git keeps no empty directory
    code, out, err = _check(folder)
    got = [f"exit {code}", *err.replace(f"{folder}/", "{dir}/").splitlines()]
    if code < 2:
        got.append(out.splitlines()[-1])
    return "\n".join(got) + "\n", (BAD_TABLES / f"{case}.expected").read_text(encoding="utf-8")


@pytest.mark.parametrize("case", BAD_CASES)
def test_hostile_table_folders_end_in_a_clear_message(case: str, tmp_path: Path) -> None:
    got, expected = _check_copy(case, tmp_path)
    assert "Traceback" not in got
    assert got == expected


def test_the_bad_table_corpus_covers_every_class() -> None:
    assert len(BAD_CASES) >= 20
    for case in BAD_CASES:
        assert (BAD_TABLES / case / "figures.csv").is_file(), case


def _parquet_copy(tmp_path: Path, real_budget: Budget) -> Path:
    out = tmp_path / "tables"
    writing.write(_columns(real_budget), out, "parquet")
    return out


def _rewrite(path: Path, change) -> None:  # type: ignore[no-untyped-def]
    pq.write_table(change(pq.read_table(path)), path)


def test_parquet_without_manifest_counts_the_documents(tmp_path: Path, real_budget: Budget) -> None:
    out = _parquet_copy(tmp_path, real_budget)
    code, with_manifest, _ = _check(out)
    (out / "manifest.json").unlink()
    code2, without, err = _check(out)
    assert (code, code2) == (1, 1), err
    assert with_manifest == without
    assert f"{len(real_budget.documents)} documents" in without


@pytest.mark.parametrize("which", ["figures", "relations", "both"])
def test_zero_row_parquet_tables(which: str, tmp_path: Path, real_budget: Budget) -> None:
    out = _parquet_copy(tmp_path, real_budget)
    for name in ("figures", "relations"):
        if which in (name, "both"):
            _rewrite(out / f"{name}.parquet", lambda t: t.slice(0, 0))
    code, stdout, stderr = _check(out)
    assert "Traceback" not in stderr
    if which == "figures":
        assert code == 2 and "column 'total_ref': no such figure" in stderr
    else:
        assert code == 0, stderr
        assert "0 relations" in stdout


def test_duplicate_parquet_column_is_named(tmp_path: Path, real_budget: Budget) -> None:
    out = _parquet_copy(tmp_path, real_budget)
    _rewrite(
        out / "figures.parquet",
        lambda t: pa.Table.from_arrays([*t.columns, t["unit"]], names=[*t.column_names, "unit"]),
    )
    code, _, stderr = _check(out)
    assert code == 2
    assert f"{out / 'figures.parquet'}: column(s) named twice: unit" in stderr


def test_relation_with_null_parts_is_refused(tmp_path: Path, real_budget: Budget) -> None:
    out = _parquet_copy(tmp_path, real_budget)

    def no_parts(t: pa.Table) -> pa.Table:
        parts = t["part_refs"].to_pylist()
        kinds = t["kind"].to_pylist()
        row = kinds.index("sum")
        parts[row] = None
        return t.set_column(t.schema.get_field_index("part_refs"), "part_refs", pa.array(parts, pa.list_(pa.string())))

    _rewrite(out / "relations.parquet", no_parts)
    code, _, stderr = _check(out)
    assert code == 2
    assert "column 'part_refs': no parts, and none listed as missing" in stderr


@pytest.mark.parametrize("big", [False, True])
def test_uint64_coefficients_are_exact(big: bool, tmp_path: Path) -> None:
    out = tmp_path / "parquet"
    writing.write(reading.read(_tiny(tmp_path)), out, "parquet")

    def unsigned(t: pa.Table) -> pa.Table:
        values = t["coefficient"].to_pylist()
        if big:  # 2**64 − 1 as the 中央 part: past int64, still exact
            values = [2**64 - 1 if v == 10 else v for v in values]
        return t.set_column(t.schema.get_field_index("coefficient"), "coefficient", pa.array(values, pa.uint64()))

    _rewrite(out / "figures.parquet", unsigned)
    code, stdout, stderr = _check(out, "--format", "json", "--all")
    assert "Traceback" not in stderr
    assert code == (1 if big else 0), stderr
    if big:
        assert json.loads(stdout)["results"][0]["parts_sum"] == f"{2**64 + 1}.10"  # 2**64 − 1 + 2.1


def _yaml(tmp_path: Path, total: str, split: str, line: str = "1") -> Path:
    path = tmp_path / "b.yaml"
    path.write_text(
        "fundaudit: 1\ndocuments:\n  - id: t\n    source: t.txt\n    title: t\n    programs:\n"
        f"      - id: p\n        name: P\n        total: {total} @{line}\n        split: {{{split}}}\n",
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_check_dir_accepts_its_own_export_of_extreme_numbers(fmt: str, tmp_path: Path) -> None:
    """38 significant digits and 30 decimal places (the loader's limits): what YAML accepts, tables keep."""
    big, tiny = "1" + "0" * 37, "0." + "0" * 29 + "1"
    data = _yaml(tmp_path, f"{big} 万元", f"中央: {big} 万元 @1, 省级: {tiny} 万元 @2")
    code_yaml, out_yaml, _ = _check(data, "--format", "json", "--all")
    result = runner.invoke(app, ["export", str(data), "--to", str(tmp_path / "t"), "--format", fmt])
    assert result.exit_code == 0, result.stderr
    code, out, err = _check(tmp_path / "t", "--format", "json", "--all")
    # 10**-30 万元 over of the total: a mismatch on both paths, diagnosed as the total's rounding
    # (a warning, so exit 0 under --fail-on error)
    assert code == code_yaml == 0, err
    assert {r["verdict"] for r in json.loads(out)["results"]} >= {"mismatch"}
    assert json.loads(out)["results"] == json.loads(out_yaml)["results"]


def test_a_line_number_the_tables_cannot_hold_is_refused_at_load(tmp_path: Path) -> None:
    line = "9" * 60
    data = _yaml(tmp_path, "12.10 万元", "中央: 10 万元 @1, 省级: 2.1 万元 @2", line)
    result = runner.invoke(app, ["export", str(data), "--to", str(tmp_path / "t")])
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert f"{data}:9: P total: source line '999999999999999999999999' (… 60 characters) is beyond" in result.stderr
    assert not (tmp_path / "t").exists()


def test_columns_of_the_largest_line_are_judged(tmp_path: Path) -> None:
    """``check`` past SMALL relations lays the YAML out in columns: the largest line number stays exact."""
    from fundaudit.columnar.numpy_engine import verdicts
    from fundaudit.loader import load
    from fundaudit.runner import run

    data = _yaml(tmp_path, "12.10 万元", "中央: 10 万元 @1, 省级: 2.1 万元 @2", "9" * 9)
    audit = run(load(data), engine=verdicts)
    assert audit.counts["match"] == 1
    assert audit.findings[0].source.line == int("9" * 9)


def test_message_columns_read_later_are_still_checked(tmp_path: Path, real_budget: Budget) -> None:
    """Columns only messages need are read when a finding is worded — unless the file's
    metadata does not prove them filled: then they are read and checked now."""
    out = _parquet_copy(tmp_path, real_budget)
    cols = reading.read(out)
    assert cols.relations.what._col is None  # type: ignore[attr-defined]  # not read yet
    assert cols.relations_at([0])[0].what  # read on demand

    def empty_label(t: pa.Table) -> pa.Table:
        labels = t["label"].to_pylist()
        labels[2] = None
        return t.set_column(t.schema.get_field_index("label"), "label", pa.array(labels, pa.string()))

    _rewrite(out / "figures.parquet", empty_label)
    code, _, stderr = _check(out)
    assert code == 2
    assert f"{out / 'figures.parquet'}:3: row 3: column 'label' is empty" in stderr
