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
