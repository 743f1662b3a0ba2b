"""transposition: two adjacent digits swapped."""

from __future__ import annotations

from tests.causes.helpers import diagnoses, fig, rel, top


def test_two_swapped_digits_of_a_part() -> None:
    total = fig("t::x:total", "9851 万元")
    found = diagnoses(
        rel("r", total, fig("t::x:a", "5000 万元"), fig("t::x:b", "4581 万元")),
        rel("held", fig("t::annex:total", "9851 万元"), total, rule="repeat"),  # the total is right
    )
    assert top(found["r"]) == ("transposition", "t::x:b", "4851 万元")


def test_swapped_digits_of_a_total_footed_twice() -> None:
    total = fig("t::x:total", "9581 万元")
    a, b = fig("t::x:a", "5000 万元"), fig("t::x:b", "4851 万元")
    found = diagnoses(rel("r", total, a, b), rel("s", total, fig("t::y:c", "9851 万元"), rule="repeat"))
    assert top(found["r"]) == ("transposition", total.ref, "9851 万元")
    assert found["r"].explains == ("r", "s")


def test_two_digits_apart_are_no_transposition() -> None:
    d = diagnoses(rel("r", fig("t::x:total", "9851 万元"), fig("t::x:a", "5000 万元"), fig("t::x:b", "5841 万元")))["r"]
    assert d.cause != "transposition"
