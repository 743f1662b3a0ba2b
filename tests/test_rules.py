"""Each rule on tiny inline budgets: correct data holds, a broken figure is caught."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from fundaudit.errors import InvalidData
from fundaudit.findings import Verdict
from fundaudit.model import Budget
from fundaudit.rules import RULES
from fundaudit.runner import Audit


def by_rule(audit: Audit, rule: str) -> dict[str, Verdict]:
    return {f.id: f.verdict for f in audit.findings if f.rule == rule}


PROGRAM = """\
programs:
  - id: edu
    name: 教育扶贫专项
    total: {total} 亿元 @1
    split: {{中央: 125.82 亿元 @1, 省级: 54.68 亿元 @1, 市县: 13.58 亿元 @1}}
    items:
      - id: a
        name: 公用经费
        total: 50 亿元 @2
        split: {{中央: 40 亿元 @2, 省级: 10 亿元 @2}}
      - id: b
        name: 营养改善
        total: 144.08 亿元 @3
        split: {{中央: 85.82 亿元 @3, 省级: 44.68 亿元 @3, 市县: {local} 亿元 @3}}
"""


def test_foot_cross_foot_column_foot_hold(audit_of: Callable[[str], Audit]) -> None:
    audit = audit_of(PROGRAM.format(total="194.08", local="13.58"))
    assert set(by_rule(audit, "foot").values()) == {Verdict.MATCH}
    assert set(by_rule(audit, "cross-foot").values()) == {Verdict.MATCH}
    assert by_rule(audit, "column-foot") == {
        "t::edu#column-foot:中央": Verdict.MATCH,
        "t::edu#column-foot:省级": Verdict.MATCH,
        "t::edu#column-foot:市县": Verdict.MATCH,
    }
    assert not audit.failed


def test_broken_total_is_caught_by_foot_and_cross_foot(audit_of: Callable[[str], Audit]) -> None:
    audit = audit_of(PROGRAM.format(total="195.08", local="13.58"))
    assert by_rule(audit, "foot") == {"t::edu#foot": Verdict.MISMATCH}
    assert by_rule(audit, "cross-foot")["t::edu#cross-foot"] is Verdict.MISMATCH
    assert audit.failed


def test_broken_item_split_is_caught_by_column_foot(audit_of: Callable[[str], Audit]) -> None:
    audit = audit_of(PROGRAM.format(total="194.08", local="14.58"))
    assert by_rule(audit, "column-foot")["t::edu#column-foot:市县"] is Verdict.MISMATCH
    assert by_rule(audit, "cross-foot")["t::edu/b#cross-foot"] is Verdict.MISMATCH


def test_only_and_unknown_items(audit_of: Callable[[str], Audit]) -> None:
    audit = audit_of("""\
        programs:
          - id: p
            name: 文化扶贫专项
            total: 7.73 亿元 @1
            split: {中央: 3.58 亿元 @1, 省级: 4.15 亿元 @1}
            items:
              - {name: 甲, total: 5.59 亿元 @2, split: {中央: 2.43 亿元 @2, 省级: 3.16 亿元 @2}}
              - {name: 乙, total: 0.01 亿元 @3, only: 省级}
              - {name: 丙, total: 2.13 亿元 @4}
        """)
    col = {f.id: f for f in audit.findings if f.rule == "column-foot"}
    assert col["t::p#column-foot:中央"].verdict is Verdict.INCOMPLETE
    assert "丙" in col["t::p#column-foot:中央"].message


def test_an_unknown_item_is_named_inside_its_group(audit_of: Callable[[str], Audit]) -> None:
    # 水务 资金筹措 (001:1591–1608): the group 水生态治理 has 中小河流 with its 市县 and 山洪,
    # whose sentence breaks off after its 中央省级: the relation names 山洪, not the whole group
    audit = audit_of("""\
        programs:
          - id: p
            name: 水务建设扶贫专项
            total: 30 万元 @1
            split: {中央: 20 万元 @1, 市县: 10 万元 @1}
            items:
              - {name: 饮水, total: 10 万元 @2, split: {中央: 5 万元 @2, 市县: 5 万元 @2}}
              - name: 水生态治理
                items:
                  - {name: 中小河流, total: 10 万元 @3, split: {中央: 5 万元 @3, 市县: 5 万元 @3}}
                  - {name: 山洪, total: 10 万元 @4, split: {中央: 10 万元 @4}, split_partial: true}
        """)
    col = {f.id: f for f in audit.findings if f.rule == "column-foot"}
    assert col["t::p#column-foot:市县"].verdict is Verdict.INCOMPLETE
    assert "水生态治理 › 山洪" in col["t::p#column-foot:市县"].message
    assert "中小河流" not in col["t::p#column-foot:市县"].message


def test_nested_channels(audit_of: Callable[[str], Audit]) -> None:
    audit = audit_of("""\
        programs:
          - id: water
            name: 水利扶贫专项
            total: 41.4502 亿元 @1
            split:
              中央:
                amount: 32.5282 亿元 @1
                split: {中央预算内资金: 13.2 亿元 @1, 中央财政水利发展资金: 19.3282 亿元 @1}
              省级:
                amount: 8.922 亿元 @1
                split: {省级水利建设专项资金: 3.639 亿元 @1, 省级水利发展资金: 5.283 亿元 @1}
            items:
              - name: 甲
                total: 16.839 亿元 @2
                split: {中央预算内资金: 13.2 亿元 @2, 省级水利建设专项资金: 3.639 亿元 @2}
              - name: 乙
                total: 24.6112 亿元 @3
                split: {中央财政水利发展资金: 19.3282 亿元 @3, 省级水利发展资金: 5.283 亿元 @3}
        """)
    col = by_rule(audit, "column-foot")
    assert col["t::water#column-foot:中央/中央预算内资金"] is Verdict.MATCH
    assert col["t::water#column-foot:中央"] is Verdict.MATCH
    assert by_rule(audit, "cross-foot")["t::water#cross-foot:中央"] is Verdict.MATCH
    assert not audit.failed


ADVANCE = """\
    programs:
      - id: t
        name: 交通建设扶贫专项
        total: 187.5 亿元 @1
        split:
          中央:
            amount: 114 亿元 @1
            split: {{提前下达: 4.3568 亿元 @1}}
            partial: true
          省级:
            amount: 36.5 亿元 @1
            split: {{提前下达: 18.7503 亿元 @1}}
            partial: true
          市县: 37 亿元 @1
        items:
          - name: 高速公路
            total: 31 亿元 @2
            split: {{中央: 31 亿元 @2}}
          - name: 国省干线公路
            total: 150 亿元 @3
            split:
              中央: {{amount: 80 亿元 @3, split: {{提前下达: 1.7858 亿元 @3}}, partial: true}}
              省级: {{amount: 36 亿元 @3, split: {{提前下达: 18.7503 亿元 @3}}, partial: true}}
              市县: 34 亿元 @3
          - name: 农村公路
            total: 6 亿元 @4
            split: {{中央: {rural}, 市县: 3 亿元 @4}}
          - name: 运输场站
            total: 0.5 亿元 @5
            split: {{省级: 0.5 亿元 @5}}
