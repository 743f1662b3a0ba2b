"""What every cause shares: the records of a diagnosis and the exact arithmetic of a correction.

A *candidate* proposes edits to stated figures (``1000 元`` → ``10000 万元``); the localiser
re-judges every relation the edited figures sit in with :func:`fundaudit.judge.verdict` (exact
integers, no floats) and keeps a candidate only when it makes a failing relation hold without
breaking one that holds.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from fractions import Fraction

from fundaudit import i18n
from fundaudit.findings import HOLDS, Relation, Verdict
from fundaudit.judge import verdict, verdict_of
from fundaudit.model import Figure, Loc
from fundaudit.numbers import Written, trailing
from fundaudit.tolerance import Tolerance
from fundaudit.units import Unit, parse_unit

ERROR = "error"
WARNING = "warning"


class Applicability(IntEnum):
    """How far a correction may be trusted (ordered as ruff's): shown as possible or likely."""

    POSSIBLE = 0  # one of several hypotheses, or a pattern seen in one relation only
    LIKELY = 1  # the only hypothesis, or one correction that makes two or more relations hold

    @property
    def word(self) -> str:
        return self.name.lower()


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace one stated figure's value (and unit) by the value it likely should have."""

    figure: Figure
    value: Written | None  # None: the figure stays, the relation is what is wrong
    unit: Unit
    _applied: Figure | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def new_text(self) -> str:
        return "" if self.value is None else f"{self.value.text()} {self.unit.text}"

    def applied(self) -> Figure:
        if self.value is None:
            return self.figure
        done = self._applied
        if done is None:  # built once, directly: dataclasses.replace inspects the fields on every call
            f = self.figure
            done = Figure(f.ref, f.label, self.value, self.unit, f.source, f.yaml, f.bound, f.note, f.drafted)
            object.__setattr__(self, "_applied", done)
        return done


@dataclass(frozen=True, slots=True)
class Candidate:
    """One hypothesis of one cause: edits that would make ``relation`` hold.

    ``extra`` lists figures added to the relation's parts (an omitted or twice-counted part),
    ``subject`` the figures the hypothesis is about when it edits none (a blank cell's total).
    """

    cause: str
    relation: str
    edits: tuple[Edit, ...]
    detail: str = ""
    extra: tuple[Figure, ...] = ()
    relation_only: bool = False  # explains its own relation only (no figure is wrong)
    _key: tuple[object, ...] | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def key(self) -> tuple[object, ...]:
        """What two candidates proposing the same correction share (computed once)."""
        done = self._key
        if done is None:
            done = (
                self.cause if self.relation_only or not self.edits else "",
                tuple((e.figure.ref, None if e.value is None else base_value(e.value, e.unit)) for e in self.edits),
                tuple(f.ref for f in self.extra),
                self.relation if self.relation_only else "",
            )
            object.__setattr__(self, "_key", done)
        return done


@dataclass(frozen=True, slots=True)
class Culprit:
    """A figure of a diagnosis, as the outputs show it: stated, and likely."""

    figure: Figure
    likely: str | None  # the corrected text (``10000 万元``), None when no value is proposed


@dataclass(frozen=True, slots=True)
class Diagnosis:
    """Why one failing relation fails: a cause, a root shared by the findings one slip explains."""

    cause: str
    severity: str
    root: str
    text: str
    figures: tuple[Culprit, ...]
    explains: tuple[str, ...]
    applicability: Applicability
    corrections: int = 1  # how many figure corrections the relation needs

    @property
    def likely(self) -> str | None:
        return self.figures[0].likely if self.figures else None


@dataclass(frozen=True, slots=True)
class Context:
    """What a cause may read: the tolerance, every relation a figure sits in, all failing ones."""

    tolerance: Tolerance
    uses: Mapping[str, Sequence[Relation]]
    failing: Sequence[Relation]
    nearby: Mapping[str, Sequence[Figure]] = field(default_factory=dict)  # yaml file -> figures
    differences: dict[str, Fraction | None] = field(default_factory=dict)  # relation id -> total − Σ parts

    _targets: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)
    _by_line: dict[tuple[str, str, int], list[Figure]] = field(default_factory=dict)
    _by_difference_line: dict[tuple[Fraction | None, Loc | None], dict[str, list[tuple[int, Relation]]]] = field(
        default_factory=dict
    )

    def failing_with_difference_on(
        self, diff: Fraction, lines: Iterable[Loc], besides: Collection[str] = ()
    ) -> list[Relation]:
        """The failing relations whose difference is ``diff`` and that have a figure on one of the
        YAML ``lines`` (each a file and a line) other than the figures ``besides`` (refs), in the
        order of :attr:`failing` (indexed once per context: no scan per relation).

        A relation found only through a figure of ``besides`` is left out: the relations that
        share one figure (a total that a thousand one-line sums repeat) are not listed to each
        other, which made the listing quadratic."""
        if not self._by_difference_line:
            self._by_difference_line[None, None] = {}  # built, even when nothing fails
            for at, rel in enumerate(self.failing):
                d = self.difference(rel)
                for f in {f.ref: f for f in (rel.total, *rel.parts)}.values():
                    self._by_difference_line.setdefault((d, f.yaml), {}).setdefault(f.ref, []).append((at, rel))
        found: dict[int, Relation] = {}
        for line in lines:
            for ref, entries in self._by_difference_line.get((diff, line), {}).items():
                if ref not in besides:
                    found.update(entries)
        return [found[at] for at in sorted(found)]

    def nearby_on(self, yaml_file: str, source_file: str, line: int) -> Sequence[Figure]:
        """The figures of ``yaml_file`` cited on ``source_file:line`` (indexed once per context)."""
        if not self._by_line:
            self._by_line["", "", 0] = []
            for file, figures in self.nearby.items():
                for fig in figures:
                    self._by_line.setdefault((file, fig.source.file, fig.source.line), []).append(fig)
        return self._by_line.get((yaml_file, source_file, line), ())

    def near_target(self, rel: Relation, fig: Figure, value: Written, unit: Unit) -> bool:
        """A cheap filter before re-judging: ``value`` is within 5 % of the value ``rel`` asks of ``fig``."""
        if rel.kind == "product":
            return True
        return _near_target(self.target(rel, fig), value, unit)

    def target(self, rel: Relation, fig: Figure) -> tuple[int, int] | None:
        """The value ``rel`` asks of ``fig`` in the base unit, as (numerator, denominator), or ``None``
        (no such figure, or mixed dimensions); products are not filtered (see :meth:`near_target`)."""
        got = self._targets.get(rel.id)
        if got is None:
            got = self._targets[rel.id] = {
                f.ref: ((t * 10**f.unit.pow10).numerator, (t * 10**f.unit.pow10).denominator) for f, t in targets(rel)
            }
        return got.get(fig.ref)

    def difference(self, rel: Relation) -> Fraction | None:
        if rel.id not in self.differences:
            self.differences[rel.id] = difference(rel)
        return self.differences[rel.id]


