"""Exact numbers as written: a stated figure is digits and a decimal exponent, never a float."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from fundaudit.i18n import _

_NUMBER = re.compile(r"(-?(?:0|[1-9][0-9]*))(?:\.([0-9]+))?\Z")
_LOOSE = re.compile(r"-?[0-9]+(\.[0-9]+)?\Z")

# What every output can hold exactly (DECIMAL(38) in Parquet, the exponent range that
# ``check DIR`` accepts): a number beyond either is refused when read, by its length, before
# any conversion (Python's int() itself refuses more than 4,300 digits with a traceback).
MAX_DIGITS = 38
MAX_DECIMALS = 30
_SHOWN = 24  # characters of a refused number quoted back in a message
_SHORT = min(MAX_DIGITS, MAX_DECIMALS + 1)  # "0." and 29 decimals: no text this long breaks a limit


class NumberError(ValueError):
    """A number that is not written the way fundaudit accepts it."""


@dataclass(frozen=True, slots=True)
class Written:
    """A decimal number as written: ``value = coefficient × 10**exponent``.

    ``12.10`` is ``Written(1210, -2)``: the trailing zero is kept, because the digits
    stated decide the rounding tolerance.
    """

    coefficient: int
    exponent: int

    @property
    def decimals(self) -> int:
        """How many digits were written after the decimal point."""
        return -self.exponent if self.exponent < 0 else 0

    def to_decimal(self) -> Decimal:
        """The exact value (``scaleb`` would round to the context's 28 digits)."""
        return Decimal(f"{self.coefficient}E{self.exponent}")

    def text(self) -> str:
        """The number exactly as it was written."""
        return format_scaled(self.coefficient, self.exponent)


def parse_number(text: str) -> Written:
    """Parse ``text`` (ASCII digits, optional ``-`` and decimal point) exactly.

    Raises :class:`NumberError` with a reason an editor understands.
    """
    m = _NUMBER.match(text)
    if m is None:
        raise NumberError(_why_not_a_number(text))
    whole, frac = m.groups()
    frac = frac or ""
    if len(text) > _SHORT:  # a shorter text is within both limits
        digits = len((whole.lstrip("-") + frac).lstrip("0"))
        if digits > MAX_DIGITS:
            raise NumberError(
                _("number {text} has {digits} significant digits; the limit is {limit}").format(
                    text=shown(text, _SHOWN), digits=digits, limit=MAX_DIGITS
                )
            )
        if len(frac) > MAX_DECIMALS:
            raise NumberError(
                _("number {text} has {places} decimal places; the limit is {limit}").format(
                    text=shown(text, _SHOWN), places=len(frac), limit=MAX_DECIMALS
                )
            )
    if whole == "-0" and not frac.strip("0"):
        raise NumberError(
            _("number {text} is a negative zero; write it without the '-'").format(text=shown(text, _SHOWN))
        )
    return Written(int(whole + frac), -len(frac))


def shown(text: str, limit: int = 80) -> str:
    """``text`` quoted for a message, cut to its first ``limit`` characters when it is longer."""
    if len(text) <= limit:
        return repr(text)
    return repr(text[:limit]) + _(" (… {n} characters)").format(n=len(text))


def _why_not_a_number(text: str) -> str:
    if text == "":
        return _("empty number")
    q = shown(text, _SHOWN)
    if "," in text or "，" in text:
        return _("number {q} has a thousands separator; write the digits only").format(q=q)
    if any("０" <= c <= "９" or c == "．" for c in text):
        return _("number {q} has full-width digits; write ASCII digits").format(q=q)
    if "e" in text.lower() and any(c.isdigit() for c in text):
        return _("number {q} has an exponent; write the digits as stated").format(q=q)
    if text.startswith("+"):
        return _("number {q} has a leading '+'; write the digits as stated").format(q=q)
    if text.lower().lstrip("-.") in {"nan", "inf", "infinity"}:
        return _("{q} is not a stated amount").format(q=q)
    if _LOOSE.match(text):
        return _("number {q} has a leading zero").format(q=q)
    return _("{q} is not a number (digits with an optional decimal point)").format(q=q)


def trailing(n: int, base: int, most: int | None = None) -> tuple[int, int]:
    """``n`` with its factors ``base`` divided out — at most ``most`` of them — and how many were.

    In a number of divisions that grows with the logarithm of the count (powers ``base**(2**i)``,
    largest first): one factor at a time took as many divisions as there were zeros, each of a
    number as long as the zeros, and figures whose exponents lay a thousand places apart made
    a check 28 times slower. ``n == 0`` gives ``(0, most or 0)``, as the loop it replaces did.
    """
    if most is not None and most <= 0:
        return n, 0
    if n == 0:
        return 0, most or 0
    if n % base:
        return n, 0
    powers = [base]
    while (most is None or 2 << (len(powers) - 1) <= most) and n % (powers[-1] * powers[-1]) == 0:
        powers.append(powers[-1] * powers[-1])
    count = 0
    for i in range(len(powers) - 1, -1, -1):
        step = 1 << i
        if (most is None or count + step <= most) and n % powers[i] == 0:
            n //= powers[i]
            count += step
    return n, count


def format_scaled(coefficient: int, exponent: int) -> str:
    """Render ``coefficient × 10**exponent`` in plain notation, keeping every written digit."""
    if exponent >= 0:
        return str(coefficient * 10**exponent)
    sign = "-" if coefficient < 0 else ""
    digits = str(abs(coefficient)).rjust(-exponent + 1, "0")
    return f"{sign}{digits[:exponent]}.{digits[exponent:]}"