"""


def test_column_foot_keys_on_the_full_path(
    audit_of: Callable[[str], Audit], budget_of: Callable[[str], Budget]
) -> None:
    """省级/提前下达 never takes an item's 中央/提前下达 (交通, 000:1056–1068)."""
    body = ADVANCE.format(rural="{amount: 3 亿元 @4, all: 提前下达}")
    assert by_rule(audit_of(body), "column-foot")["t::t#column-foot:省级/提前下达"] is Verdict.MATCH
    rels = {r.id: r for r in RULES["column-foot"].derive(budget_of(body))}
    assert [p.ref for p in rels["t::t#column-foot:省级/提前下达"].parts] == ["t::t/2:省级/提前下达"]
    assert [p.ref for p in rels["t::t#column-foot:中央/提前下达"].parts] == ["t::t/2:中央/提前下达", "t::t/3:中央"]


def test_an_all_advance_entry_gives_its_whole_amount(audit_of: Callable[[str], Audit]) -> None:
    """农村公路's 中央 2.571 亿元 均为含提前安排资金 (000:1064): 1.7858 + 2.571 = 4.3568."""
    holds = audit_of(ADVANCE.format(rural="{amount: 2.571 亿元 @4, all: 提前下达}"))
    assert by_rule(holds, "column-foot")["t::t#column-foot:中央/提前下达"] is Verdict.MATCH
    short = audit_of(ADVANCE.format(rural="{amount: 2.471 亿元 @4, all: 提前下达}"))
    assert by_rule(short, "column-foot")["t::t#column-foot:中央/提前下达"] is Verdict.MISMATCH
    # without the marker the plain 中央 amount has no advance money: the channel is short
    plain = audit_of(ADVANCE.format(rural="2.571 亿元 @4"))
    assert by_rule(plain, "column-foot")["t::t#column-foot:中央/提前下达"] is Verdict.MISMATCH