def _near_target(target: tuple[int, int] | None, value: Written, unit: Unit) -> bool:
    """``value`` (in ``unit``) is within 5 % of ``target`` (see :meth:`Context.target`)."""
    return near_value(target, value.coefficient, value.exponent + unit.pow10)


def near_value(target: tuple[int, int] | None, coefficient: int, e: int) -> bool:
    """``coefficient × 10**e`` (base unit) is within 5 % of ``target`` (see :meth:`Context.target`)."""
    if target is None:
        return False
    num, den = target
    v_num: int = coefficient * 10 ** max(e, 0)
    v_den: int = 10 ** max(-e, 0)
    return bool(abs(v_num * den - num * v_den) * 20 <= abs(num) * v_den)


Propose = Callable[[Relation, Context], Iterable[Candidate]]


@dataclass(frozen=True, slots=True)
class Cause:
    """A cause of the catalogue: its id, title, severity, template and proposer; ``doc`` its docs.

    ``classify`` (for figure-correction causes) says whether an edit shows the cause's pattern.
    """

    id: str
    title: str
    severity: str
    template: str
    doc: str
    propose: Propose | None = None
    classify: Callable[[Edit, Sequence[Relation]], bool] | None = None


# ---------------------------------------------------------------- exact arithmetic


def base_value(w: Written, unit: Unit) -> Fraction:
    """The figure's value in its dimension's base unit (元, 人 …), exactly."""
    e = w.exponent + unit.pow10
    return Fraction(w.coefficient * 10**e) if e >= 0 else Fraction(w.coefficient, 10**-e)


