"""Localisation: combine the causes' candidates across every failing relation, as cross-footing does.

Each cause proposes candidate corrections for each failing relation, and so does the residual
(each figure set to the value that makes the relation hold exactly). Every candidate is
re-judged exactly (:func:`fundaudit.judge.verdict`) in *every* relation its figures sit in:
it *explains* the failing relations it makes hold and is dropped if it breaks one that holds.
The candidate explaining the most relations wins (then the cause's place in the registry,
then the fewest changed digits); its relations share one ``root``. Accepted corrections stay
applied, and the relations left are tried again (up to ``ROUNDS`` times), so a relation that
needs two corrections says so and joins the roots of both.

A cause that raises is noted (``notes``) and skipped: diagnosis is advice and never changes a
verdict. This module is not a cause.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

from fundaudit import i18n
from fundaudit.causes import REGISTRY
from fundaudit.causes._base import (
    WARNING,
    Applicability,
    Candidate,
    Cause,
    Context,
    Culprit,
    Diagnosis,
    Edit,
    difference,
    digits_at,
    holds,
    judged,
    label,
    rounded,
    substituted,
    targets,
    written,
)
from fundaudit.causes.unexplained import NO_PATTERN, NO_SINGLE
from fundaudit.findings import HOLDS, Relation, Verdict
from fundaudit.model import Figure
from fundaudit.tolerance import Tolerance

ROUNDS = 3
LENIENT = frozenset({"truncation", "coarser-rounding"})
FIXED = frozenset({Verdict.MATCH, Verdict.ROUNDING})  # a partial list made "within" is not fixed
RIVALS = 3  # figures listed after the culprit


@dataclass(eq=False)
class _Hyp:
    cand: Candidate
    cause: str = ""
    explains: tuple[str, ...] = ()
    order: tuple[object, ...] = ()
    group: int = -1


@dataclass(frozen=True)
class Result:
    diagnoses: dict[str, Diagnosis]
    notes: tuple[str, ...] = ()
    corrected: dict[str, Figure] = field(default_factory=dict)


def residual(rel: Relation, ctx: Context) -> Iterator[Candidate]:
    """Each figure set to the value that makes ``rel`` hold exactly (or within its rounding)."""
    for fig, t in targets(rel):
        if t < 0 or (t == 0 and fig.value.coefficient != 0):
            continue
        found = []
        w = written(t, fig.value.decimals + 4)
        if w is not None:
            found.append(w)
        else:
            for d in range(1, 5):
                w = rounded(t, fig.value.exponent - d)
                if holds(substituted(rel, {fig.ref: Edit(fig, w, fig.unit).applied()}), ctx.tolerance):
                    found.append(w)
                    break
        same = rounded(t, fig.value.exponent)
        if (
            same not in found
            and same != fig.value
            and holds(substituted(rel, {fig.ref: Edit(fig, same, fig.unit).applied()}), ctx.tolerance)
        ):
            found.append(same)
        for w in found:
            if w != fig.value:
                yield Candidate("", rel.id, (Edit(fig, w, fig.unit),))


def _plainer(a: Candidate, b: Candidate) -> bool:
    """Of two readings of the same value the one with fewer digits (10000 万元, not 100000000 元)."""

    def size(c: Candidate) -> tuple[int, int]:
        return (
            sum(len(str(abs(e.value.coefficient))) for e in c.edits if e.value is not None),
            sum(e.unit != e.figure.unit for e in c.edits),
        )

    return size(a) < size(b)


def _significant_length(edit: Edit) -> int:
    return 0 if edit.value is None else len(str(abs(edit.value.coefficient)).rstrip("0"))


def _changed_digits(edit: Edit) -> int:
    if edit.value is None:
        return 0
    e = min(edit.value.exponent, edit.figure.value.exponent)
    a, b = digits_at(edit.figure.value, e), digits_at(edit.value, e)
    return abs(len(a) - len(b)) + sum(x != y for x, y in zip(a[::-1], b[::-1], strict=False))


def diagnose(
    failing: Sequence[Relation],
    uses: Mapping[str, Sequence[Relation]],
    tolerance: Tolerance,
    causes: Sequence[Cause] = REGISTRY,
    nearby: Mapping[str, Sequence[Figure]] | None = None,
) -> Result:
    """A diagnosis for each failing relation (keyed by relation id)."""
    order = {c.id: i for i, c in enumerate(causes)}
    by_cause = {c.id: c for c in causes}
    failing_ids = {r.id for r in failing}
    by_id = {r.id: r for r in failing}
    subs: dict[str, Figure] = {}
    fixed_by: dict[str, _Hyp] = {}  # ref -> the hypothesis that corrected it
    assigned: dict[str, tuple[_Hyp, list[_Hyp]]] = {}
    accepted: list[_Hyp] = []
    notes: list[str] = []
    for _round in range(ROUNDS):
        remaining = [substituted(r, subs) for r in failing if r.id not in assigned]
        if not remaining:
            break
        ctx = Context(tolerance, uses, remaining, nearby or {})
        pool: dict[tuple[object, ...], _Hyp] = {}
        held: dict[str, bool] = {}  # relation id -> holds with the corrections accepted so far
        rel_of = {r.id: r for r in remaining}
        for rel in remaining:
            for cand in _proposals(rel, ctx, causes, notes):
                known = pool.get(cand.key)
                if known is None or _plainer(cand, known.cand):
                    pool[cand.key] = _Hyp(cand)
        hyps = []
        for h in pool.values():
            h.cause = _classify(h, causes, [rel_of[h.cand.relation]])
            if _evaluate(h, subs, uses, failing_ids, assigned, tolerance, held):
                hyps.append(h)
        for h in hyps:
            h.cause = _classify(h, causes, [by_id[x] for x in h.explains])
            h.order = (
                -len(h.explains),
                order.get(h.cause, len(order)),
                0 if any(by_id[x].total.ref == e.figure.ref for x in h.explains for e in h.cand.edits) else 1,
                sum(_significant_length(e) for e in h.cand.edits),  # budgets are round: 2000, not 1334
                sum(_changed_digits(e) for e in h.cand.edits),
                h.cand.key.__repr__(),
            )
        hyps.sort(key=lambda h: h.order)
        explaining: dict[str, list[_Hyp]] = {}  # relation id -> the hypotheses that explain it, best first
        for h in hyps:
            for rid in h.explains:
                explaining.setdefault(rid, []).append(h)
        progress = False
        for h in hyps:
            if any(e.figure.ref in subs for e in h.cand.edits):
                continue
            if not _evaluate(h, subs, uses, failing_ids, assigned, tolerance, held):
                continue
            for rid in h.explains:
                assigned[rid] = (h, [g for g in explaining.get(rid, ()) if g is not h and rid in g.explains][:RIVALS])
            h.group = len(accepted)
            accepted.append(h)
            progress = True
            if h.cause in LENIENT:  # a rounding is right as stated: nothing to correct downstream
                continue
            for e in h.cand.edits:
                subs[e.figure.ref] = e.applied()
                fixed_by[e.figure.ref] = h
            if h.cand.edits:
                held.clear()  # the world changed: relations are judged again
            progress = True
        if not progress:
            break
    groups = _roots(failing, assigned, fixed_by, accepted)
    out: dict[str, Diagnosis] = {}
    for rel in failing:
        if rel.id in assigned:
            h, rivals = assigned[rel.id]
            head = accepted[groups[h.group]]
            out[rel.id] = _diagnosis(rel, h, rivals, fixed_by, _root_id(head), by_cause)
        else:
            out[rel.id] = _unexplained(rel)
    return Result(out, tuple(notes), subs)


def _proposals(rel: Relation, ctx: Context, causes: Sequence[Cause], notes: list[str]) -> Iterator[Candidate]:
    for cause in causes:
        if cause.propose is None:
            continue
        try:
            yield from list(cause.propose(rel, ctx))
        except Exception as exc:  # a crashing cause is noted; diagnosis is advice
            notes.append(f"cause {cause.id!r} could not run on {rel.id}: {type(exc).__name__}: {exc}")
    try:
        yield from list(residual(rel, ctx))
    except Exception as exc:
        notes.append(f"residual could not run on {rel.id}: {type(exc).__name__}: {exc}")


def _evaluate(
    h: _Hyp,
    subs: Mapping[str, Figure],
    uses: Mapping[str, Sequence[Relation]],
    failing_ids: set[str],
    assigned: Mapping[str, object],
    tolerance: Tolerance,
    held: dict[str, bool],
) -> bool:
    """Set ``h.explains``; False when it explains nothing new or breaks a relation that holds."""
    cand = h.cand
    if cand.relation_only:
        h.explains = () if cand.relation in assigned else (cand.relation,)
        return bool(h.explains)
    world = dict(subs)
    for e in cand.edits:
        world[e.figure.ref] = e.applied()
    seen: dict[str, Relation] = {}
    for e in cand.edits:
        for rel in uses.get(e.figure.ref, ()):
            seen.setdefault(rel.id, rel)
    explains = []
    lenient = h.cause in LENIENT  # a rounding is right as stated: the exact value may break others
    for rid, rel in seen.items():
        before = held.get(rid)
        if before is None:
            before = held[rid] = holds(substituted(rel, subs), tolerance)
        after = judged(substituted(rel, world), tolerance)
        if before and after not in HOLDS and not lenient:
            return False
        if after in FIXED and not before and rid in failing_ids and rid not in assigned:
            explains.append(rid)
    h.explains = tuple(sorted(explains))
    return bool(explains)


def _classify(h: _Hyp, causes: Sequence[Cause], explained: Sequence[Relation]) -> str:
    cand = h.cand
    if cand.relation_only or cand.cause == "misplaced-amount":
        return cand.cause
    edit = cand.edits[0]
    for cause in causes:
        if cause.classify is not None and cause.classify(edit, explained):
            return cause.id
    return "unexplained"


def _roots(
    failing: Sequence[Relation],
    assigned: Mapping[str, tuple[_Hyp, list[_Hyp]]],
    fixed_by: Mapping[str, _Hyp],
    accepted: Sequence[_Hyp],
) -> dict[int, int]:
    """Union the hypotheses a relation needed together: group index -> root group index."""
    parent = list(range(len(accepted)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for rel in failing:
        if rel.id not in assigned:
            continue
        h = assigned[rel.id][0]
        for fig in (rel.total, *rel.parts):
            other = fixed_by.get(fig.ref)
            if other is not None and other is not h:
                a, b = find(h.group), find(other.group)
                parent[max(a, b)] = min(a, b)
    return {i: find(i) for i in range(len(accepted))}


def _root_id(h: _Hyp) -> str:
    if h.cand.edits:
        return h.cand.edits[0].figure.ref
    return h.cand.relation


def _diagnosis(
    rel: Relation,
    h: _Hyp,
    rivals: Sequence[_Hyp],
    fixed_by: Mapping[str, _Hyp],
    root: str,
    by_cause: Mapping[str, Cause],
) -> Diagnosis:
    cand = h.cand
    figures: list[Culprit] = [Culprit(e.figure, e.new_text or None) for e in cand.edits]
    figures += [Culprit(f, None) for f in cand.extra]
    earlier = [
        (fig, fixed_by[fig.ref])
        for fig in (rel.total, *rel.parts)
        if fig.ref in fixed_by and fixed_by[fig.ref] is not h
    ]
    for fig, g in earlier:
        e = next(e for e in g.cand.edits if e.figure.ref == fig.ref)
        figures.append(Culprit(fig, e.new_text))
    for g in rivals:
        for e in g.cand.edits:
            if all(c.figure.ref != e.figure.ref for c in figures):
                figures.append(Culprit(e.figure, e.new_text or None))
    if not figures:
        figures.append(Culprit(rel.total, None))
    cause = by_cause.get(h.cause)
    text = _text(rel, h, cause, figures[0])
    corrections = len(cand.edits) + len({fig.ref for fig, _ in earlier})
    if earlier:
        text += i18n._("; after correcting ") + i18n._(", ").join(
            i18n._("{figure} to {value}").format(figure=label(f), value=c.likely)
            for f, c in zip([f for f, _ in earlier], figures[len(cand.edits) + len(cand.extra) :], strict=False)
        )
    if len(h.explains) > 1:
        text += i18n._("; one correction resolves {n} findings").format(n=len(h.explains))
    severity = cause.severity if cause is not None else "error"
    if h.cause == "unexplained" and rel.empty:
        severity = WARNING
    contenders = [g for g in rivals if g.cause != "unexplained" and len(g.explains) >= len(h.explains)]
    likely = len(h.explains) >= 2 or (not contenders and h.cause != "unexplained")
    return Diagnosis(
        cause=h.cause,
        severity=severity,
        root=root,
        text=text,
        figures=tuple(figures),
        explains=h.explains,
        applicability=Applicability.LIKELY if likely else Applicability.POSSIBLE,
        corrections=corrections,
    )


def _text(rel: Relation, h: _Hyp, cause: Cause | None, first: Culprit) -> str:
    diff = difference(rel)
    unit = rel.total.unit
    shown = "" if diff is None else _plain(diff / Fraction(10) ** unit.pow10)
    detail = h.cand.detail
    if h.cause == "unexplained":
        detail = i18n._(NO_PATTERN).format(culprit=label(first.figure), likely=first.likely)
    if h.cause == "misplaced-amount" and len(h.cand.edits) == 2:
        a, b = h.cand.edits
        moved = _plain(abs(a.figure.value.to_decimal() - (a.value.to_decimal() if a.value else 0)))
        detail = i18n._("{amount} {unit} of {figure}").format(amount=moved, unit=a.unit.text, figure=label(a.figure))
        return (i18n._(cause.template) if cause else "{detail}").format(
            detail=detail,
            likely=i18n._("{figure} (then {a} and {b})").format(figure=label(b.figure), a=a.new_text, b=b.new_text),
        )
    template = i18n._(cause.template) if cause is not None else "{detail}"
    return template.format(
        culprit=label(first.figure),
        likely=first.likely,
        detail=detail,
        difference=shown,
        unit=unit.text,
        count=detail,
    )


def _plain(x: object) -> str:
    if isinstance(x, Fraction):
        w = written(x, 8)
        return w.text() if w is not None else str(x)
    return str(x)


def _unexplained(rel: Relation) -> Diagnosis:
    return Diagnosis(
        cause="unexplained",
        severity=WARNING if rel.empty or rel.missing else "error",
        root=rel.id,
        text=i18n._(NO_SINGLE),
        figures=(),
        explains=(rel.id,),
        applicability=Applicability.POSSIBLE,
        corrections=0,
    )
