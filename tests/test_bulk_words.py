"""The bulk wording and writing (:mod:`fundaudit.report.pieces`) against the per-finding one.

The streamed JSON of a large audit is assembled from pieces worded once per figure and per
relation; these tests hold it to the per-finding path (:func:`fundaudit.judge.explain`,
:func:`fundaudit.report.jsonout.finding_json`) byte for byte, and its exact integer
arithmetic to the ``Decimal``/``Fraction`` definitions it replaced.
"""

from __future__ import annotations

import json
from dataclasses import astuple, replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from fundaudit import i18n, judge, runner
from fundaudit.causes._base import Diagnosis
from fundaudit.columnar.arrays import from_relations
from fundaudit.findings import VERDICT_CODE, Relation, materiality_words, plain, shifted
from fundaudit.judge import verdict
from fundaudit.loader import load
from fundaudit.model import Figure, Loc
from fundaudit.numbers import Written, format_scaled
from fundaudit.report import csvout, github, jsonl, jsonout, junit, pieces, sarif, text
from fundaudit.report.jsonout import finding_json
from fundaudit.rules import REGISTRY
from fundaudit.tolerance import DEFAULT
from fundaudit.units import parse_unit

ROOT = Path(__file__).resolve().parent.parent

UNITS = ("万元", "亿元", "元", "人", "万人", "%", "公里", "千瓦", "个", "千伏安", "元/人", "万元/公里")


def _old_materiality(diff: str, unit_text: str, total: Written) -> tuple[str, str, str | None]:
    """The definition :func:`materiality_words` replaced: ``Decimal`` shifts and a ``Fraction`` ratio."""
    from fundaudit.units import base_word

    unit = parse_unit(unit_text)
    word = base_word(unit.dimension)
    d = Decimal(diff).copy_abs()
    if word is None:
        word, amount = unit.text, d
    else:
        amount = shifted(d, unit.pow10)
    t = abs(Fraction(total.to_decimal()))
    percent = shifted(Decimal(round(Fraction(d) / t * 10000)), -2) if t else None
    return format(plain(amount), "f"), word, None if percent is None else str(percent)


@given(
    st.integers(min_value=-(10**38) + 1, max_value=10**38 - 1),
    st.integers(min_value=-30, max_value=0),
    st.integers(min_value=-(10**38) + 1, max_value=10**38 - 1),
    st.integers(min_value=-30, max_value=8),
    st.sampled_from(UNITS),
)
def test_materiality_words_equal_the_decimal_definition(
    diff: int, diff_exp: int, coefficient: int, exponent: int, unit: str
) -> None:
    """Exact integers give the texts the ``Decimal``/``Fraction`` arithmetic gave, digit for digit
    (ties of the percentage rounded half to even, a zero total without a percentage)."""
    text = format_scaled(diff, diff_exp)
    total = Written(coefficient, exponent)
    assert materiality_words(text, parse_unit(unit), coefficient, exponent) == _old_materiality(text, unit, total)


def test_materiality_percent_ties_round_to_even() -> None:
    """1, 3 and 5 元 of 20000 元 are 0.5, 1.5 and 2.5 hundredths of a percent: to the even one."""
    percents = [materiality_words(d, parse_unit("元"), 20000, 0)[2] for d in ("1", "3", "5", "-5", "0")]
    assert percents == ["0.00", "0.02", "0.02", "0.02", "0.00"]
    assert materiality_words("1.5", parse_unit("万元"), 0, -2) == ("15000", "元", None)
    assert materiality_words("0.0100", parse_unit("千伏安"), 3, 0) == ("0.01", "千伏安", "0.33")


# ---------------------------------------------------------------------------------------------
# The bulk JSON against the per-finding JSON


def _per_finding(audit: runner.Audit, show_all: bool) -> list[str]:
    return [json.dumps(finding_json(f), ensure_ascii=False) for f in audit.iter_shown(show_all)]


