"""A chunk's JSON results assembled a field at a time (:meth:`fundaudit.report.pieces._Chunk.text`)
against the per-finding definition it replaces (:meth:`~fundaudit.report.pieces._Chunk.json`,
itself held to ``json.dumps(finding_json(f))`` in ``tests/test_bulk_words.py``), on hostile text:
quotes, backslashes, every kind of control character, line and paragraph separators, lone
surrogates (a file name the system gave as bytes), in every field a finding writes."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundaudit import i18n, runner
from fundaudit.columnar.arrays import from_relations
from fundaudit.findings import Finding, Relation
from fundaudit.model import Figure, Loc
from fundaudit.numbers import Written
from fundaudit.report import jsonl, jsonout, pieces
from fundaudit.report.jsonout import finding_json
from fundaudit.units import parse_unit

# what json.dumps escapes (quote, backslash, C0), what it leaves (DEL, C1, U+2028/9, bidi,
# lone surrogates), and plain text around them
_HOSTILE = st.lists(
    st.sampled_from(
        [
            *['"', "\\", "\n", "\r", "\t", "\x00", "\x08", "\x1b", "\x1f", "\x7f", "\x85", "\u2028", "\u2029"],
            *["\u202e", "\ud800", "\udcff", "中", "a", " ", "›", "·", "/", "::", "total", " · "],
        ]
    ),
    max_size=8,
).map("".join)
_UNITS = st.sampled_from(["万元", "元", "人", "%", "元/人", "个"])


@st.composite
def _figure(draw: st.DrawFn, key: str) -> Figure:
    return Figure(
        ref=f"doc::{key}{draw(_HOSTILE)}",
        label=draw(_HOSTILE) or "x",
        value=Written(draw(st.integers(-(10**12), 10**12)), draw(st.integers(-4, 2))),
        unit=parse_unit(draw(_UNITS)),
        source=Loc(draw(_HOSTILE) or "s.txt", draw(st.integers(1, 9))),
        yaml=Loc(draw(_HOSTILE) or "d.yaml", draw(st.integers(1, 9))),
        drafted=draw(st.sampled_from([None, None, "", "pattern", '草"拟\n\ud800'])),
    )


@st.composite
def _relations(draw: st.DrawFn) -> list[Relation]:
    rels = []
    for i in range(draw(st.integers(min_value=1, max_value=8))):
        kind = draw(st.sampled_from(["sum", "sum-le", "product", "cumulative"]))
        n = 2 if kind in ("product", "cumulative") else draw(st.integers(1, 3))
        total = draw(_figure(f"t{i}:"))
        parts = [draw(_figure(f"p{i}.{k}:")) for k in range(n)]
        if kind != "product":
            parts = [replace(p, unit=total.unit) for p in parts]
        rels.append(
            Relation(
                id=f"r{i}{draw(_HOSTILE)}",
                rule=draw(st.sampled_from(["foot", "unit-cost", "cross-document"])),
                kind=kind,
                total=total,
                parts=tuple(parts),
                subject=draw(_HOSTILE) + " › " + draw(_HOSTILE),
                what="sum",
                document=draw(_HOSTILE) or "doc",
                program=draw(_HOSTILE),
                location=draw(st.sampled_from([None, Loc("r\u2028.yaml", 7)])),
                note=draw(st.sampled_from([None, 'revised by doc2 line 4: 修"订'])),
                names=tuple(draw(_HOSTILE) for _ in parts) if draw(st.booleans()) else (),
            )
        )
    return rels


def _audit(rels: list[Relation]) -> runner.Audit:
    figures = [f for rel in rels for f in (rel.total, *rel.parts)]
    return runner.judge(from_relations("d.yaml", 1, figures, rels))


def _one_by_one(chunk: pieces._Chunk, items: list[Finding | pieces.Words], sep: str) -> str:
    return sep.join(
        chunk.json(w) if isinstance(w, pieces.Words) else json.dumps(finding_json(w), ensure_ascii=False) for w in items
    )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_relations(), st.sampled_from(["zh", "en"]), st.sampled_from([",\n    ", "\n", ""]))
def test_chunk_text_is_each_findings_json_joined(rels: list[Relation], lang: str, sep: str) -> None:
    """Field by field, the chunk's text is the per-finding objects joined, byte for byte, and
    each object is what ``json.dumps`` makes of its ``finding_json``."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(runner, "SMALL", 0)
        monkeypatch.setattr(runner, "CHUNK", 3)
        with i18n.using(lang):
            audit = _audit(rels)
            for show_all in (False, True):
                made = 0
                for chunk, items in pieces.worded(audit, show_all, True):
                    assert chunk is not None
                    assert chunk.text(items, sep) == _one_by_one(chunk, items, sep)
                    made += len(items)
                assert made == sum(1 for _ in audit.iter_shown(show_all))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_relations(), st.sampled_from(["zh", "en"]))
def test_streamed_json_of_hostile_text_is_the_per_finding_json(rels: list[Relation], lang: str) -> None:
    """The JSON document and JSON Lines, streamed a chunk at a time, are those of every finding
    worded one by one (:data:`pieces.BULK` off), and parse back to the findings' own texts."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(runner, "SMALL", 0)
        monkeypatch.setattr(runner, "CHUNK", 4)
        with i18n.using(lang):
            audit = _audit(rels)
            bulk = [jsonout.render(audit, True), jsonl.render(audit, False)]
            monkeypatch.setattr(pieces, "BULK", False)
            assert bulk == [jsonout.render(audit, True), jsonl.render(audit, False)]
            results = json.loads(bulk[0])["results"]
            assert [r["id"] for r in results] == [f.id for f in audit.iter_shown(True)]
            assert [r["message"] for r in results] == [f.message for f in audit.iter_shown(True)]


def test_every_escape_is_the_encoders() -> None:
    """One finding whose every text holds every character ``json.dumps`` escapes and the ones
    it leaves as they are: the streamed text is the encoder's."""
    nasty = "".join(chr(c) for c in range(0x20)) + '"\\\x7f\x85\u2028\u2029\u202e\ud800\udfff中'
    total = Figure(f"doc::t{nasty}", nasty, Written(5, 0), parse_unit("万元"), Loc(nasty, 1), Loc(nasty, 2))
    unit = parse_unit("万元")
    parts = tuple(Figure(f"doc::p{k}{nasty}", nasty, Written(k, 0), unit, Loc(nasty, 3), Loc(nasty, 4)) for k in (1, 2))
    rel = Relation(
        id=f"r{nasty}",
        rule="foot",
        kind="sum",
        total=total,
        parts=parts,
        subject=nasty,
        what="sum",
        document=nasty,
        program=nasty,
    )
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(runner, "SMALL", 0)
        audit = _audit([rel])
        ((chunk, items),) = list(pieces.worded(audit, True, True))
        assert chunk is not None and isinstance(items[0], pieces.Words)
        text = chunk.text(items, "\n")
        (finding,) = audit.iter_shown(True)
        assert text == json.dumps(finding_json(finding), ensure_ascii=False)
        assert "\\u0000" in text and "\\u001f" in text and '\\"' in text and "\u2028" in text and "\ud800" in text
