"""misplaced-amount: an amount booked in a neighbouring cell."""

from __future__ import annotations

from fundaudit.model import Figure
from tests.causes.helpers import diagnoses, fig, rel


def test_190_booked_to_nanjiang_instead_of_pingchang() -> None:
    # two county columns of one row (same YAML line); each column foots by itself
    nj, pc = fig("t::r1288:南江", "380 万元", 1288), fig("t::r1288:平昌", "10 万元", 1288)
    nj_total, pc_total = fig("t::r1283:南江", "1190 万元", 1283), fig("t::r1283:平昌", "1200 万元", 1283)
    found = diagnoses(
        rel("nj", nj_total, fig("t::r1287:南江", "1000 万元", 1287), nj, rule="table-foot"),
        rel("pc", pc_total, fig("t::r1287:平昌", "1000 万元", 1287), pc, rule="table-foot"),
        # the 合计 row foots across: its cells are right, the amount sits in the wrong 1288 cell
        rel("row", fig("t::r1283:全市", "2390 万元", 1283), nj_total, pc_total, rule="table-cross-foot"),
        rel("row1288", fig("t::r1288:全市", "390 万元", 1288), nj, pc, rule="table-cross-foot"),
        rel("text", fig("t::text:南江", "1190 万元", 20), nj_total, rule="repeat"),  # the text agrees
    )
    d = found["nj"]
    assert d.cause == "misplaced-amount" and found["pc"].root == d.root
    assert {c.figure.ref: c.likely for c in d.figures[:2]} == {nj.ref: "190 万元", pc.ref: "200 万元"}


def test_a_line_number_of_another_yaml_file_is_no_shared_row() -> None:
    """The same two columns, the second county's in another YAML file on the same line numbers:
    no amount is booked across files (the multi-file budget once got 506 such diagnoses)."""
    from dataclasses import replace

    from fundaudit.model import Loc

    def elsewhere(f: Figure) -> Figure:
        return replace(f, yaml=Loc("e.yaml", f.yaml.line))

    nj, pc = fig("t::r1288:南江", "380 万元", 1288), elsewhere(fig("u::r1288:平昌", "10 万元", 1288))
    nj_total, pc_total = fig("t::r1283:南江", "1190 万元", 1283), elsewhere(fig("u::r1283:平昌", "1200 万元", 1283))
    found = diagnoses(
        rel("nj", nj_total, fig("t::r1287:南江", "1000 万元", 1287), nj, rule="table-foot"),
        rel("pc", pc_total, elsewhere(fig("u::r1287:平昌", "1000 万元", 1287)), pc, rule="table-foot"),
    )
    assert found["nj"].cause != "misplaced-amount" and found["pc"].cause != "misplaced-amount"
    assert found["nj"].root != found["pc"].root


def test_sums_that_share_their_total_are_not_listed_to_each_other(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A total that 600 one-part sums repeat, half of them off by +d and half by −d: each is a
    partner of the others by line and difference, but shares the total with them, so none
    can hold the other's amount. They are not listed to each other (that was quadratic),
    and the genuine pair on row 1288 is still found."""
    from fundaudit.causes._base import Context

    listed: list[int] = []
    full = Context.failing_with_difference_on

    def counting(self, diff, lines, besides=()):  # type: ignore[no-untyped-def]
        found = full(self, diff, lines, besides)
        listed.append(len(found))
        return found

    monkeypatch.setattr(Context, "failing_with_difference_on", counting)
    hub = fig("t::r1:total", "1000 万元", 1)
    spokes = [
        rel(f"s{i:03d}", hub, fig(f"t::r{i + 2}:x", f"{1000 + (1 if i % 2 else -1)} 万元", i + 2)) for i in range(600)
    ]
    nj, pc = fig("t::r1288:南江", "380 万元", 1288), fig("t::r1288:平昌", "10 万元", 1288)
    found = diagnoses(
        *spokes,
        rel("nj", fig("t::r1283:南江", "1190 万元", 1283), fig("t::r1287:南江", "1000 万元", 1287), nj),
        rel("pc", fig("t::r1283:平昌", "1200 万元", 1283), fig("t::r1287:平昌", "1000 万元", 1287), pc),
    )
    assert found["nj"].cause == "misplaced-amount"
    assert sum(listed) < 100  # the spokes, each sharing the total with 299 of opposite difference