def holds(rel: Relation, tolerance: Tolerance) -> bool:
    try:
        return verdict(rel, tolerance) in HOLDS
    except Exception:  # a relation a correction makes unjudgeable does not hold
        return False


def judged(rel: Relation, tolerance: Tolerance) -> Verdict:
    return verdict(rel, tolerance)


def judged_with(
    rel: Relation, figures: Mapping[str, Figure], tolerance: Tolerance, extra: Sequence[Figure] = ()
) -> Verdict:
    """The verdict of :func:`substituted` ``(rel, figures, extra)``, without building that relation."""
    if not figures and not extra:
        return verdict(rel, tolerance)
    get = figures.get
    total = get(rel.total.ref, rel.total)
    parts = tuple([get(p.ref, p) for p in rel.parts])
    if extra:
        parts += tuple(extra)
    return verdict_of(rel, total, parts, tolerance)


def holds_with(
    rel: Relation, figures: Mapping[str, Figure], tolerance: Tolerance, extra: Sequence[Figure] = ()
) -> bool:
    """:func:`holds` of :func:`substituted` ``(rel, figures, extra)``, without building that relation."""
    try:
        return judged_with(rel, figures, tolerance, extra) in HOLDS
    except Exception:  # a relation a correction makes unjudgeable does not hold
        return False


def substituted(rel: Relation, figures: Mapping[str, Figure], extra: Sequence[Figure] = ()) -> Relation:
    """``rel`` with the figures of ``figures`` (by ref) put in place of the stated ones."""
    if not extra and rel.total.ref not in figures and not any(p.ref in figures for p in rel.parts):
        return rel
    total = figures.get(rel.total.ref, rel.total)
    parts = tuple(figures.get(p.ref, p) for p in rel.parts) + tuple(extra)
    return rel.with_figures(total, parts)


def _factor_pow(f: Figure) -> int:
    return f.unit.pow10 - 2 if f.unit.dimension == "percent" else f.unit.pow10


def product_shifts(rel: Relation, fig: Figure) -> Callable[[int], bool]:
    """For a product ``rel``: whether moving ``fig``'s decimal point ``k`` places may make it hold.

    A necessary condition, cheaper than judging: with ``δ`` half a unit of a figure's last
    written digit (at least the allowance any tolerance gives it), ``total = a × b`` holds only
    if ``|total − a·b| ≤ |a|·δb + |b|·δa + δa·δb + δtotal``. Moving a figure's point ``k``
    places multiplies it and its ``δ`` by ``10**k`` (a number written whole by the move has a
    smaller ``δ``), so the product's side scales by ``10**k``. Always true when ``fig`` is not
    exactly one of the three figures.
    """
    total, parts = rel.total, rel.parts
    if len(parts) != 2 or sum(f.ref == fig.ref for f in (total, *parts)) != 1:
        return lambda k: True
    a, b = parts
    ca, cb, ct = a.value.coefficient, b.value.coefficient, total.value.coefficient
    ea, eb = a.value.exponent + _factor_pow(a), b.value.exponent + _factor_pow(b)
    et = total.value.exponent + total.unit.pow10
    g = min(ea + eb - 2, et - 1)  # every term below an integer on the grid 10**g
    product: int = ca * cb * 10 ** (ea + eb - g)
    stated: int = ct * 10 ** (et - g)
    spread: int = (abs(ca) + abs(cb)) * 5 * 10 ** (ea + eb - 1 - g) + 25 * 10 ** (ea + eb - 2 - g)
    half: int = 5 * 10 ** (et - 1 - g)
    sign = -1 if fig.ref == total.ref else 1  # the total moved k places: the product moved −k

    def may(k: int) -> bool:  # |stated − product·10**j| ≤ spread·10**j + half, j = ±k, in integers
        j = sign * k
        up: int = 10 ** abs(j)
        if j >= 0:
            return abs(stated - product * up) <= spread * up + half
        return abs(stated * up - product) <= spread + half * up  # both sides × 10**−j

    return may


