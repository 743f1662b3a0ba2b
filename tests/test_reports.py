"""Reports: golden Markdown, determinism, the workpaper against findings.json, safe output."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from fundaudit.loader import load
from fundaudit.report import bundle
from fundaudit.report.safe import neutralise
from fundaudit.runner import run

HERE = Path(__file__).parent
FIXTURE = HERE / "fixtures" / "report.yaml"
GOLDEN = HERE / "golden" / "report_audit.md"
ROOT = HERE.parent


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    cwd = os.getcwd()
    os.chdir(ROOT)  # paths in the reports are relative to the repository root
    try:
        return bundle.render_all(run(load(FIXTURE.relative_to(ROOT))))
    finally:
        os.chdir(cwd)


def test_markdown_golden(files: dict[str, bytes]) -> None:
    text = files["audit.md"].decode("utf-8")
    if os.environ.get("UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


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


def test_workpaper_findings_match_json(files: dict[str, bytes]) -> None:
    wb = openpyxl.load_workbook(io.BytesIO(files["audit.xlsx"]))
    assert wb.sheetnames == ["Summary", "Findings", "Figures"]
    rows = list(wb["Findings"].iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    results = json.loads(files["findings.json"])["results"]
    assert len(body) == len(results)
    for row, result in zip(body, results, strict=True):
        got = dict(zip(header, row, strict=True))
        assert got["id"] == result["id"] and got["verdict"] == result["verdict"]
        assert (got["total"], got["parts_sum"], got["diff"], got["tolerance"]) == (
            result["total"],
            result["parts_sum"],
            result["diff"],
            result["tolerance"],
        )
        assert (got["yaml_line"], got["source_file"], got["source_line"]) == (
            result["location"]["line"],
            result["source"]["file"],
            result["source"]["line"],
        )
    figures = list(wb["Figures"].iter_rows(values_only=True))
    values = {r[0]: r[2] for r in figures[1:]}
    assert values["demo::health:total"] == "19.108"  # digits as written, a text cell
    assert wb["Figures"]["C2"].number_format == "@"


def test_csv_and_xlsx_neutralise_formulas(files: dict[str, bytes]) -> None:
    assert neutralise("=HYPERLINK(1)") == "'=HYPERLINK(1)" and neutralise("-0.01") == "-0.01"
    assert neutralise("@SUM(A1)") == "'@SUM(A1)" and neutralise("+1+2") == "'+1+2"
    rows = list(csv.reader(io.StringIO(files["findings.csv"].decode("utf-8"))))
    assert all(not cell.startswith(("=", "+", "@")) for row in rows for cell in row)
    wb = openpyxl.load_workbook(io.BytesIO(files["audit.xlsx"]))
    for ws in wb:
        for row in ws.iter_rows(values_only=True):
            assert not any(isinstance(v, str) and v.startswith(("=", "+", "@")) for v in row)


def test_html_escapes_data(files: dict[str, bytes]) -> None:
    html = files["audit.html"].decode("utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert html.count("<script>") == 1  # only the table sorter
    body = html.split("<body>")[1].replace('xmlns="http://www.w3.org/2000/svg"', "").replace("http://x", "")
    assert "http" not in body and "src=" not in body  # no network resources


def test_markdown_names_mismatch_with_both_locations(files: dict[str, bytes]) -> None:
    text = files["audit.md"].decode("utf-8")
    assert "| error      | mismatch  |" in text
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
    monkeypatch.chdir(ROOT)
    stale = bundle.stale(run(load(Path("data/budgets.yaml"))), ROOT / "reports")
    assert stale == [], f"reports/ is stale: run `fundaudit report` ({stale})"
