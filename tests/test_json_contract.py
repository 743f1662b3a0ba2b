"""The JSON contract's derived fields on real data: materiality in a base unit people and
machines read, and the ``drafted`` mark of a document checked directly."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fundaudit.cli import run
from fundaudit.findings import plain
from fundaudit.units import base_word, known_units, parse_unit

ROOT = Path(__file__).resolve().parents[1]


def _check_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code = run(["check", *args, "--format", "json", "--lang", "en"])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    return dict(json.loads(out))


@pytest.fixture
def real(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    return _check_json(capsys, str(ROOT / "data" / "budgets.yaml"))


def test_materiality_is_plain_digits_in_a_unit_word(real: dict[str, Any]) -> None:
    words = set(known_units()) | {"元/人"}
    seen = [r["materiality"] for r in real["results"] if "materiality" in r]
    assert len(seen) > 90
    for m in seen:
        assert re.fullmatch(r"[0-9]+(\.[0-9]+)?", m["amount"]), m  # never 7.2E+7
        assert m["unit"] in words or parse_unit(m["unit"]).pow10 != 0, m  # a word, never "length"


def test_materiality_of_a_length_is_in_metres(real: dict[str, Any]) -> None:
    by_id = {r["id"]: r for r in real["results"]}
    lines = by_id["bz2018::power-lines-annex1#repeat"]  # 582.77 公里 against 501.855 公里
    assert (lines["diff"], lines["unit"]) == ("80.915", "公里")
    assert lines["materiality"] == {"amount": "80915", "unit": "米", "percent": "13.88"}


def test_hand_data_has_no_drafted_mark(real: dict[str, Any]) -> None:
    assert not any("drafted" in r for r in real["results"])


def test_a_document_checked_directly_marks_its_results_drafted(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    doc = tmp_path / "plan.txt"
    doc.write_text("全年计划投资10亿元，其中：中央5亿元、省级4亿元。\n", encoding="utf-8")
    out = _check_json(capsys, str(doc))
    (result,) = out["results"]
    assert result["verdict"] == "mismatch" and result["source"] == {"file": "plan.txt", "line": 1}
    assert isinstance(result["drafted"], str) and result["drafted"]


@given(st.integers(min_value=-(10**40), max_value=10**40), st.integers(min_value=-40, max_value=40))
def test_plain_keeps_the_value_and_never_an_exponent(digits: int, exponent: int) -> None:
    value = Decimal(digits).scaleb(exponent)
    out = plain(value)
    assert out == value and Decimal(format(out, "f")) == value
    assert "E" not in format(out, "f") and not format(out, "f").endswith(".0")


def test_base_words() -> None:
    assert [base_word(d) for d in ("money", "length", "count:座", "money/people", "apparent-power")] == [
        "元",
        "米",
        "座",
        "元/人",
        None,
    ]


@given(
    st.integers(min_value=1, max_value=10**38 - 1),
    st.integers(min_value=-30, max_value=8),
    st.integers(min_value=1, max_value=10**38 - 1),  # 38 digits: the most a figure may have
)
def test_materiality_is_exact_past_28_digits(diff_digits: int, exponent: int, total_digits: int) -> None:
    """38-digit amounts (DECIMAL(38) tables) never pass through Decimal's 28-digit context."""
    from fractions import Fraction

    from fundaudit.findings import Finding, Verdict
    from fundaudit.model import Figure, Loc
    from fundaudit.numbers import parse_number
    from fundaudit.units import parse_unit

    diff = Decimal(diff_digits).scaleb(exponent) if exponent <= 0 else Decimal(diff_digits * 10**exponent)
    total = Figure(
        ref="t",
        label="t",
        value=parse_number(str(total_digits)),
        unit=parse_unit("万元"),
        source=Loc("s.txt", 1),
        yaml=Loc("d.yaml", 1),
    )
    here = Loc("d.yaml", 1)
    blank = dict.fromkeys(("total", "unit", "parts_sum", "tolerance", "message", "document", "program", "subject"), "")
    finding = Finding(
        id="r",
        rule="foot",
        verdict=Verdict.MISMATCH,
        diff=format(diff, "f"),
        source=here,
        location=here,
        total_figure=total,
        **blank,
    )
    m = finding.materiality
    assert m is not None and m.unit == "元"
    assert Fraction(m.amount) == Fraction(diff) * 10**4  # exact, every digit
    assert m.percent is not None
    assert abs(Fraction(m.percent) - Fraction(diff) / total_digits * 100) <= Fraction(1, 200)
