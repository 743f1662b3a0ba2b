"""Reports: golden Markdown, determinism, the workpaper against findings.json, safe output."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from fundaudit import i18n
from fundaudit.loader import load
from fundaudit.model import Budget
from fundaudit.report import bundle, markdown
from fundaudit.report.safe import neutralise
from fundaudit.runner import run

HERE = Path(__file__).parent
FIXTURE = HERE / "fixtures" / "report.yaml"
GOLDEN = HERE / "golden" / "report_audit.md"
GOLDEN_ZH = HERE / "golden" / "report_audit.zh.md"
ROOT = HERE.parent


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    cwd = os.getcwd()
    os.chdir(ROOT)  # paths in the reports are relative to the repository root
    try:
        return bundle.render_all(run(load(FIXTURE.relative_to(ROOT))))
    finally:
        os.chdir(cwd)


def _golden(text: str, path: Path) -> None:
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_markdown_golden(files: dict[str, bytes]) -> None:
    _golden(files["audit.md"].decode("utf-8"), GOLDEN)


def test_markdown_golden_in_chinese(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    with i18n.using("zh"):
        text = markdown.render(run(load(FIXTURE.relative_to(ROOT))))
    assert "不符" in text and "mismatch |" not in text
    _golden(text, GOLDEN_ZH)


def test_reports_are_deterministic(tmp_path: Path) -> None:
    out_a, out_b = tmp_path / "a", tmp_path / "b"
    for out in (out_a, out_b):
        proc = subprocess.run(
            [sys.executable, "-m", "fundaudit", "report", str(FIXTURE.relative_to(ROOT)), "--out", str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            env={
                **os.environ,
                "PYTHONHASHSEED": "1" if out is out_a else "2",
                "TZ": "UTC" if out is out_a else "Asia/Shanghai",
            },
        )
        assert proc.returncode == 0, proc.stderr
    for name in bundle.FILES:
        assert (out_a / name).read_bytes() == (out_b / name).read_bytes(), name


def test_workpaper_relations_match_json(files: dict[str, bytes]) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(files["audit.xlsx"]))
    assert wb.sheetnames == ["Summary", "Discrepancies", "Relations", "Figures"]
    rows = list(wb["Relations"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    results = json.loads(files["findings.json"])["results"]
    assert len(body) == len(results)
    for row, result in zip(body, results, strict=True):
        got = dict(zip(header, row, strict=True))
        assert got["id"] == result["id"] and got["total as written"] == result["total"]
        for column, key in (("total", "total"), ("sum of parts", "parts_sum"), ("difference", "diff")):
            assert (got[column] is None) if not result[key] else Decimal(repr(got[column])) == Decimal(result[key])
        assert got["YAML"] == f"{result['location']['file']}:{result['location']['line']}"
    figures = list(wb["Figures"].iter_rows(values_only=True))
    by_ref = {r[0]: dict(zip(figures[0], r, strict=True)) for r in figures[1:]}
    assert by_ref["demo::health:total"]["as written"] == "19.108"  # the digits as written, beside the number
    assert by_ref["demo::health:total"]["value"] == 19.108


def test_workpaper_discrepancies_first_most_severe_with_a_review_column(files: dict[str, bytes]) -> None:
    ws = openpyxl.load_workbook(io.BytesIO(files["audit.xlsx"]))["Discrepancies"]
    rows = list(ws.iter_rows(values_only=True))
    assert rows[0][:3] == ("reviewed", "verdict", "severity")
    assert rows[1][1] == "mismatch" and {r[1] for r in rows[1:]} <= {"mismatch", "error", "incomplete"}


def test_workpaper_of_the_real_data_sums_to_the_exact_totals(monkeypatch: pytest.MonkeyPatch) -> None:
    """Numbers an auditor can sum: per unit, the numeric cells add up to the exact total of the data."""
    from collections import defaultdict

    from fundaudit.report import xlsx

    monkeypatch.chdir(ROOT)
    audit = run(load(Path("data/budgets.yaml")))
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.render(audit)))
    exact: dict[str, Decimal] = defaultdict(Decimal)
    for f in audit.model.figures:
        exact[f.unit.text] += f.value.to_decimal()
    read: dict[str, Decimal] = defaultdict(Decimal)
    ws = wb["Figures"]
    header = [c.value for c in ws[1]]
    col = {name: header.index(name) for name in ("value", "as written", "unit")}
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    assert len(rows) == len(audit.model.figures)
    for row in rows:
        value = row[col["value"]]
        assert isinstance(value, int | float) and not isinstance(value, bool)
        assert Decimal(repr(value)) == Decimal(row[col["as written"]])  # the number is the digits written
        read[row[col["unit"]]] += Decimal(repr(value))
    assert read == exact and exact["万元"] > 0
    for sheet in wb:
        assert sheet.freeze_panes == "A2", sheet.title
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:"), sheet.title
    numbers = [c.value for c in wb["Relations"]["G"][1:] if c.value is not None]
    assert numbers and all(isinstance(v, int | float) for v in numbers)


def test_findings_csv_has_a_byte_order_mark(files: dict[str, bytes]) -> None:
    data = files["findings.csv"]
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][0] == "id" and any("教育扶贫专项" in cell for row in rows for cell in row)


def test_csv_and_xlsx_neutralise_formulas(files: dict[str, bytes]) -> None:
    assert neutralise("=HYPERLINK(1)") == "'=HYPERLINK(1)" and neutralise("-0.01") == "-0.01"
    assert neutralise("@SUM(A1)") == "'@SUM(A1)" and neutralise("+1+2") == "'+1+2"
    rows = list(csv.reader(io.StringIO(files["findings.csv"].decode("utf-8-sig"))))
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    wb = openpyxl.load_workbook(io.BytesIO(files["audit.xlsx"]))
    for ws in wb:
        for row in ws.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and v.startswith(("=", "+", "@")) for v in row)


def test_html_escapes_data(files: dict[str, bytes]) -> None:
    html = files["audit.html"].decode("utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<script>") == 1  # only the filters
    body = html.split("<body>")[1].replace('xmlns="http://www.w3.org/2000/svg"', "").replace("http://x", "")
    assert "http" not in body and "src=" not in body  # no network resources


def test_markdown_names_mismatch_with_both_locations(files: dict[str, bytes]) -> None:
    text = files["audit.md"].decode("utf-8")
    assert "| mismatch  |" in text
    assert "tests/fixtures/report.yaml:33 | demo.txt:9" in text


def test_report_check_detects_stale(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    data = tmp_path / "budgets.yaml"
    shutil.copy(FIXTURE, data)
    cmd = [sys.executable, "-m", "fundaudit", "report", str(data), "--out", str(out)]
    assert subprocess.run(cmd, capture_output=True).returncode == 0
    assert subprocess.run([*cmd, "--check"], capture_output=True).returncode == 0
    data.write_text(data.read_text(encoding="utf-8").replace("6 万元 @9", "5 万元 @9"), encoding="utf-8")
    proc = subprocess.run([*cmd, "--check"], capture_output=True, text=True)
    assert proc.returncode == 1 and "audit.md: stale" in proc.stderr


def test_markdown_table_escapes_pipes() -> None:
    from fundaudit.report.escape import markdown as md

    assert md("a|b\nc<i>") == "a\\|b\\\\nc&lt;i&gt;"


def test_reports_stay_in_the_out_folder(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    written = bundle.write(run(load(FIXTURE)), out)
    assert sorted(p.name for p in written) == sorted(bundle.FILES)
    assert all(p.resolve().parent == out.resolve() for p in written)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["reports"]


def test_committed_reports_of_the_real_data_are_current(monkeypatch: pytest.MonkeyPatch) -> None:
    """reports/ holds the Chinese reports (the default language), with the source excerpts."""
    if not os.environ.get("FUNDAUDIT_SOURCES"):
        pytest.skip("the committed HTML embeds source excerpts: set FUNDAUDIT_SOURCES")
    monkeypatch.chdir(ROOT)
    with i18n.using("zh"):
        stale = bundle.stale(run(load(Path("data/budgets.yaml"))), ROOT / "reports")
    assert stale == [], f"reports/ is stale: run `fundaudit report` ({stale})"


def test_english_reports_of_the_real_data_are_deterministic(monkeypatch: pytest.MonkeyPatch) -> None:
    """The English set is generated here (build/reports-en, a CI artefact), byte for byte the same twice."""
    monkeypatch.chdir(ROOT)
    with i18n.using("en"):
        first = bundle.render_all(run(load(Path("data/budgets.yaml"))))
        again = bundle.render_all(run(load(Path("data/budgets.yaml"))))
    assert first == again
    assert "mismatch" in first["audit.md"].decode("utf-8") and "不符" not in first["audit.md"].decode("utf-8")
    out = ROOT / "build" / "reports-en"
    for name, data in first.items():
        out.mkdir(parents=True, exist_ok=True)
        (out / name).write_bytes(data)


def test_discrepancies_group_by_root(real_budget: Budget) -> None:
    """The views group the diagnosed failing findings by root: one slip, one row."""
    from fundaudit.report.summary import SEVERITY_ORDER, roots

    audit = run(real_budget)
    diagnosed = [f for f in audit.findings if f.diagnosis is not None and f.verdict.value in ("mismatch", "incomplete")]
    grouped = roots(audit.findings)
    assert grouped and sum(len(r.findings) for r in grouped) == len(diagnosed)
    for r in grouped:
        assert {f.diagnosis.root for f in r.findings if f.diagnosis} == {r.id}
    assert [SEVERITY_ORDER[r.severity] for r in grouped] == sorted(SEVERITY_ORDER[r.severity] for r in grouped)
    assert any(len(r.findings) > 1 for r in grouped)  # a root that explains several findings