def _factor(f: Figure) -> Fraction:
    e = f.value.exponent + _factor_pow(f)
    return Fraction(f.value.coefficient * 10**e) if e >= 0 else Fraction(f.value.coefficient, 10**-e)


def _grid(figs: Sequence[Figure]) -> int:
    return min(f.value.exponent + f.unit.pow10 for f in figs)


def _on(f: Figure, e: int) -> int:
    """The figure's value in base units on the grid 10**e (e at most its finest digit)."""
    shift: int = f.value.exponent + f.unit.pow10 - e
    return f.value.coefficient * int(10**shift)


def _in_unit(n: int, e: int, unit: Unit) -> Fraction:
    """``n × 10**e`` base units, in ``unit``."""
    k = e - unit.pow10
    return Fraction(n * 10**k) if k >= 0 else Fraction(n, 10**-k)


def targets(rel: Relation) -> list[tuple[Figure, Fraction]]:
    """For each figure of ``rel``, the value (in its own unit) that makes ``rel`` hold exactly."""
    out: list[tuple[Figure, Fraction]] = []
    if rel.kind == "product":
        a, b = rel.parts
        t = base_value(rel.total.value, rel.total.unit)
        fa, fb = _factor(a), _factor(b)
        out.append((rel.total, fa * fb / Fraction(10) ** rel.total.unit.pow10))
        if fb:
            out.append((a, t / fb / Fraction(10) ** _factor_pow(a)))
        if fa:
            out.append((b, t / fa / Fraction(10) ** _factor_pow(b)))
        return out
    parts = rel.parts[-1:] if rel.kind == "cumulative" else rel.parts
    figs = (rel.total, *parts)
    if len({f.unit.dimension for f in figs}) != 1:
        return out
    e = _grid(figs)
    values = [_on(p, e) for p in parts]
    s = sum(values)
    diff = _on(rel.total, e) - s
    out.append((rel.total, _in_unit(s, e, rel.total.unit)))
    for p, v in zip(parts, values, strict=True):
        out.append((p, _in_unit(v + diff, e, p.unit)))
    return out


def difference(rel: Relation) -> Fraction | None:
    """total − Σ parts in the base unit (``None`` for products or mixed dimensions)."""
    if rel.kind == "product" or len({f.unit.dimension for f in (rel.total, *rel.parts)}) != 1:
        return None
    parts = rel.parts[-1:] if rel.kind == "cumulative" else rel.parts
    e = _grid((rel.total, *parts))
    n = _on(rel.total, e) - sum(_on(p, e) for p in parts)
    return Fraction(n * 10**e) if e >= 0 else Fraction(n, 10**-e)


def written(x: Fraction, max_decimals: int = 6) -> Written | None:
    """``x`` as exact decimal digits, or ``None`` when it needs more than ``max_decimals``."""
    return written_fraction(x.numerator, x.denominator, max_decimals)