def test_all_needs_a_plain_amount(budget_of: Callable[[str], Budget]) -> None:
    with pytest.raises(InvalidData) as exc:
        budget_of(ADVANCE.format(rural="{amount: 2.571 亿元 @4, all: 提前下达, split: {甲: 1 亿元 @4}}"))
    assert [(e.line, e.message) for e in exc.value.errors] == [
        (32, "split entry 中央: 'all' needs an 'amount' and no 'split'")
    ]


def test_partial_items(audit_of: Callable[[str], Audit]) -> None:
    body = """\
        programs:
          - id: h
            name: 健康扶贫专项
            total: 19.108 亿元 @1
            items_partial: true
            items:
              - {name: 艾滋病, total: 0.87 亿元 @2}
              - {name: 医保, total: %s 亿元 @3}
        """
    assert by_rule(audit_of(body % "17.22"), "foot") == {"t::h#foot": Verdict.WITHIN}
    assert by_rule(audit_of(body % "19.22"), "foot") == {"t::h#foot": Verdict.MISMATCH}


def test_schedules(audit_of: Callable[[str], Audit]) -> None:
    body = """\
        programs:
          - id: eco
            name: 生态护林员
            total: 4.85 亿元 @1
            schedule:
              kind: %s
              periods: {一季度: 2 亿元 @2, 二季度: %s 亿元 @2}
        """
    assert by_rule(audit_of(body % ("incremental", "2.85")), "schedule") == {"t::eco#schedule": Verdict.MATCH}
    assert by_rule(audit_of(body % ("incremental", "2.8")), "schedule") == {"t::eco#schedule": Verdict.ROUNDING}
    assert by_rule(audit_of(body % ("incremental", "2.5")), "schedule") == {"t::eco#schedule": Verdict.MISMATCH}
    assert by_rule(audit_of(body % ("cumulative", "4.85")), "schedule") == {"t::eco#schedule": Verdict.MATCH}
    assert by_rule(audit_of(body % ("cumulative", "1.5")), "schedule") == {"t::eco#schedule": Verdict.MISMATCH}


def test_shares(audit_of: Callable[[str], Audit]) -> None:
    body = """\
        programs:
          - id: p
            name: 道路
            total: 200 万元 @1
            split: {中央省级: 170 万元 @1, 县级: %s 万元 @1}
            shares:
              parts: {中央省级: 85 %% @1, 县级: %s %% @1}
        """
    ok = by_rule(audit_of(body % ("30", "15")), "shares")
    assert set(ok.values()) == {Verdict.MATCH}
    assert len(ok) == 3
    bad = by_rule(audit_of(body % ("40", "25")), "shares")
    assert bad["t::p#shares"] is Verdict.MISMATCH
    assert bad["t::p#shares:县级"] is Verdict.MISMATCH


TABLE = """\
programs:
  - id: agri
    name: 农业产业扶贫专项
    tables:
      - id: annex3
        title: 重点项目一览表
        line: 187
        unit: 万元
        columns: [资金安排, 中央资金, 省级资金]
        column_sums: {{资金安排: [中央资金, 省级资金]}}
        rows:
          - {{label: 中央农业生产发展项目, line: 192, cells: ["5000", "5000", ""]}}
          - {{label: 省级现代农业, line: 194, cells: ["{row2}", "", "7100"]}}
          - {{label: 合计, line: 196, role: total, cells: ["{total}", "5000", "{prov}"]}}
"""


def test_table_correct(audit_of: Callable[[str], Audit]) -> None:
    audit = audit_of(TABLE.format(row2="7100", total="12100", prov="7100"))
    assert set(by_rule(audit, "table-foot").values()) == {Verdict.MATCH}
    assert set(by_rule(audit, "table-cross-foot").values()) == {Verdict.MATCH}
    assert "empty cells as 0: 省级现代农业" in next(f.message for f in audit.findings if f.rule == "table-foot")


