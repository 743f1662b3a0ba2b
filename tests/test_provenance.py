"""The tokenizer, verify-sources and coverage: tricky text from the documents' patterns."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fundaudit.loader import load
from fundaudit.model import Figure, Loc
from fundaudit.numbers import Written
from fundaudit.provenance.coverage import coverage
from fundaudit.provenance.tokens import tokenize
from fundaudit.provenance.verify import check_figure, verify
from fundaudit.units import parse_unit

ROOT = Path(__file__).resolve().parent.parent
SOURCES = os.environ.get("FUNDAUDIT_SOURCES")
needs_sources = pytest.mark.skipif(not SOURCES, reason="set FUNDAUDIT_SOURCES to the source documents folder")


def counted(text: str) -> list[tuple[str, str, int]]:
    return [(t.value, t.unit, t.line) for t in tokenize(text) if t.excluded is None]


def test_mixed_units_in_one_sentence() -> None:
    text = "计划完成投资 97.6 亿元，其中中央资金 5000 万元、县级 120 元。"
    assert counted(text) == [("97.6", "亿元", 1), ("5000", "万元", 1), ("120", "元", 1)]


def test_number_broken_across_lines() -> None:
    text = "免除义务教育教科书费，计划投入 9.8 亿元，其中，中央资金 8.4\n\n亿元，省级资金 1.4 亿元。"
    assert counted(text) == [("9.8", "亿元", 1), ("8.4", "亿元", 1), ("1.4", "亿元", 3)]


def test_full_width_digits_and_percent() -> None:
    assert counted("安排１２.５亿元，占８５％") == [("12.5", "亿元", 1), ("85", "%", 1)]


def test_header_units_for_table_cells() -> None:
    text = "附件 3\n单位：万元\n项目名称\t资金安排\t中央资金\n中央农业生产发展项目\t5000\t5000\n合计\t15300\t6200\n"
    tokens = [t for t in tokenize(text) if t.cell]
    assert [(t.value, t.unit, t.line) for t in tokens] == [
        ("5000", "万元", 4),
        ("5000", "万元", 4),
        ("15300", "万元", 5),
        ("6200", "万元", 5),
    ]
    text = "序号\t项目名称\t资金投入 (万元)\n1\t家政扶贫\t500\n"
    assert ("500", "万元", 2) in [(t.value, t.unit, t.line) for t in tokenize(text)]


@pytest.mark.parametrize(
    ("text", "rule"),
    [
        ("2020 年计划安排", "year"),
        ("于 3 月 10 日前", "date"),
        ("巴委办〔2018〕11号", "document-number"),
        ("1. 中央农业生产发展项目", "list-number"),
        ("第 3 章", "ordinal"),
        ("农业产业扶贫专项 2020 年实施方案·····\t4", "list-number"),
    ],
)
def test_exclusion_rules(text: str, rule: str) -> None:
    assert rule in {t.excluded for t in tokenize(text)}
    assert counted(text) == []


def test_ten_thousand_before_a_noun() -> None:
    assert counted("20 万贫困人口脱贫") == [("20", "万", 1)]


@pytest.mark.parametrize(
    ("line", "verified"),
    [
        ("补助标准。按照集中供气户数进行补助，每户省级财政补助 5200 元。", True),
        ("补助标准。按照集中供气户数进行补助，省级财政补助 5200 元。", False),  # no 每户 before it
        ("每户补助 5200 万元。", False),  # the numerator written is 万元, not 元
        ("补助 5200 元，每户一次。", False),  # 每户 after the number is not the rate's
    ],
)
def test_a_rate_is_verified_by_its_per_word(line: str, verified: bool) -> None:
    fig = Figure("d::p:rate", "每户补助", Written(5200, 0), parse_unit("元/户"), Loc("s.txt", 1), Loc("d.yaml", 1))
    method, reason = check_figure(fig, [line], False)
    assert (method is not None) is verified, reason


numbers = st.from_regex(r"(0|[1-9][0-9]{0,6})(\.[0-9]{1,4})?", fullmatch=True)
units = st.sampled_from(["亿元", "万元", "元", "万人", "个", "公里", "万亩", "%", "户", "座"])
FULL = str.maketrans("0123456789.", "０１２３４５６７８９．")


@given(numbers, units, st.sampled_from(["", " ", "  "]), st.booleans(), st.booleans())
def test_tokenizer_recovers_generated_expressions(value: str, unit: str, gap: str, full: bool, broken: bool) -> None:
    written = value.translate(FULL) if full else value
    sep = "\n\n" if broken else gap
    text = f"计划投入资金 {written}{sep}{unit}，用于项目。"
    assert counted(text) == [(value, unit, 1)]


def _copy_fixture(tmp: Path) -> tuple[Path, Path]:
    src = tmp / "sources"
    src.mkdir()
    (src / "demo.txt").write_text(
        "教育扶贫专项计划安排资金 194.08 亿元。其中，中央资金 125.82 亿元，\n"
        "省级资金 54.68 亿元，市、县资金 13.58 亿元。\n"
        "公用经费 50 亿元，其中中央 40 亿元，省级 10 亿元。\n"
        "其他 144.08 亿元，中央 85.82 亿元，省级 44.68 亿元，市县 13.57 亿元。\n",
        encoding="utf-8",
    )
    data = tmp / "budgets.yaml"
    text = (ROOT / "tests" / "fixtures" / "mini.yaml").read_text(encoding="utf-8")
    text = text.replace("省级: 54.68 亿元 @1", "省级: 54.68 亿元 @2").replace(
        "市县: 13.58 亿元 @1", "市县: 13.58 亿元 @2"
    )
    text = text.replace("@3", "@4").replace("@2}", "@3}").replace("total: 50 亿元 @2", "total: 50 亿元 @3")
    data.write_text(text, encoding="utf-8")
    return data, src


def test_verify_sources_passes_then_reports_a_corrupted_figure(tmp_path: Path) -> None:
    data, src = _copy_fixture(tmp_path)
    result = verify(load(data), src)
    assert result.unverified == (), [str(u) for u in result.unverified]
    data.write_text(data.read_text(encoding="utf-8").replace("125.82 亿元", "125.28 亿元"), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "fundaudit", "verify-sources", str(data), "--sources", str(src)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    line = next(ln for ln in proc.stdout.splitlines() if "125.28" in ln)
    assert line.startswith(f"{data}:11: demo.txt:1: 中央 125.28 亿元: '125.28' is not written on line 1")


def test_verify_sources_needs_a_folder(tmp_path: Path) -> None:
    data, _ = _copy_fixture(tmp_path)
    env = {k: v for k, v in os.environ.items() if k != "FUNDAUDIT_SOURCES"}
    proc = subprocess.run(
        [sys.executable, "-m", "fundaudit", "verify-sources", str(data)], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 2 and "FUNDAUDIT_SOURCES" in proc.stderr


def test_coverage_counts_and_lists_missing(tmp_path: Path) -> None:
    data, src = _copy_fixture(tmp_path)
    with (src / "demo.txt").open("a", encoding="utf-8") as fh:
        fh.write("另安排 3 亿元用于其他。\n")
    (report,) = coverage(load(data), src, {})
    assert (report.total.money_found, report.total.money_encoded) == (12, 11)
    assert [(t.value, t.unit, t.line) for t, _ in report.missing] == [("3", "亿元", 5)]


@needs_sources
def test_real_data_verifies_against_the_sources() -> None:
    result = verify(load(ROOT / "data" / "budgets.yaml"), Path(str(SOURCES)))
    assert result.unverified == (), [str(u) for u in result.unverified[:20]]


@needs_sources
def test_document_000_money_is_fully_encoded() -> None:
    reports = coverage(load(ROOT / "data" / "budgets.yaml"), Path(str(SOURCES)), {})
    sc2020 = next(r for r in reports if r.doc.id == "sc2020")
    assert sc2020.total.money_encoded == sc2020.total.money_found > 250


def test_row_unit_column() -> None:
    text = "项目\t明细\t单位\t全市\n特色种植业\t新建茶叶基地\t万亩\t2\t\t0.5\n\t新建益农信息社\t个\t849\t135\n"
    got = [(t.value, t.unit, t.line) for t in tokenize(text) if t.excluded is None]
    assert got == [("2", "万亩", 2), ("0.5", "万亩", 2), ("849", "个", 3), ("135", "个", 3)]


def test_verify_accepts_a_unit_broken_over_lines() -> None:
    from fundaudit.model import Figure, Loc
    from fundaudit.numbers import parse_number
    from fundaudit.provenance.verify import check_figure
    from fundaudit.units import parse_unit

    fig = Figure("t::p:total", "total", parse_number("2800"), parse_unit("万元"), Loc("s.txt", 1), Loc("d.yaml", 1))
    assert check_figure(fig, ["预计发放重度残疾人护理补贴2800万", "", "元，扩权强县"], False)[0] == "digits and unit"
    assert check_figure(fig, ["预计发放重度残疾人护理补贴2800亿", "", "元"], False)[0] is None


def test_verify_accepts_yu_between_number_and_unit_for_bounds() -> None:
    from fundaudit.model import Figure, Loc
    from fundaudit.numbers import parse_number
    from fundaudit.provenance.verify import check_figure
    from fundaudit.units import parse_unit

    def fig(bound: str | None) -> Figure:
        return Figure("t::p:x", "x", parse_number("1500"), parse_unit("名"), Loc("s.txt", 1), Loc("d.yaml", 1), bound)

    line = ["轮训服务专家 1500 余名"]
    assert check_figure(fig("min"), line, False)[0] == "digits and unit"
    assert check_figure(fig(None), line, False)[0] is None


def test_row_numbers_are_excluded() -> None:
    tokens = tokenize("单位：万元\n序号\t项目\t投资\n1\t天然林保护工程\t7535.97\n12\t国有林管护\t252.6\n")
    assert [(t.value, t.excluded) for t in tokens if t.value in ("1", "12")] == [
        ("1", "row-number"),
        ("12", "row-number"),
    ]
    assert ("7535.97", "万元") in [(t.value, t.unit) for t in tokens if t.excluded is None]