def _bulk(audit: runner.Audit, show_all: bool) -> list[str]:
    assert audit.chunks(show_all) is not None  # the bulk path, not the fallback of small audits
    return [text for texts in pieces.results(audit, show_all) for text in texts]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bulk_json_of_the_real_data_is_the_per_finding_json(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every relation of the real data (every rule, cross-document revisions, empty cells, every
    cause), as the tables of one run: the same text, finding for finding, in both languages."""
    budget = load(ROOT / "data" / "budgets.yaml")
    relations = [rel for rule in REGISTRY for rel in rule.derive(budget)]
    columns = from_relations(budget.path, len(budget.documents), budget.figures, relations)
    monkeypatch.setattr(runner, "SMALL", 0)
    monkeypatch.setattr(runner, "CHUNK", 61)  # many chunks, one ending in the middle of a file
    with i18n.using(lang):
        audit = runner.judge(columns)
        for show_all in (False, True):
            bulk, one_by_one = _bulk(audit, show_all), _per_finding(audit, show_all)
            assert len(bulk) == len(one_by_one) > 100
            for a, b in zip(bulk, one_by_one, strict=True):
                assert a == b
        assert sum('"diagnosis"' in t for t in bulk) > 50  # diagnosed findings were compared too


_LABELS = st.sampled_from(["中央", "省级", "total", "中央 total", "任务 · 人", "人", 'a"b', "x\\y\n", "合计"])
_UNIT_TEXTS = st.sampled_from(["万元", "亿元", "元", "人", "万人", "%", "公里", "个", "元/人", "万元/个"])


@st.composite
def _figures(draw: st.DrawFn, n: int, doc: str, key: str) -> list[Figure]:
    out = []
    for k in range(n):
        coefficient = draw(st.integers(min_value=-(10**20), max_value=10**20))
        exponent = draw(st.integers(min_value=-6, max_value=3))
        other = draw(st.booleans()) and k > 0  # a part stated in another document
        out.append(
            Figure(
                ref=f"{'other' if other else doc}::{key}:{k}",
                label=draw(_LABELS),
                value=Written(coefficient, exponent),
                unit=parse_unit(draw(_UNIT_TEXTS)),
                source=Loc(draw(st.sampled_from(["s.txt", "源 文件.txt"])), draw(st.integers(1, 99))),
                yaml=Loc(draw(st.sampled_from(["d.yaml", "e.yaml"])), draw(st.integers(1, 99))),
            )
        )
    return out


@st.composite
def _relations(draw: st.DrawFn) -> list[Relation]:
    rels = []
    for i in range(draw(st.integers(min_value=1, max_value=12))):
        kind = draw(st.sampled_from(["sum", "sum", "sum-le", "product", "cumulative"]))
        n = 2 if kind == "product" else draw(st.integers(min_value=1 if kind != "cumulative" else 2, max_value=5))
        total, *parts = draw(_figures(n + 1, "doc", f"r{i}"))
        if draw(st.booleans()):  # most sums in one dimension, as the rules derive them
            parts = [replace(p, unit=total.unit) for p in parts] if kind != "product" else parts
        rule = draw(st.sampled_from(["foot", "cross-document", "table-foot", "unit-cost", "shares"]))
        note = draw(st.sampled_from([None, "revised by doc2 line 4: 修订", "a note"]))
        empty = tuple(draw(st.lists(st.sampled_from(["r1", "第二行", "r3"]), max_size=3)))
        names = tuple(draw(st.lists(st.sampled_from(["甲", "乙"]), min_size=len(parts), max_size=len(parts))))
        rels.append(
            Relation(
                id=f"r{i}",
                rule=rule,
                kind=kind,
                total=total,
                parts=tuple(parts),
                subject=draw(st.sampled_from(["专项 › 项目", "专项", "p › a very long second name of a note › x"])),
                what="sum",
                document="doc",
                program=draw(st.sampled_from(["专项", "p\t1"])),
                missing=tuple(draw(st.lists(st.just("缺"), max_size=1))),
                location=draw(st.sampled_from([None, Loc("r.yaml", 7)])),
                note=note,
                empty=empty if kind == "sum" or kind == "sum-le" else (),
                names=names if draw(st.booleans()) else (),
            )
        )
    return rels


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_relations(), st.sampled_from(["zh", "en"]))
def test_bulk_json_of_generated_relations_is_the_per_finding_json(rels: list[Relation], lang: str) -> None:
    """Sums, partial sums, products and running totals of figures of any digits, exponents,
    units, labels (quotes, backslashes, control characters), in one document or two."""
    figures = [f for rel in rels for f in (rel.total, *rel.parts)]
    columns = from_relations("d.yaml", 1, figures, rels)
    small, chunk = runner.SMALL, runner.CHUNK
    runner.SMALL, runner.CHUNK = 0, 5
    try:
        with i18n.using(lang):
            audit = runner.judge(columns)
            for show_all in (False, True):
                assert _bulk(audit, show_all) == _per_finding(audit, show_all)
    finally:
        runner.SMALL, runner.CHUNK = small, chunk


def _every_format(audit: runner.Audit) -> dict[str, str]:
    """Every streamed format of ``audit``, with and without the relations that hold."""
    out = {}
    for name, module in {"json": jsonout, "jsonl": jsonl, "github": github, "sarif": sarif, "junit": junit}.items():
        for show_all in (False, True):
            out[f"{name}-{show_all}"] = module.render(audit, show_all)
    out["text"] = text.render(audit, False)
    out["text-all"] = text.render(audit, True)
    out["text-verbose"] = text.render(audit, False, verbose=True)
    out["csv"] = csvout.render(audit)
    return out


def _both_ways(audit: runner.Audit, monkeypatch: pytest.MonkeyPatch) -> tuple[dict[str, str], dict[str, str]]:
    """Every format worded in bulk, and every finding worded one by one (:data:`pieces.BULK` off)."""
    assert audit.chunks(False) is not None
    bulk = _every_format(audit)
    monkeypatch.setattr(pieces, "BULK", False)
    one_by_one = _every_format(audit)
    monkeypatch.setattr(pieces, "BULK", True)
    return bulk, one_by_one


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_format_of_the_real_data_is_the_per_finding_text(lang: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Text, GitHub, SARIF, JUnit and CSV written from the bulk words: the per-finding bytes."""
    budget = load(ROOT / "data" / "budgets.yaml")
    relations = [rel for rule in REGISTRY for rel in rule.derive(budget)]
    columns = from_relations(budget.path, len(budget.documents), budget.figures, relations)
    monkeypatch.setattr(runner, "SMALL", 0)
    monkeypatch.setattr(runner, "CHUNK", 61)
    with i18n.using(lang):
        bulk, one_by_one = _both_ways(runner.judge(columns, budget=budget), monkeypatch)
    assert bulk.keys() == one_by_one.keys()
    for name in bulk:
        assert bulk[name] == one_by_one[name], name
    assert bulk["text"].count("\n") > 100 and "[" in bulk["text"]  # findings, causes among them


@settings(max_examples=18, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_relations(), st.sampled_from(["zh", "en"]))
def test_every_format_of_generated_relations_is_the_per_finding_text(rels: list[Relation], lang: str) -> None:
    figures = [f for rel in rels for f in (rel.total, *rel.parts)]
    columns = from_relations("d.yaml", 1, figures, rels)
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(runner, "SMALL", 0)
        monkeypatch.setattr(runner, "CHUNK", 5)
        with i18n.using(lang):
            bulk, one_by_one = _both_ways(runner.judge(columns), monkeypatch)
    assert bulk == one_by_one


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text() | st.floats(allow_nan=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=20,
)


@given(_JSON, st.sampled_from(["", "  ", "\t  "]))
def test_indented_is_the_encoders_indented_text(value: object, pad: str) -> None:
    """The SARIF results' fast indented JSON is ``json.dumps(indent=2)``'s, padded, for any value."""
    assert pieces.indented(value, pad) == json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n" + pad)
    assert pieces.indented({1: [value], "k": (value, True)}) == json.dumps(
        {1: [value], "k": (value, True)}, ensure_ascii=False, indent=2
    )


@given(st.integers(min_value=-(10**40), max_value=10**40), st.integers(min_value=-40, max_value=10))
def test_figure_values_are_formatted_exactly_from_their_integers(coefficient: int, exponent: int) -> None:
    """A figure's value as the bulk path writes it (``str`` of the integer, or :func:`format_scaled`)
    is the exact decimal, every written digit kept: ``Decimal``'s own fixed-point text of it."""
    from decimal import Context

    expected = format(Decimal(coefficient).scaleb(exponent, Context(prec=100)), "f")
    assert format_scaled(coefficient, exponent) == expected


@pytest.mark.parametrize("small", [0, 10**9])
def test_drafted_ids_are_those_of_the_worded_findings(small: int, monkeypatch: pytest.MonkeyPatch) -> None:
    """``--confirmed-only``'s ids (:func:`pieces.drafted`) without wording a finding: the ids of the
    worded findings that say they were drafted (every third relation's total drafted), for
    columns (their ``drafted`` column) and for a small audit's relations."""
    budget = load(ROOT / "data" / "budgets.yaml")
    relations = [rel for rule in REGISTRY for rel in rule.derive(budget)]
    relations = [
        replace(rel, total=replace(rel.total, drafted="figures")) if k % 3 == 0 else rel
        for k, rel in enumerate(relations)
    ]
    monkeypatch.setattr(runner, "SMALL", small)
    if small:  # the relations as model objects (a small audit of YAML data)
        listed = runner.RelationList(budget.path, len(budget.documents), len(budget.figures), tuple(relations))
        audit = runner.Audit(listed, [VERDICT_CODE[verdict(rel)] for rel in relations], DEFAULT)
    else:
        figures = [f for rel in relations for f in (rel.total, *rel.parts)]
        audit = runner.judge(from_relations(budget.path, len(budget.documents), figures, relations))
    worded = frozenset(f.id for f in audit.iter_findings() if f.drafted)
    assert pieces.drafted(audit) == worded
    assert len(worded) > 100
    hidden = replace(audit, hidden=frozenset(sorted(worded)[:3]))
    assert pieces.drafted(hidden) == frozenset(f.id for f in hidden.iter_findings() if f.drafted)


# ---------------------------------------------------------------------------------------------
# The word functions' fast paths against the definitions they shortcut

_NAMES = st.sampled_from(["甲", "乙", "任务 · 人", "任务 · %", "人", "a · b · c", " · ", "", "x total", "line 3"])
_REFS = st.sampled_from(["doc::a", "doc::b", "other::a", "doc", "doc::", "docx::a", "::a"])


def _old_names_apart(total_ref: str, parts: list[tuple[str, str, int]]) -> tuple[str, ...]:
    doc = total_ref.split("::", 1)[0]
    labels = [label for _ref, label, _line in parts]
    return tuple(
        (label if labels.count(label) == 1 else judge._("line {line}").format(line=line))
        if ref.split("::", 1)[0] == doc
        else f"{ref.split('::', 1)[0]} {label}"
        for ref, label, line in parts
    )


def _old_distinct(names: list[str]) -> tuple[str, ...]:
    heads = {n.split(" · ", 1)[0] for n in names}
    if len(names) < 2 or len(heads) != 1 or not all(" · " in n for n in names):
        return tuple(names)
    return tuple(n.split(" · ", 1)[1] for n in names)


def _old_short_subject(subject: str, width: int) -> str:
    names = subject.split(" › ")
    if len(names) == 2 and len(names[1]) > 16:
        names = names[:1]
    keep = [names[0], names[-1]] if len(names) > 1 else names
    each = max(10, width - len(keep[0]) - 3)
    return " › ".join([keep[0], *(n if len(n) <= each else n[: each - 1] + "…" for n in keep[1:])])


@given(
    _REFS,
    st.lists(st.tuples(_REFS, _NAMES, st.integers(1, 99)), max_size=5),
    st.lists(_NAMES, max_size=4),
    st.sampled_from(["专项", "专项 › 项目", "p › a very long second name of a note › x", "", " › "]),
    st.integers(0, 120),
    st.sampled_from(["zh", "en"]),
)
def test_word_shortcuts_are_their_definitions(
    total_ref: str,
    parts: list[tuple[str, str, int]],
    names: list[str],
    subject: str,
    width: int,
    lang: str,
) -> None:
    """Part names told apart, shared heads left out, a subject shortened and a figure said, as
    the definitions before their fast paths (labels once each in one document, two names, one
    name, a name without its unit) and the catalogue read once: the same text."""
    with i18n.using(lang):
        assert judge.names_apart(total_ref, parts) == _old_names_apart(total_ref, parts)
        assert judge.distinct(names) == _old_distinct(names)
        assert judge._short_subject(subject, width) == _old_short_subject(subject, width)
        for name in names:
            for unit in ("人", "%", "万元"):
                assert judge.said(name, "1.50", unit) == f"{judge.unit_free(name, unit)} 1.50 {unit}".strip()
                assert judge.said(name, "1.50", unit, unit) == f"{judge.unit_free(name, unit)} 1.50".strip()
        assert judge._texts()["off"] == judge._("off by {diff} {unit}")


def _plain(d: Diagnosis) -> tuple[object, ...]:
    """A diagnosis as plain values (a figure compares by identity)."""
    culprits = tuple((astuple(c.figure), c.likely) for c in d.figures)
    return (d.cause, d.severity, d.root, d.text, culprits, d.explains, d.applicability, d.corrections)


def test_decoded_diagnoses_are_the_encoded_ones() -> None:
    """A group's diagnoses encoded as plain tuples and read back (as objects, and as the tuples
    the JSON is written from) are the diagnoses themselves, culprit figures shared."""
    from fundaudit.columnar.group import Decoded, decode, encode

    budget = load(ROOT / "data" / "budgets.yaml")
    found = runner.run(budget).diagnoses.diagnoses
    assert len(found) > 50
    data = encode(found)
    expected = {rid: _plain(d) for rid, d in found.items()}
    assert {rid: _plain(d) for rid, d in decode(data).items()} == expected
    group = Decoded(data)
    assert {rid: _plain(d) for rid, d in group.diagnoses().items()} == expected
    assert group.diagnoses() is group.diagnoses()  # built once
    for rid, d in found.items():
        row = group.rows[rid]
        assert row[1:5] == (d.cause, d.severity, d.root, d.text)
        assert [(group.table[at][0], likely) for at, likely in row[5]] == [(c.figure.ref, c.likely) for c in d.figures]
    shared = [c.figure for d in group.diagnoses().values() for c in d.figures]
    assert len({id(f) for f in shared}) == len(group.table) < len(shared)  # each culprit figure built once


def _old_equation(
    rule: str,
    subject: str,
    total: str,
    unit: str,
    parts: list[tuple[str, str]],
    named: tuple[str, ...],
    op: str,
    s_sum: str,
    off: str,
    hint: str | None = None,
) -> str:
    """:func:`judge.equation` before it counted the parts without listing them when they cannot fit."""
    names = judge.distinct(named)
    if len(parts) == 1:
        value, u = parts[0]
        terms = judge.said(names[0], value, u)
        listed = terms if u == unit else f"{terms} = {s_sum} {unit}"
    else:
        terms = " + ".join([judge.said(n, value, u, unit) for (value, u), n in zip(parts, names, strict=True)])
        listed = f"{terms} = {s_sum} {unit}"
    semi = judge._("; ") if off or hint else ""
    tail = semi + off if off else ""
    body = f"{total} {op} {listed}{tail}"
    if hint and len(body) + len(hint) < judge.WIDTH:
        body += semi + hint
    if len(body) <= judge.WIDTH * 3 // 4 or len(parts) == 1:
        return judge.worded(rule, subject, body)
    counted = judge._("sum of {n}: {sum} {unit}").format(n=len(parts), sum=s_sum, unit=unit)
    body = f"{total} {op} {counted}{tail}"
    if hint and len(body) + len(hint) < judge.WIDTH:
        body += semi + hint
    return judge.worded(rule, subject, body)


_VALUES = st.sampled_from(["1", "-1234.00", "0.5", "105624.16", "12345678901234567890.123", ""])
_UNITS_SAID = st.sampled_from(["万元", "人", "%", "", "元 "])


@settings(max_examples=500)
@example("总" * 45, "万元", [("1", None), ("1", None)], "", "=", "1", "", None, "zh")  # exactly fits: listed
@example("总" * 46, "万元", [("1", None), ("1", None)], "", "=", "1", "", None, "zh")  # one more: counted
@example("总" * 30, "万元", [("1", None), ("1", None)], "", "≠", "1", "差 -1234.00 万元", "合计未更新", "zh")
@given(
    st.integers(min_value=0, max_value=60).map(lambda n: "总" * n),  # totals of every length: the edge of fitting
    _UNITS_SAID,
    st.lists(st.tuples(_VALUES, st.sampled_from([None, None, None, "人", "元 "])), min_size=1, max_size=7),
    _NAMES,
    st.sampled_from(["=", "≠", "≈", "<", "≥"]),
    _VALUES,
    st.sampled_from(["", "差 -1234.00 万元", "off by 0.5 人; empty cells as 0: r1"]),
    st.sampled_from([None, "", "合计未更新", "h" * 30]),
    st.sampled_from(["zh", "en"]),
)
def test_equation_counts_the_parts_as_it_did(
    total: str,
    unit: str,
    stated: list[tuple[str, str | None]],
    name: str,
    op: str,
    s_sum: str,
    off: str,
    hint: str | None,
    lang: str,
) -> None:
    """A sum's message with its parts listed or counted: the same text whether or not the listing
    that cannot fit is built first (totals of every length, parts in the total's unit or not,
    names that say nothing beyond the value and names that do, tails and hints)."""
    parts = [(value, unit if u is None else u) for value, u in stated]  # most in the total's unit
    names = tuple(f"{name}{k}" if k % 2 and name else name for k in range(len(parts)))
    with i18n.using(lang):
        for subject in ("专项", "p › a very long second name of a note › x"):
            args = ("foot", subject, total, unit, parts, names, op, s_sum, off, hint)
            assert judge.equation(*args) == _old_equation(*args)


def _old_product_words(
    rule: str,
    subject: str,
    total: tuple[str, str, str, int],
    a: tuple[str, str, str],
    b: tuple[str, str, str],
    terms: tuple[int, int, int, int, int],
) -> tuple[object, ...]:
    """:func:`judge.product_words` before its factors were said inline."""
    prod, tv, tol_int, e, et = terms
    total_label, total_value, unit, p = total
    diff = tv - prod
    verdict = judge._graded(diff, tol_int)
    keep = max(0, -(et - p))
    s_prod = judge._render(prod, e - p, keep)
    s_diff = judge._render(diff, e - p, keep)
    s_tol = judge._render(tol_int, e - p, keep + 1) if tol_int else "0"
    op = {judge.Verdict.MATCH: "=", judge.Verdict.ROUNDING: "≈"}.get(verdict, "≠")
    mismatch = verdict is judge.Verdict.MISMATCH
    off = judge._("off by {diff} {unit}").format(diff=s_diff, unit=unit) if mismatch else ""
    name_a, name_b = judge.distinct((a[0], b[0]))
    head = total_label.split(" · ")[0]
    name_a, name_b = ("" if judge.unit_free(n, f[2]) == head else n for f, n in ((a, name_a), (b, name_b)))
    factors = f"{judge.said(name_a, a[1], a[2])} × {judge.said(name_b, b[1], b[2])}"
    body = f"{judge.said(judge.total_name(total_label, subject), total_value, unit)} {op} {factors} = {s_prod} {unit}"
    return verdict, s_prod, s_diff, s_tol, judge.worded(rule, subject, body + judge._("; ") + off if off else body)


_FACTOR_NAMES = st.sampled_from(["单价", "数量", "任务 · 人", "任务 · 单价", "人", "%", "", "f1", "项目 · 万元/人"])
_FACTOR_UNITS = st.sampled_from(["万元/人", "人", "%", "万元", ""])


@settings(max_examples=300)
@given(
    st.sampled_from(["f0", "任务", "任务 · 资金", "项目", "万元", "", "p0"]),
    st.sampled_from(["p0", "专项 › 任务", "项目"]),
    st.tuples(_FACTOR_NAMES, st.sampled_from(["17.628", "0.5", "-3"]), _FACTOR_UNITS),
    st.tuples(_FACTOR_NAMES, st.sampled_from(["13797", "1.00", "0"]), _FACTOR_UNITS),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.integers(min_value=-4, max_value=2),
    st.sampled_from(["zh", "en"]),
)
def test_product_words_are_as_they_were(
    label: str,
    subject: str,
    a: tuple[str, str, str],
    b: tuple[str, str, str],
    coefficient: int,
    exponent: int,
    lang: str,
) -> None:
    """A product's words with its factors said inline: the text of the definition before, for
    factor names that share a head, repeat their unit or the total's head, in both languages,
    products that hold, round and do not."""
    terms = judge.product_on_grid((17628, 1, 2), (13797, 0, None), (coefficient, exponent, exponent - 1))
    for shifted_total in (terms, (terms[0], terms[0], *terms[2:]), (terms[0], terms[0] + 1, *terms[2:])):
        args = ("unit-cost", subject, (label, "267535.67", "万元", 4), a, b, shifted_total)
        with i18n.using(lang):
            assert judge.product_words(*args) == _old_product_words(*args)


def test_hiding_findings_keeps_the_diagnoses(monkeypatch: pytest.MonkeyPatch) -> None:
    """An audit with findings hidden (``check --severity``, which read the causes' severities to
    choose them) keeps the diagnoses it made instead of diagnosing every failing relation again,
    and writes what a fresh audit with the same findings hidden writes."""
    budget = load(ROOT / "data" / "budgets.yaml")
    relations = [rel for rule in REGISTRY for rel in rule.derive(budget)]
    columns = from_relations(budget.path, len(budget.documents), budget.figures, relations)
    monkeypatch.setattr(runner, "SMALL", 0)
    audit = runner.judge(columns)
    diagnosed = audit.bulk
    ids = frozenset(sorted(f.id for f in audit.iter_shown(False))[::2])
    hiding = audit.hiding(ids)
    assert hiding.bulk is diagnosed and hiding.hidden == ids
    assert jsonout.render(hiding, False) == jsonout.render(replace(audit, hidden=ids), False)
    assert "bulk" not in runner.judge(columns).hiding(ids).__dict__  # nothing made, nothing kept