def written_fraction(n: int, q: int, max_decimals: int = 6) -> Written | None:
    """:func:`written` of the reduced fraction ``n / q`` (``q > 0``), without building a Fraction."""
    if max_decimals < 0:
        return None
    if q == 1:
        return Written(n, 0)
    # the fewest decimals d with q | 10**d (then no trailing zero is left to trim): q = 2**a 5**b
    a = (q & -q).bit_length() - 1
    r, b = trailing(q >> a, 5)
    d = max(a, b)
    if r != 1 or d > max_decimals:
        return None
    return Written(n * 10**d // q, -d)


def _near(num: int, den: int, exponent: int, up: bool) -> Written:
    """``num / den`` to the digit 10**exponent: rounded half away from zero (``up``) or cut."""
    if exponent <= 0:
        num *= 10**-exponent
    else:
        den *= 10**exponent
    r, rem = divmod(abs(num), den)
    if up and 2 * rem >= den:
        r += 1
    return Written(r if num >= 0 else -r, exponent)


def rounded(x: Fraction, exponent: int) -> Written:
    """``x`` rounded half away from zero to the digit 10**exponent."""
    return _near(x.numerator, x.denominator, exponent, True)


def truncated(x: Fraction, exponent: int) -> Written:
    return _near(x.numerator, x.denominator, exponent, False)


def _trim(w: Written) -> Written:
    c, zeros = trailing(w.coefficient, 10, -w.exponent)
    return Written(c, w.exponent + zeros)


def shifted(w: Written, k: int) -> Written:
    """``w`` with its decimal point moved ``k`` places (× 10**k); a whole number is written whole."""
    moved = Written(w.coefficient, w.exponent + k)
    return Written(moved.coefficient * 10**moved.exponent, 0) if moved.exponent > 0 else moved


def digits_at(w: Written, exponent: int) -> str:
    """The written digits of ``w`` aligned to the digit 10**exponent (``exponent`` ≤ w's)."""
    return str(abs(w.coefficient) * 10 ** (w.exponent - exponent))


# the units one slip of the pen turns into each other, per dimension
LADDERS = {
    "money": ("元", "万元", "亿元"),
    "people": ("人", "万人"),
    "area-mu": ("亩", "万亩"),
    "person-times": ("人次", "万人次"),
}
# a rounding or truncation is no further than this from the value it stands for
NEAR = Fraction(5, 100)  # 0.26 for 0.266 is 2.3 % off: two significant digits cut


def sibling_units(unit: Unit) -> list[Unit]:
    """The other units of ``unit``'s ladder (元 → 万元, 亿元)."""
    return [parse_unit(u) for u in LADDERS.get(unit.dimension, ()) if u != unit.text]


def precision(w: Written, zeros: bool = True) -> int:
    """The exponent of the last written digit that may be a rounding (73000 → 3, 7.38 → -2, 190 → 0).

    An integer's trailing zeros count as rounding only from two of them on (73000 may stand
    for 73851; 190 is as likely exact), and only when ``zeros``.
    """
    if w.exponent < 0 or w.coefficient == 0 or not zeros:
        return w.exponent
    stripped = trailing(abs(w.coefficient), 10)[1]
    return w.exponent + stripped if stripped >= 2 else w.exponent


# rules relating two statements of one quantity: there a whole 73000 may stand for 73851
RESTATED = frozenset({"repeat", "cross-document", "unit-cost"})


def near_reading(edit: Edit, how: Callable[[Fraction, int], Written], rels: Sequence[Relation] = ()) -> bool:
    """The figure is ``how`` (rounded or truncated) of the more precise value the edit gives.

    An integer's trailing zeros are read as rounding only in ``rels`` restating one quantity.
    """
    old, new = edit.figure.value, edit.value
    if new is None or old.coefficient == 0 or new.coefficient == 0:
        return False
    p = precision(old, any(r.rule in RESTATED for r in rels))
    k = new.exponent + edit.unit.pow10 - edit.figure.unit.pow10  # the new value is c × 10**k in the old unit
    if k >= p:  # not more precise: no reading
        return False
    # exact integers on the grid 10**m: x the new value, o the stated one
    m = min(k, old.exponent)
    x = new.coefficient * 10 ** (k - m)
    o = old.coefficient * 10 ** (old.exponent - m)
    if abs(o - x) * NEAR.denominator > NEAR.numerator * abs(x):
        return False
    if how is rounded or how is truncated:
        up = how is rounded
        got = _near(x, 10**-m, p, up) if m < 0 else _near(x * 10**m, 1, p, up)
    else:
        got = how(Fraction(x * 10**m) if m >= 0 else Fraction(x, 10**-m), p)
    return got.coefficient * 10 ** (got.exponent - old.exponent) == old.coefficient if p >= old.exponent else False


def same_value(a: Written, b: Written) -> bool:
    """``a`` and ``b`` are the same number (``12.10`` and ``12.1``), compared exactly."""
    m = min(a.exponent, b.exponent)
    left: int = a.coefficient * 10 ** (a.exponent - m)
    right: int = b.coefficient * 10 ** (b.exponent - m)
    return left == right


def significant(w: Written) -> str:
    """The significant digits (331015 and 33101.5 both ``331015``)."""
    return str(abs(w.coefficient)).rstrip("0") or "0"


def label(fig: Figure) -> str:
    return i18n._("{label} (line {line})").format(label=f"{fig.label} {fig.text}", line=fig.source.line)