def test_table_wrong_total_row(audit_of: Callable[[str], Audit]) -> None:
    audit = audit_of(TABLE.format(row2="7100", total="12200", prov="7100"))
    foot = by_rule(audit, "table-foot")
    assert foot["t::agri/annex3/3#table-foot:资金安排"] is Verdict.MISMATCH
    f = next(f for f in audit.findings if f.id == "t::agri/annex3/3#table-foot:资金安排")
    assert (f.source.file, f.source.line) == ("t.txt", 196)


def test_table_wrong_row_total(audit_of: Callable[[str], Audit]) -> None:
    audit = audit_of(TABLE.format(row2="7000", total="12000", prov="7100"))
    assert by_rule(audit, "table-cross-foot")["t::agri/annex3/2#table-cross-foot:资金安排"] is Verdict.MISMATCH


def test_table_empty_cell_short_of_total_is_incomplete(audit_of: Callable[[str], Audit]) -> None:
    audit = audit_of(TABLE.format(row2="7100", total="12100", prov="9100"))
    f = next(f for f in audit.findings if f.id == "t::agri/annex3/3#table-foot:省级资金")
    assert f.verdict is Verdict.INCOMPLETE and "中央农业生产发展项目" in f.message


def test_table_cumulative_schedule_that_decreases(audit_of: Callable[[str], Audit]) -> None:
    audit = audit_of("""\
        programs:
          - id: eco
            name: 生态扶贫专项
            tables:
              - id: t1
                title: 进度安排表
                line: 10
                unit: 万元
                columns: [资金投入, 一季度, 二季度, 三季度, 四季度]
                schedules: [{kind: cumulative, of: 资金投入, periods: [一季度, 二季度, 三季度, 四季度]}]
                rows:
                  - {label: 地质灾害, line: 20, cells: ["520", "100", "200", "150", "520"]}
                  - {label: 护林员, line: 21, cells: ["300", "100", "200", "250", "300"]}
        """)
    sched = by_rule(audit, "table-schedule")
    assert sched == {
        "t::eco/t1/1#table-schedule:资金投入": Verdict.MISMATCH,
        "t::eco/t1/2#table-schedule:资金投入": Verdict.MATCH,
    }


def test_declared_relations(audit_of: Callable[[str], Audit]) -> None:
    audit = audit_of("""\
        programs:
          - id: eco
            name: 生态建设扶贫专项
            figures:
              森林生态效益补偿: 10.97 亿元 @421
              护林员一季度: 2 亿元 @449
              护林员二季度: 2.85 亿元 @449
            items:
              - {id: forest, name: 森林生态效益补偿, total: 10.9742 亿元 @483}
              - {id: rangers, name: 生态护林员, total: 4.85 亿元 @491}
        relations:
          - {id: forest-repeat, kind: equal, total: eco/forest:total, parts: [eco:森林生态效益补偿]}
          - {id: rangers-q, kind: sum, total: eco/rangers:total, parts: [eco:护林员一季度, eco:护林员二季度]}
        """)
    assert by_rule(audit, "repeat") == {"t::forest-repeat#repeat": Verdict.ROUNDING}
    assert by_rule(audit, "stated-sum") == {"t::rangers-q#stated-sum": Verdict.MATCH}


def test_a_crashing_rule_becomes_a_finding(budget_of: Callable[[str], object]) -> None:
    from fundaudit.rules import Rule
    from fundaudit.runner import run

    def boom(_: object) -> list[object]:
        raise RuntimeError("kaboom")

    audit = run(budget_of("programs: []\n"), rules=[Rule("boom", "Boom", boom, "")])  # type: ignore[arg-type]
    assert [(f.rule, f.verdict) for f in audit.findings] == [("boom", Verdict.ERROR)]
    assert "kaboom" in audit.findings[0].message


