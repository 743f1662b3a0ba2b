"""Relations to check and the findings they produce: immutable values with both locations."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING

from fundaudit.model import Figure, Loc
from fundaudit.numbers import format_scaled, trailing
from fundaudit.units import Unit, base_word

if TYPE_CHECKING:
    from fundaudit.causes._base import Diagnosis
    from fundaudit.columnar.group import EncodedDiagnosis


class Verdict(StrEnum):
    """How a stated relation fares.

    ``match``: exact. ``rounding``: off by no more than the rounding the stated digits allow.
    ``within``: a partial list whose parts do not exceed its total. ``mismatch``: beyond
    the rounding allowance. ``incomplete``: a part is not stated, so the relation cannot be
    checked. ``error``: the check could not run (e.g. two dimensions in one sum).
    ``revised``: a later document states the figure differently (a ``supersedes`` link).
    """

    MATCH = "match"
    ROUNDING = "rounding"
    WITHIN = "within"
    MISMATCH = "mismatch"
    INCOMPLETE = "incomplete"
    ERROR = "error"
    REVISED = "revised"  # last: the verdict codes of the others are unchanged


SEVERITY = {
    Verdict.MATCH: "ok",
    Verdict.WITHIN: "ok",
    Verdict.ROUNDING: "info",
    Verdict.INCOMPLETE: "warning",
    Verdict.MISMATCH: "error",
    Verdict.ERROR: "error",
    Verdict.REVISED: "warning",
}
SEVERITY_RANK = {"ok": 0, "info": 1, "warning": 2, "error": 3}
FAILING = frozenset({Verdict.MISMATCH, Verdict.INCOMPLETE, Verdict.REVISED})  # diagnosed verdicts
REVISED_BY = "revised by "  # the note of a relation a supersedes link makes: "revised by <doc line>: …"
HOLDS = frozenset({Verdict.MATCH, Verdict.WITHIN, Verdict.ROUNDING})
VERDICT_CODE = {v: i for i, v in enumerate(Verdict)}  # the code of each verdict in verdict arrays
VERDICT_OF_CODE = tuple(VERDICT_CODE)  # the verdict of each code: VERDICT_OF_CODE[VERDICT_CODE[v]] is v


def severity_of(verdict: Verdict, diagnosis: Diagnosis | EncodedDiagnosis | None) -> str:
    """A finding's severity: a diagnosed failing finding takes its cause's, the others their
    verdict's (``error`` for a likely slip, ``warning`` for rounding, blank cells, revisions).

    ``diagnosis``: the object, or the tuple it is sent and written from in bulk
    (:class:`fundaudit.columnar.group.EncodedDiagnosis`)."""
    return diagnosis.severity if diagnosis is not None and verdict in FAILING else SEVERITY[verdict]


@dataclass(frozen=True, slots=True)
class Relation:
    """One stated relation between figures, derived by a rule from the model.

    ``missing`` names parts that are not stated at all (the relation is ``incomplete``);
    ``empty`` names empty table cells among the parts (read as nothing, and said so).
    :attr:`revision` names the later document when a ``supersedes`` link says it revises the
    figure (verdict ``revised`` instead of ``mismatch``); it is kept in ``note`` (after
    :data:`REVISED_BY`) so that tables exported from the data carry it too.

    ``kind``: ``sum`` (total = Σ parts), ``sum-le`` (Σ parts ≤ total, for lists the document
    calls partial), ``cumulative`` (running totals ending at the total), ``product``
    (total = parts[0] × parts[1]).
    """

    id: str
    rule: str
    kind: str
    total: Figure
    parts: tuple[Figure, ...]
    subject: str
    what: str
    document: str
    program: str
    missing: tuple[str, ...] = ()
    location: Loc | None = None
    note: str | None = None
    empty: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # what tells the parts apart (a table row's label), when labels repeat

    def with_figures(self, total: Figure, parts: tuple[Figure, ...]) -> Relation:
        """This relation over other figures (a correction tried by the diagnosis, a table's cells):
        every field but the figures kept, and ``names`` dropped (the parts may differ)."""
        r = self
        return Relation(
            r.id, r.rule, r.kind, total, parts, r.subject, r.what, r.document, r.program,
            r.missing, r.location, r.note, r.empty,
        )  # fmt: skip

    @property
    def revision(self) -> str | None:
        """The later statement revising this one (a ``supersedes`` link), else ``None``."""
        return revision_of(self.rule, self.note)

    @property
    def yaml(self) -> Loc:
        return self.location or self.total.yaml


def revision_of(rule: str, note: str | None) -> str | None:
    """:attr:`Relation.revision` of a relation of ``rule`` with ``note``."""
    if rule == "cross-document" and note and note.startswith(REVISED_BY):
        return note[len(REVISED_BY) :].split(": ", 1)[0]
    return None


@dataclass(frozen=True, slots=True)
class Finding:
    """The verdict on one relation, with every figure an auditor needs to check it."""

    id: str
    rule: str
    verdict: Verdict
    total: str
    unit: str
    parts_sum: str
    diff: str
    tolerance: str
    source: Loc
    location: Loc
    message: str
    document: str
    program: str
    subject: str
    parts: tuple[Figure, ...] = ()
    total_figure: Figure | None = None
    hint: str | None = None
    diagnosis: Diagnosis | None = None  # why a failing relation fails (fundaudit.causes)
    names: tuple[str, ...] = ()  # each part's name in messages: what tells it from the others

    @property
    def drafted(self) -> str | None:
        """The draft pattern of a figure of this relation not yet confirmed by a person (None when all are)."""
        for fig in (self.total_figure, *self.parts):
            if fig is not None and fig.drafted:
                return fig.drafted
        return None

    @property
    def severity(self) -> str:
        """``error`` for a likely slip, ``warning`` for rounding, blank cells and revisions.

        A diagnosed finding takes its cause's severity; the others their verdict's.
        """
        return severity_of(self.verdict, self.diagnosis)

    @property
    def holds(self) -> bool:
        return self.verdict in HOLDS

    @property
    def materiality(self) -> Materiality | None:
        """The difference in its dimension's base unit (元, 人 …) and as a percentage of the total."""
        if not self.diff or self.total_figure is None:
            return None
        total = self.total_figure
        amount, word, percent = materiality_words(self.diff, total.unit, total.value.coefficient, total.value.exponent)
        return Materiality(Decimal(amount), word, None if percent is None else Decimal(percent))


def materiality_words(diff: str, unit: Unit, coefficient: int, exponent: int) -> tuple[str, str, str | None]:
    """:attr:`Finding.materiality` as the texts the reports write: the difference ``diff`` (a
    decimal in the total's ``unit``) in its dimension's base unit, that word, and the difference
    as a percentage of the total ``coefficient × 10**exponent`` (two decimals, rounded half to
    even; ``None`` for a zero total).

    Exact integers throughout (no context rounding, any number of digits), plain digits
    without an exponent (``72000000``, not ``7.2E+7``).
    """
    whole, _point, frac = diff.lstrip("-").partition(".")
    digits, exp = int(whole + frac), -len(frac)  # |diff| = digits × 10**exp
    word = _base_word(unit.dimension)
    if word is None:
        word = unit.text  # no base word: the difference in the total's own unit
        amount = _plain_text(digits, exp)
    else:
        amount = _plain_text(digits, exp + unit.pow10)
    if not coefficient:
        return amount, word, None
    num, den, k = digits * 10000, abs(coefficient), exp - exponent  # |diff| / |total| × 10000
    if k >= 0:
        num *= 10**k
    else:
        den *= 10**-k
    q, r = divmod(num, den)
    if 2 * r > den or (2 * r == den and q % 2):  # round half to even, as round(Fraction) does
        q += 1
    return amount, word, format_scaled(q, -2)


@cache
def _base_word(dimension: str) -> str | None:
    return base_word(dimension)


def _plain_text(digits: int, exp: int) -> str:
    """``digits × 10**exp`` (``digits`` ≥ 0) in plain notation without trailing zeros after the point."""
    if not digits:
        return "0"
    digits, zeros = trailing(digits, 10, -exp)
    return format_scaled(digits, exp + zeros)


@dataclass(frozen=True, slots=True)
class Materiality:
    """How large a difference is: ``amount`` in the base unit, ``percent`` of the total (2 decimals)."""

    amount: Decimal
    unit: str
    percent: Decimal | None

    def sort_key(self) -> tuple[int, Decimal, Decimal]:
        """Money first by 元, then the other dimensions by their share of the total."""
        share = self.percent or Decimal(0)
        return (0, -self.amount, -share) if self.unit == "元" else (1, -share, -self.amount)


def shifted(value: Decimal, places: int) -> Decimal:
    """``value × 10^places`` exactly (``Decimal.scaleb`` rounds to the context's 28 digits)."""
    sign, digits, exponent = value.as_tuple()
    assert isinstance(exponent, int)
    return Decimal((sign, digits, exponent + places))


def plain(amount: Decimal) -> Decimal:
    """``amount`` without trailing zeros and written without an exponent (72000000, not 7.2E+7)."""
    sign, digits, exponent = amount.as_tuple()
    if not any(digits):
        return Decimal(0)
    assert isinstance(exponent, int)
    kept = list(digits)
    while exponent < 0 and kept[-1] == 0:  # exact, unlike normalize(), which rounds to 28 digits
        kept.pop()
        exponent += 1
    if exponent > 0:
        kept += [0] * exponent
        exponent = 0
    return Decimal((sign, tuple(kept), exponent))
