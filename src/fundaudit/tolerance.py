"""The rounding tolerance policy: how far a sum may be off because the digits were rounded.

A figure written ``12.10`` stands for any value in [12.095, 12.105): it may be off by half a
unit of its last written digit. A relation's tolerance is that half-unit of the total plus
the same for each part. Integers written without decimals count as exact by default (as in
beancount's tolerance inference): ``50 亿元`` is 50, not 49.5 to 50.5.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from fundaudit.model import Figure


class Policy(StrEnum):
    DIGITS = "digits"  # half a unit of the last written decimal; integers exact (default)
    DIGITS_ALL = "digits-all"  # integers too get half a unit of their last digit
    EXACT = "exact"  # no rounding allowance at all


@dataclass(frozen=True, slots=True)
class Tolerance:
    policy: Policy = Policy.DIGITS

    def half_unit_exponent(self, fig: Figure) -> int | None:
        """The base-unit exponent ``e`` such that the figure's allowance is ``5 × 10**e``.

        ``None`` when the figure counts as exact.
        """
        return self.half_exponent(fig.value.exponent, fig.unit.pow10)

    def half_exponent(self, exponent: int, pow10: int) -> int | None:
        """:meth:`half_unit_exponent` of a figure written with ``exponent`` in a unit of ``pow10``."""
        if self.policy is Policy.EXACT:
            return None
        if exponent >= 0 and self.policy is Policy.DIGITS:
            return None
        return exponent + pow10 - 1


DEFAULT = Tolerance()