def test_unit_cost_with_row_units(audit_of: Callable[[str], Audit]) -> None:
    audit = audit_of("""\
        programs:
          - id: eco
            name: 生态扶贫专项
            tables:
              - id: costs
                title: 资金投入计划表
                line: 824
                columns:
                  - {name: 建设规模, unit: "{row}", foot: false}
                  - {name: 单位造价, unit: "万元/{row}", foot: false}
                  - {name: 合计, unit: 万元}
                products: [{amount: 合计, price: 单位造价, quantity: 建设规模}]
                rows:
                  - {label: 新一轮退耕还林, line: 833, unit: 亩, cells: ["8500", "0.09", "765"]}
                  - {label: 地质灾害避险搬迁, line: 843, unit: 户, cells: ["1200", "3.5", "4300"]}
                  - {label: 国有林管护, line: 831, unit: 亩, cells: ["1147000", "0.0019", "2197.35"]}
        """)
    assert by_rule(audit, "unit-cost") == {
        "t::eco/costs/1#unit-cost": Verdict.MATCH,
        "t::eco/costs/2#unit-cost": Verdict.MISMATCH,
        "t::eco/costs/3#unit-cost": Verdict.ROUNDING,  # 0.0019 万元/亩 is rounded: ±0.00005 × 1147000 亩
    }


RELATION = """\
    programs:
      - id: p
        name: 交通建设扶贫专项
        total: 15000 万元 @1
        figures:
          各区县均计划投资: 3000 万元 @2
          经开区: 2 家 @3
          每区县: 12 家 @3
          全市民企帮村: {firms} 家 @3
          基站: 600 座 @4
          附件基站: 600 个 @5
          标准: 2000 元 @6
          学生: 1.33 万名 @6
          助学金: {aid} 万元 @7
    relations:
      - {{id: counties, kind: sum, total: p:total, parts: [{{ref: p:各区县均计划投资, times: 5}}]}}
      - {{id: firms, kind: sum, total: p:全市民企帮村, parts: [{{ref: p:每区县, times: 5}}, p:经开区]}}
      - {{id: stations, kind: equal, total: p:基站, parts: [p:附件基站], same: [个, 座]}}
      - {{id: aid, kind: product, total: p:助学金, parts: [p:标准, p:学生], per: 人}}
"""


def test_times_same_and_per(audit_of: Callable[[str], Audit]) -> None:
    """各区县 3000 万元 × 5; 12 家 × 5 + 2 = 62 家; 600 座 = 600 个 基站; 2000 元 × 1.33 万名 = 2660 万元."""
    good = {f.id: f for f in audit_of(RELATION.format(firms="62", aid="2660")).findings}
    assert good["t::counties#stated-sum"].verdict is Verdict.MATCH
    assert good["t::firms#stated-sum"].verdict is Verdict.MATCH
    assert good["t::stations#repeat"].verdict is Verdict.MATCH
    assert "座 counted as 个" in good["t::stations#repeat"].message
    assert good["t::aid#unit-cost"].verdict is Verdict.MATCH
    bad = {f.id: f.verdict for f in audit_of(RELATION.format(firms="60", aid="266")).findings}
    assert bad["t::firms#stated-sum"] is Verdict.MISMATCH
    assert bad["t::aid#unit-cost"] is Verdict.MISMATCH


def test_counting_words_differ_without_same(audit_of: Callable[[str], Audit]) -> None:
    body = RELATION.format(firms="62", aid="2660").replace(", same: [个, 座]", "")
    assert {f.id: f.verdict for f in audit_of(body).findings}["t::stations#repeat"] is Verdict.ERROR


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (("times: 5}]}", "times: 1}]}"), "'times' must be a whole number from 2 to 1000, not '1'"),
        (("same: [个, 座]", "same: [个, 元]"), "'same' lists counting words such as 个, 座 or 户, not '元'"),
        (("same: [个, 座]", "same: [个]"), "'same' lists at least two different counting words"),
        (("per: 人}", "per: 平方米/元}"), "'per' names the counting word the rate 2000 元 is per, not '平方米/元'"),
        (("parts: [p:标准, p:学生], per: 人", "parts: [p:学生, p:标准], per: 人"), None),
    ],
)
def test_relation_extensions_refuse_nonsense(
    budget_of: Callable[[str], Budget], edit: tuple[str, str], message: str | None
) -> None:
    body = RELATION.format(firms="62", aid="2660")
    assert edit[0] in body
    body = body.replace(edit[0], edit[1], 1)
    if message is None:
        budget_of(body)  # a rate per 人 of 1.33 万名 学生 is still a product; the judge checks its units
        return
    with pytest.raises(InvalidData) as exc:
        budget_of(body)
    assert [e.message for e in exc.value.errors] == [message]
