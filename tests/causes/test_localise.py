"""Localisation: candidates combined across failing relations, re-judged exactly, roots shared."""

from __future__ import annotations

from fundaudit.causes import REGISTRY
from fundaudit.causes._base import Cause
from fundaudit.causes.localise import diagnose
from fundaudit.tolerance import DEFAULT
from tests.causes.helpers import diagnoses, fig, rel, top


def test_zy2016_soil_total_explains_both_foots() -> None:
    # 资阳 (002:175): 防洪 3.4 亿元 = 2.8 + 水保 1; 水保 1 = 0.46 + 0.02 + 0.12. One figure, two findings
    soil = fig("zy::flood/soil:total", "1 亿元", 175)
    found = diagnoses(
        rel("flood", fig("zy::flood:total", "3.4 亿元", 175), fig("zy::flood/works:total", "2.8 亿元", 175), soil),
        rel(
            "soil",
            soil,
            *(
                fig(f"zy::flood/soil:{c}", v, 175)
                for c, v in (("a", "0.46 亿元"), ("b", "0.02 亿元"), ("c", "0.12 亿元"))
            ),
        ),
    )
    assert top(found["flood"])[1:] == (soil.ref, "0.6 亿元") and top(found["soil"])[1:] == (soil.ref, "0.6 亿元")
    assert found["flood"].root == found["soil"].root == soil.ref and found["flood"].explains == ("flood", "soil")


def test_a_correction_that_breaks_a_holding_relation_is_dropped() -> None:
    a = fig("t::x:a", "40 万元")
    found = diagnoses(
        rel("r", fig("t::x:total", "91 万元"), a, fig("t::x:b", "50 万元")),
        rel("held", fig("t::y:a", "40 万元"), a, rule="repeat"),  # a is right: 40 stated twice
    )
    assert top(found["r"])[1] == "t::x:total"  # not a


def test_two_corrections_are_said_and_share_one_root() -> None:
    # a row whose two cells lost their point; the row total needs both corrections
    c1, c2 = fig("t::row:c1", "1005 万元"), fig("t::row:c2", "2007 万元")
    found = diagnoses(
        rel("col1", c1, fig("t::r1:c1", "50 万元"), fig("t::r2:c1", "50.5 万元")),
        rel("col2", c2, fig("t::r1:c2", "100 万元"), fig("t::r2:c2", "100.7 万元")),
        rel("row", fig("t::row:total", "301.2 万元"), c1, c2, rule="table-cross-foot"),
    )
    assert top(found["col1"]) == ("decimal-shift", c1.ref, "100.5 万元")
    assert found["row"].corrections == 2
    text = found["row"].text  # both corrections said, found together or one after the other
    assert "c1 1005 万元" in text and "c2 2007 万元" in text
    assert "together with" in text or "after correcting" in text
    assert found["row"].root in {found["col1"].root, found["col2"].root}


def test_a_crashing_cause_is_noted_and_changes_nothing() -> None:
    def boom(*_: object) -> list[object]:
        raise RuntimeError("boom")

    crashing = Cause("boom", "Crashes", "error", "{detail}", "boom — crashes\n\nCorrection safety: none", boom)
    r = rel("r", fig("t::x:total", "10.5 万元"), fig("t::x:a", "10 万元"), fig("t::x:b", "0.5 元"))
    got = diagnose([r], {f.ref: [r] for f in (r.total, *r.parts)}, DEFAULT, causes=(crashing, *REGISTRY))
    assert any("boom" in note for note in got.notes)
    assert got.diagnoses["r"].cause == "unit-slip"


def test_a_corrected_cell_carries_into_the_subtotals_computed_from_it() -> None:
    # 交通 附件 (001:1499–1534): 9851 for 9850 in a row whose 合计 16005 says 9850; the 市县
    # column's 小计 66041 and the table's 合计 were added up from 9851 and carry the slip
    cell = fig("t::r1534:市县", "9851 万元", 1534)
    sub = fig("t::r1532:市县", "66041 万元", 1532)
    found = diagnoses(
        rel("row", fig("t::r1534:合计", "16005 万元", 1534), fig("t::r1534:中央", "6155 万元", 1534), cell),
        rel("col", sub, fig("t::r1533:市县", "8500 万元", 1533), cell, fig("t::r1535:市县", "47690 万元", 1535)),
        rel(
            "sub-row",
            fig("t::r1532:合计", "221765 万元", 1532),
            fig("t::r1532:中央", "12655 万元", 1532),
            sub,
            fig("t::r1532:社会", "143070 万元", 1532),
        ),
        rel("grand", fig("t::r1499:市县", "132140 万元", 1499), fig("t::r1505:市县", "66100 万元", 1505), sub),
    )
    assert {r: top(d)[:2] for r, d in found.items()} == {
        r: ("digit-typo", cell.ref) for r in ("row", "sub-row", "grand")
    }
    assert [c.likely for c in found["row"].figures[:2]] == ["9850 万元", "66040 万元"]
    assert "together with" in found["row"].text and found["row"].root == found["grand"].root


