"""The command line an auditor works in: short Chinese lines, narrowing, -v, explain, paths."""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT

ZH = {**os.environ, "FUNDAUDIT_LANG": "zh"}


def fundaudit(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fundaudit", *args], cwd=ROOT, env=env or ZH, capture_output=True, text=True
    )


@pytest.fixture(scope="module", params=["zh", "en"])
def lang(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def lines(lang: str) -> list[str]:
    proc = fundaudit("check", "--lang", lang)
    assert proc.returncode == 1
    return [ln for ln in proc.stdout.splitlines() if ln.startswith("data/")]  # not the summary lines


def _unit(word: str) -> bool:
    from fundaudit.units import parse_unit

    try:
        parse_unit(word.rstrip("；，;,"))
    except Exception:
        return False
    return True


def test_text_findings_of_the_real_data_are_short_lines(lang: str, lines: list[str]) -> None:
    assert statistics.median(len(line) for line in lines) < 150
    assert sum(len(line) > 160 for line in lines) < len(lines) * 2 // 5
    assert all(len(line) < 240 for line in lines)
    expected = (ROOT / "tests" / "expected" / "findings.txt").read_text(encoding="utf-8").splitlines()
    mismatch = " 不符 [" if lang == "zh" else " mismatch ["
    assert sum(mismatch in line for line in lines) == sum(line.endswith(" mismatch") for line in expected) > 80
    for line in lines:
        assert line.startswith("data/") and ".yaml:" in line.split(" ")[0]  # where, with the path
        assert ("原文第" in line or ".txt:" in line) if lang == "zh" else ("source line " in line or ".txt:" in line)
        words = [w for w in line.split(" ") if len(w) > 3 and not any(c.isdigit() for c in w) and not _unit(w)]
        repeated = [w for w in set(words) if words.count(w) > 2]
        assert not repeated, line  # never the same label over and over
        heads = re.findall(r"(\S+) · ", line)
        assert len(heads) == len(set(heads)), line  # a label two figures share is said once


def test_a_line_names_the_source_file_where_the_yaml_does_not(lines: list[str]) -> None:
    """A document's YAML cites one source: its line is enough; links.yaml names the file."""
    links = [ln for ln in lines if ln.startswith("data/links.yaml:")]
    assert links and all(".txt:" in ln.split(" ")[1] for ln in links)
    assert not any(".txt:" in ln.split(" ")[1] for ln in lines if not ln.startswith("data/links.yaml:"))


def test_verbose_keeps_the_full_arithmetic() -> None:
    proc = fundaudit(
        "check", "-v", "--lang", "en", "--rule", "unit-cost", "--verdict", "mismatch", "--document", "bz2018"
    )
    out = proc.stdout
    assert "data/bz2018/agri.yaml:249: 001_99b381a438ae79d6.txt:58: mismatch [unit-cost]" in out
    assert "贫困人口脱贫任务的 · 目标任务 73000 人" in out and "贫困人口脱贫任务的 · % 51.9 %" in out  # full labels
    assert "product 37887 人; difference 40; tolerance ±36.5" in out and out.count("is 51.95 % cut to") == 1


def test_a_column_total_names_its_parts_by_row(lines: list[str]) -> None:
    proc = fundaudit("check", "-v", "--rule", "table-foot", "--document", "bz2018", "--verdict", "不符")
    out = proc.stdout
    i = out.index("新增困难群众就业人数 700 名")
    block = out[i : i + 800]
    for county in ("巴州区 195", "恩阳区 195", "南江县 220", "通江县 195", "平昌县 195"):
        assert county in block
    assert "data/bz2018/agri.yaml:230" in block and "001_99b381a438ae79d6.txt:244" in block


def test_narrowing_combines_and_sets_the_exit_code() -> None:
    proc = fundaudit("check", "--verdict", "mismatch,incomplete", "--document", "bz2018", "--rule", "table-foot")
    shown = [ln for ln in proc.stdout.splitlines() if ln.startswith("data/")]
    assert shown and all("[table-foot]" in ln and ("不符" in ln or "无法核对" in ln) for ln in shown)
    assert all(ln.startswith("data/bz2018/") for ln in shown) and proc.returncode == 1
    revised = fundaudit("check", "--verdict", "已修订", "--document", "sc2020")
    assert revised.returncode == 0 and " 已修订 [cross-document]" in revised.stdout  # revised is not a failure
    quiet = fundaudit("check", "--verdict", "rounding", "--program", "bz2018-not-a-program")
    assert quiet.returncode == 0 and not [ln for ln in quiet.stdout.splitlines() if ln.startswith("data/")]
    power = fundaudit("check", "--program", "power", "--severity", "error,warning")
    power_lines = [ln for ln in power.stdout.splitlines() if ln.startswith("data/")]
    assert power_lines and all("电力建设扶贫专项" in ln for ln in power_lines)
    bad = fundaudit("check", "--verdict", "wrong")
    assert bad.returncode == 2 and "wrong" in bad.stderr


def test_english_on_request() -> None:
    proc = fundaudit("check", "--lang", "en", "--verdict", "mismatch")
    assert " mismatch [" in proc.stdout and "不符" not in proc.stdout


def test_check_an_included_file_audits_its_documents() -> None:
    proc = fundaudit("check", "data/bz2018/power.yaml", "--all")
    assert proc.returncode == 1, proc.stderr
    assert "data/budgets.yaml" in proc.stderr and "bz2018" in proc.stderr
    docs = {ln.split(":")[0] for ln in proc.stdout.splitlines() if ".yaml:" in ln.split(" ")[0]}
    assert docs and all(d.startswith("data/bz2018/") or d == "data/links.yaml" for d in docs)


def test_check_a_folder(tmp_path: Path) -> None:
    assert fundaudit("check", "data").returncode == 1
    empty = fundaudit("check", str(tmp_path))
    assert empty.returncode == 2 and "neither a data folder" not in empty.stderr  # Chinese by default
    assert "budgets.yaml" in empty.stderr and "figures.parquet" in empty.stderr


@pytest.mark.skipif(not os.environ.get("FUNDAUDIT_SOURCES"), reason="needs the source documents")
@pytest.mark.parametrize(
    ("finding", "expect"),
    [
        # a table cell: the 全市 row's column against its county rows
        (
            "bz2018::industry/targets/r243#table-foot:新增困难群众就业人数",
            ["巴州区 195 名", "data/bz2018/agri.yaml:230", "001_99b381a438ae79d6.txt:244: 巴州区  【195】"],
        ),
        # a split stated in prose: the program's funding sources
        (
            "sc2020::edu#cross-foot",
            ["中央 125.82 亿元", "data/sc2020/funds.yaml:338", "中央资金 【125.82】 亿元"],
        ),
        # a cross-document link: each part named by its document
        (
            "links::sc-2020-villages#cross-document",
            ["已修订", "sc3yr 2020 173 个", "data/sc3yr.yaml:46", "【300】 个贫困村退出", "【173】个贫困村退出"],
        ),
    ],
)
def test_explain(finding: str, expect: list[str]) -> None:
    proc = fundaudit("explain", finding)
    assert proc.returncode == 0, proc.stderr
    for text in expect:
        assert text in proc.stdout, (text, proc.stdout)
    assert proc.stdout.startswith(finding)


def test_explain_needs_one_finding() -> None:
    many = fundaudit("explain", "table-foot")
    assert many.returncode == 2 and "table-foot" in many.stderr
    none = fundaudit("explain", "no-such-thing")
    assert none.returncode == 2
