"""Input limits hold before anything is read or converted: a clear error, never a crash or a hang.

Each reproduction of issue 17's "limits" class is a test here: files that are not files
(a device, a FIFO, a folder, a 2 GB sparse file), numbers and line numbers too long to
convert, negative zero, and values YAML accepts that an output could not hold.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fundaudit.errors import InvalidData
from fundaudit.loader import load
from fundaudit.numbers import MAX_DECIMALS, MAX_DIGITS, NumberError, parse_number
from fundaudit.yamlnodes import Limits, Unreadable, read_limited

PROGRAM = """\
programs:
  - id: p
    name: 专项
    total: {total}
"""


def errors_of(path: Path, limits: Limits | None = None) -> list[str]:
    with pytest.raises(InvalidData) as exc:
        load(path, limits)
    return [str(e).replace(str(path.parent) + os.sep, "") for e in exc.value.errors]


def check(path: Path | str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "fundaudit", "check", str(path), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
    )


# --- files that are not data files: refused by what they are, before reading ---------------


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="no /dev/zero")
def test_dev_zero_is_refused_without_reading() -> None:
    proc = check("/dev/zero", timeout=30)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr and "MemoryError" not in proc.stderr
    assert "/dev/zero: is a character device, not a file" in proc.stderr


def test_a_sparse_2_gb_file_is_refused_by_its_size(tmp_path: Path) -> None:
    path = tmp_path / "budgets.yaml"
    with path.open("wb") as f:
        f.truncate(2 * 1024**3)  # sparse: no disk used, and nothing may be read
    proc = check(path, timeout=30)
    assert proc.returncode == 2
    assert f"budgets.yaml: file is larger than {64 * 1024 * 1024} bytes ({2 * 1024**3} bytes)" in proc.stderr
    assert "Traceback" not in proc.stderr


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "budgets.yaml"
    os.mkfifo(fifo)
    proc = check(fifo, timeout=30)  # a blocking open would hang until the timeout
    assert proc.returncode == 2
    assert "budgets.yaml: is a named pipe (FIFO), not a file" in proc.stderr


def test_a_folder_as_the_entry_file_says_so(tmp_path: Path) -> None:
    (tmp_path / "budgets.yaml").mkdir()
    assert errors_of(tmp_path / "budgets.yaml") == ["budgets.yaml: is a folder, not a file"]


def test_a_missing_entry_file_says_so(tmp_path: Path) -> None:
    assert errors_of(tmp_path / "budgets.yaml") == ["budgets.yaml: file does not exist"]


def test_the_size_limit_bounds_the_read_itself(tmp_path: Path) -> None:
    """Even when the size on record is small (a /proc file says 0), no more than the limit is read."""
    path = tmp_path / "f.yaml"
    path.write_bytes(b"x" * 101)
    with pytest.raises(Unreadable, match="larger than 100 bytes"):
        read_limited(path, 100)
    assert read_limited(path, 101) == b"x" * 101
    if Path("/proc/self/status").exists():
        with pytest.raises(Unreadable, match="larger than 10 bytes"):
            read_limited("/proc/self/status", 10)


def test_the_size_limit_counts_in_load(write: Callable[[str], Path]) -> None:
    path = write(PROGRAM.format(total="1 亿元 @1"))
    size = path.stat().st_size
    assert errors_of(path, Limits(max_bytes=size - 1)) == [
        f"budgets.yaml: file is larger than {size - 1} bytes ({size} bytes)"
    ]


# --- numbers: refused by their length before any conversion ----------------------------------


@pytest.mark.parametrize("digits", [39, 40, 4301, 50_000])
def test_too_many_digits_is_refused_before_int(write: Callable[[str], Path], digits: int) -> None:
    number = "9" * digits
    got = errors_of(write(PROGRAM.format(total=f"{number} 亿元 @3")))
    assert got == [
        f"budgets.yaml:9: 专项 total: number '{'9' * 24}' (… {digits} characters) has {digits} significant "
        f"digits; the limit is {MAX_DIGITS}"
    ]


def test_the_digit_limit_counts_significant_digits() -> None:
    assert parse_number("0." + "0" * 20 + "1").coefficient == 1
    assert parse_number("1" * MAX_DIGITS).coefficient == int("1" * MAX_DIGITS)
    with pytest.raises(NumberError, match="has 39 significant digits"):
        parse_number("1" * 20 + "." + "1" * 19)


def test_too_many_decimal_places_is_refused(write: Callable[[str], Path]) -> None:
    got = errors_of(write(PROGRAM.format(total="0." + "0" * 59 + "1 亿元 @3")))
    assert got == [
        f"budgets.yaml:9: 专项 total: number '0.0000000000000000000000' (… 62 characters) has 60 decimal "
        f"places; the limit is {MAX_DECIMALS}"
    ]


@pytest.mark.parametrize("total", ["-0 亿元 @3", "-0.00 亿元 @3", "-0 元 @3", '"-0.0 万元 @3"'])
def test_negative_zero_money_is_negative_money(write: Callable[[str], Path], total: str) -> None:
    number = total.strip('"').split()[0]
    assert errors_of(write(PROGRAM.format(total=total))) == [
        f"budgets.yaml:9: 专项 total: negative amount '{number}': budgets state amounts, not signed balances"
    ]


def test_negative_zero_of_other_units_is_refused(write: Callable[[str], Path]) -> None:
    """-0 % would print as 0 %: the sign would be lost, so it is refused too."""
    body = PROGRAM.format(total="1 亿元 @3") + "    figures: {change: -0.0 % @4}\n"
    assert errors_of(write(body)) == [
        "budgets.yaml:10: change: number '-0.0' is a negative zero; write it without the '-'"
    ]


@pytest.mark.parametrize("line", ["1" * 10, "9" * 60, "9" * 5000])
def test_a_huge_source_line_is_refused(write: Callable[[str], Path], line: str) -> None:
    got = errors_of(write(PROGRAM.format(total=f"1 亿元 @{line}")))
    assert len(got) == 1
    assert got[0].startswith("budgets.yaml:9: 专项 total: source line '")
    assert got[0].endswith("is beyond the last possible line (999999999)")


def test_the_largest_values_that_load_also_export_and_check(tmp_path: Path) -> None:
    """Whatever the loader accepts, `export` writes and `check DIR` reads back (issue 17)."""
    big = "9" * (MAX_DIGITS - MAX_DECIMALS) + "." + "9" * MAX_DECIMALS
    entry = tmp_path / "budgets.yaml"
    entry.write_text(
        "fundaudit: 1\ndocuments:\n  - id: t\n    source: t.txt\n    title: 测试\n    programs:\n"
        f"      - {{id: p, name: 专项, total: {big} 亿元 @999999999,"
        f" items: [{{name: 甲, total: {big} 亿元 @2}}]}}\n",
        encoding="utf-8",
    )
    assert check(entry).returncode == 0, check(entry).stderr
    for fmt in ("parquet", "csv"):
        out = tmp_path / fmt
        proc = subprocess.run(
            [sys.executable, "-m", "fundaudit", "export", str(entry), "--to", str(out), "--format", fmt],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        back = check(out, "--all", timeout=120)
        assert back.returncode == 0, back.stdout + back.stderr


# --- values YAML accepts that would crash later -----------------------------------------------


def test_a_column_unit_template_that_builds_no_unit(write: Callable[[str], Path]) -> None:
    body = """\
        programs:
          - id: p
            name: 专项
            tables:
              - id: t1
                title: 表
                line: 5
                columns: [{name: A, unit: "万{row}"}]
                rows:
                  - {label: 甲, line: 6, unit: 万元, cells: ["1"]}
        """
    assert errors_of(write(body)) == [
        "budgets.yaml:15: cell 'A' of row '甲': the column unit '万{row}' with the row unit '万元' makes "
        "'万万元', which is not a unit"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "fundaudit:\t1\ndocuments: []\n",
            "budgets.yaml:1: a tab at column 11: use spaces (YAML parsers disagree about tabs)",
        ),
        (
            "fundaudit: 1\ndocuments: []\t\n",
            "budgets.yaml:2: a tab at column 14: use spaces (YAML parsers disagree about tabs)",
        ),
        (
            "fundaudit: 1\ndocuments: []\u2028\n",
            "budgets.yaml:2: the character U+2028 (LINE SEPARATOR) at column 14: end lines with a plain line break",
        ),
    ],
)
def test_raw_characters_parsers_disagree_on(write: Callable[..., Path], text: str, message: str) -> None:
    assert errors_of(write(text, raw=True)) == [message]


@pytest.mark.parametrize(
    ("escape", "name"),
    [
        ("\\e", "U+001B (ESCAPE)"),
        ("\\a", "U+0007 (BELL)"),
        ("\\0", "U+0000 (NULL)"),
        ("\\t", "a tab"),
        ("\\n", "U+000A (LINE FEED)"),
        ("\\u200b", "U+200B (ZERO WIDTH SPACE)"),
        ("\\u202e", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
        ("\\x85", "U+0085 (NEXT LINE)"),
    ],
)
def test_a_control_character_in_any_text_is_refused(write: Callable[[str], Path], escape: str, name: str) -> None:
    body = f'programs:\n  - id: p\n    name: "专{escape}项"\n    total: 1 亿元 @3\n'
    what = name if name == "a tab" else f"the character {name}"
    assert errors_of(write(body)) == [
        f"budgets.yaml:8: text at column 15: {what} is not allowed in text (write it out or remove it)"
    ]


def test_line_breaks_are_allowed_in_block_scalars_only(write: Callable[[str], Path]) -> None:
    ok = PROGRAM.format(total="1 亿元 @3") + "    note: |\n      第一行\n      第二行\n"
    assert load(write(ok)).documents[0].programs[0].note == "第一行\n第二行\n"
    bad = PROGRAM.format(total="1 亿元 @3") + '    note: "第一行\n\n      第二行"\n'
    assert errors_of(write(bad)) == [
        "budgets.yaml:10: text at column 15: the character U+000A (LINE FEED) is not allowed in text "
        "(write it out or remove it)"
    ]


@settings(max_examples=400, deadline=None)
@given(
    st.booleans(),
    st.text("0123456789", min_size=1, max_size=45),
    st.one_of(st.none(), st.text("0123456789", min_size=1, max_size=40)),
)
def test_parse_number_limits_agree_with_decimal(negative: bool, whole: str, frac: str | None) -> None:
    """An independent oracle: Decimal's own digits and exponent decide acceptance and value."""
    whole = whole.lstrip("0") or "0"
    text = ("-" if negative else "") + whole + ("" if frac is None else "." + frac)
    oracle = Decimal(text)
    significant = len((whole + (frac or "")).lstrip("0"))
    try:
        got = parse_number(text)
    except NumberError:
        assert significant > MAX_DIGITS or len(frac or "") > MAX_DECIMALS or (negative and oracle == 0)
        return
    assert significant <= MAX_DIGITS and len(frac or "") <= MAX_DECIMALS
    assert not (negative and oracle == 0)
    assert got.to_decimal() == oracle and got.exponent == -len(frac or "")