def test_a_carried_correction_must_explain_as_many_findings_as_figures_it_moves() -> None:
    # the same shape with one failing relation only: moving two figures to explain one is not believed
    cell = fig("t::r1:b", "9851 万元")
    found = diagnoses(
        rel("row", fig("t::r1:total", "16005 万元"), fig("t::r1:a", "6155 万元"), cell),
        rel("col", fig("t::r9:b", "18351 万元"), fig("t::r2:b", "8500 万元"), cell),
    )
    assert "together with" not in found["row"].text and cell.ref not in {c.figure.ref for c in found["row"].figures}


def test_a_row_written_tenfold_too_small_moves_with_its_only_cell() -> None:
    # 教育 附件 生源地助学贷款 (001:1295): 巴州 合计 200 and 其他 200 for 2000 each
    total, other = fig("t::r1295:合计", "200 万元", 1295), fig("t::r1295:其他", "200 万元", 1295)
    found = diagnoses(
        rel("row", total, other, rule="table-cross-foot"),
        rel("col-other", fig("t::r1283:其他", "2000 万元", 1283), other, fig("t::r1296:其他", "0 万元", 1296)),
        rel("col-total", fig("t::r1283:合计", "2160 万元", 1283), total, fig("t::r1296:合计", "160 万元", 1296)),
    )
    assert top(found["col-other"])[0] == "decimal-shift"
    assert {c.likely for c in found["col-other"].figures[:2]} == {"2000 万元"}
    assert found["col-other"].root == found["col-total"].root


def test_a_header_unit_wrong_for_a_whole_row_of_counts() -> None:
    # 教师培训 (001:1305) heads its targets 人次 where the prose has 1.5 万人次
    city = fig("t::r1305:全市", "1.5 人次", 1305)
    counties = [fig(f"t::r1305:{c}", v, 1305) for c, v in (("a", "0.7 人次"), ("b", "0.8 人次"))]
    found = diagnoses(
        rel("prose", fig("t::p:培训", "1.5 万人次", 1238), city, rule="repeat"),
        rel("counties", city, *counties, rule="table-cross-foot"),
    )
    assert top(found["prose"]) == ("unit-slip", city.ref, "1.5 万人次")
    assert [c.likely for c in found["prose"].figures[:3]] == ["1.5 万人次", "0.7 万人次", "0.8 万人次"]


def test_two_cells_that_lost_their_point_are_found_together() -> None:
    # 恩阳 in the 教育 合计 row: 44245 and 14125 for 4424.5 and 1412.5; neither alone makes it hold
    a, b = fig("t::r:中央", "44245 万元"), fig("t::r:县区", "14125 万元")
    found = diagnoses(
        rel(
            "row",
            fig("t::r:合计", "7102 万元"),
            a,
            fig("t::r:市", "65 万元"),
            b,
            fig("t::r:其他", "1200 万元"),
            rule="table-cross-foot",
        ),
        rel("col-a", fig("t::c:中央", "4424.5 万元"), fig("t::c1:中央", "4000 万元"), fig("t::c2:中央", "424.5 万元")),
    )
    assert found["row"].cause == "decimal-shift"
    assert {(c.figure.ref, c.likely) for c in found["row"].figures[:2]} == {
        (a.ref, "4424.5 万元"),
        (b.ref, "1412.5 万元"),
    }


def test_a_corrected_figure_keeps_every_other_field() -> None:
    # Edit.applied builds the Figure directly (speed): a field added to Figure must be carried
    from dataclasses import fields

    from fundaudit.causes._base import Edit
    from fundaudit.model import Figure, Loc
    from fundaudit.numbers import Written
    from fundaudit.units import parse_unit

    values: dict[str, object] = {
        "ref": "t::x:a",
        "label": "a",
        "value": Written(9851, 0),
        "unit": parse_unit("万元"),
        "source": Loc("s.txt", 3),
        "yaml": Loc("d.yaml", 4),
    }
    for f in fields(Figure):  # every other field gets a value that is not its default
        values.setdefault(f.name, f"{f.name}-set")
    original = Figure(**values)  # type: ignore[arg-type]
    corrected = Edit(original, Written(9850, 0), parse_unit("亿元")).applied()
    for f in fields(Figure):
        if f.name not in ("value", "unit"):
            assert getattr(corrected, f.name) == getattr(original, f.name), f.name
    assert (corrected.value, corrected.unit.text) == (Written(9850, 0), "亿元")
