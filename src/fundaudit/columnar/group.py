"""One group of failing relations diagnosed — in a worker process, or in the main one.

Kept apart from :mod:`fundaudit.columnar.diagnoses` so that a worker imports only the
diagnosis (numpy for the arrays of :mod:`fundaudit.causes.bulk_arrays`, no tables): it gets
one group's relations and sends back their diagnoses, encoded as plain tuples (:func:`encode`).
"""

from __future__ import annotations

import pickle
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from fundaudit.findings import Relation
from fundaudit.gcpause import paused
from fundaudit.model import Figure, Loc
from fundaudit.numbers import Written
from fundaudit.tolerance import Tolerance
from fundaudit.units import Unit

if TYPE_CHECKING:
    from fundaudit.causes._base import Diagnosis
    from fundaudit.causes.localise import Result
    from fundaudit.columnar.arrays import Columns

_ALLOWED: list[bool] = []  # set by the command line, whose main module a worker may start again


def allow_workers() -> None:
    """Let large loads, diagnoses and wordings run in worker processes (the command line calls this).

    A loading worker is a new interpreter (``spawn``) that imports the caller's main module
    again: a script that runs its work at import time (no ``if __name__ == "__main__":``) would
    run it once more in every worker. The diagnosis's and the wording's workers are forked
    (:mod:`fundaudit.forked`), which a process with threads of its own (a notebook's kernel)
    may not survive. So a library caller gets workers only when it asks for them with
    ``$FUNDAUDIT_JOBS``; the ``fundaudit`` command allows them here.
    """
    _ALLOWED[:] = [True]


def workers_allowed() -> bool:
    return bool(_ALLOWED)


def inputs(failing: Sequence[Relation]) -> tuple[dict[str, list[Relation]], dict[str, list[Figure]]]:
    """``uses`` (figure ref -> the relations it sits in) and ``nearby`` (YAML file -> its figures)
    of failing relations that are their own pool (data read from tables)."""
    uses: dict[str, list[Relation]] = {}
    for rel in failing:
        for f in (rel.total, *rel.parts):
            uses.setdefault(f.ref, []).append(rel)
    near: dict[str, dict[str, Figure]] = {}
    files = {rel.total.yaml.file for rel in failing}
    for rel in failing:
        for fig in (rel.total, *rel.parts):
            if fig.yaml.file in files:
                near.setdefault(fig.yaml.file, {}).setdefault(fig.ref, fig)
    return uses, {file: list(figs.values()) for file, figs in near.items()}


def diagnose_group(failing: Sequence[Relation], tolerance: Tolerance, lang: str) -> tuple[bytes, tuple[str, ...]] | str:
    """One group's pickled diagnoses and notes, or the words of the crash (in a worker, or here).

    ``lang``: the language of the diagnoses' words (a worker does not know ``--lang``).
    """
    from fundaudit.causes.bulk import settle
    from fundaudit.i18n import using

    with using(lang), paused():  # many small objects, none in a cycle: a collection frees nothing
        try:
            settled, left = settle(failing, tolerance)
            result = _localised(left, tolerance, inputs(failing)[1] if settled and left else None)
            if result.notes and settled:  # a cause crashed: noted once per round of the whole group
                settled, result = {}, _localised(failing, tolerance)
        except Exception as exc:  # as the whole run: a crash drops every diagnosis, verdicts stand
            return f"diagnosis could not run: {type(exc).__name__}: {exc}"
    found = result.diagnoses
    return encode({rel.id: settled[rel.id] if rel.id in settled else found[rel.id] for rel in failing}), result.notes


def diagnose_rows(
    columns: Columns, rows: Sequence[int], tolerance: Tolerance, lang: str
) -> tuple[bytes, tuple[str, ...]] | str:
    """:func:`diagnose_group` of the failing relations at ``rows`` of ``columns`` (one group, in
    its order), the same bytes: the relations bulk settles as arrays are read from the columns as
    numbers (:mod:`fundaudit.causes.bulk_columns`), only the others made model objects."""
    from fundaudit.causes import bulk
    from fundaudit.causes.bulk_columns import settle_columns
    from fundaudit.i18n import using

    if len(rows) < bulk.ARRAYS:  # no arrays: the objects' path
        return diagnose_group(columns.relations_at(rows), tolerance, lang)
    with using(lang), paused():
        try:
            got = settle_columns(columns, rows, tolerance)
        except Exception:  # the objects' path meets it again, and says so as it always has
            got = None
        if got is None:
            return diagnose_group(columns.relations_at(rows), tolerance, lang)
        try:
            objects, left = bulk.settle_screened(got.rest, got.diffs, got.ok, tolerance, arrays=False)
            settled: dict[str, Diagnosis | tuple[Any, ...]] = {**objects, **got.done}
            result = _apart(left, tolerance, _nearby_rows(columns, rows, left) if settled and left else None)
            if result.notes and settled:  # a cause crashed: noted once per round of the whole group
                settled, result = {}, _apart(columns.relations_at(rows), tolerance)
        except Exception as exc:  # as the whole run: a crash drops every diagnosis, verdicts stand
            return f"diagnosis could not run: {type(exc).__name__}: {exc}"
        found = result.diagnoses
        data = encode({rid: settled[rid] if rid in settled else found[rid] for rid in got.ids}), result.notes
        # freed while the collector is still off: else its first collection after would walk them all
        del got, objects, left, settled, result, found
    return data


def _apart(
    failing: Sequence[Relation], tolerance: Tolerance, near: Mapping[str, Sequence[Figure]] | None = None
) -> Result:
    """:func:`_localised` of each independent group of ``failing`` on its own (relations joined by
    a YAML file one of their figures is in, as :func:`fundaudit.columnar.diagnoses.groups` joins
    them), the diagnoses together, the notes one group's after another's: rows of several groups
    diagnosed in one pass of the arrays (:func:`fundaudit.columnar.diagnoses.joined`) get what
    each group gets alone, the localiser's bounds (``CARRY_BUDGET`` a round) spent group by group."""
    import numpy as np

    from fundaudit.causes.localise import Result
    from fundaudit.columnar.diagnoses import components

    code: dict[str, int] = {}  # each YAML file's number, in the order first met
    files = [code.setdefault(f.yaml.file, len(code)) for rel in failing for f in (rel.total, *rel.parts)]
    sizes = np.array([1 + len(rel.parts) for rel in failing], dtype=np.int64)
    groups = components(np.arange(len(failing)), np.cumsum(sizes) - sizes, np.array(files, dtype=np.int64), len(code))
    parts = [[failing[k] for k in group] for group in groups]
    if len(parts) <= 1:
        return _localised(failing, tolerance, near)
    found: dict[str, Diagnosis] = {}
    notes: list[str] = []
    for part in parts:
        own = {f.yaml.file for rel in part for f in (rel.total, *rel.parts)}  # its nearby figures: its files'
        got = _localised(part, tolerance, None if near is None else {k: v for k, v in near.items() if k in own})
        found.update(got.diagnoses)
        notes.extend(got.notes)
    return Result(found, tuple(notes))


def _localised(
    failing: Sequence[Relation], tolerance: Tolerance, near: Mapping[str, Sequence[Figure]] | None = None
) -> Result:
    """:func:`fundaudit.causes.localise.diagnose` of ``failing``, their own pool; ``near``: the
    figures an omitted part is looked for among, when the group had more failing relations
    (those bulk settled: their figures stay candidates, as when the localiser diagnoses all)."""
    from fundaudit.causes.localise import Result, diagnose

    if not failing:
        return Result({})
    uses, nearby = inputs(failing)
    return diagnose(failing, uses, tolerance, nearby=nearby if near is None else near)


def _nearby_rows(columns: Columns, rows: Sequence[int], left: Sequence[Relation]) -> dict[str, list[Figure]]:
    """``inputs``' ``nearby`` of the failing relations at ``rows`` (a group, in its order), kept
    to the figures an omitted part of a relation in ``left`` may be (its total's YAML and source
    file, within ``omitted_part.LINES`` lines): the same figures in the same order, read as
    objects for those lines only."""
    import numpy as np

    from fundaudit.causes.bulk_columns import flat_figures
    from fundaudit.causes.omitted_part import LINES
    from fundaudit.columnar.arrays import take

    windows: set[tuple[str, str, int]] = set()
    for rel in left:
        if rel.kind == "sum":
            src = rel.total.source
            windows.update((rel.total.yaml.file, src.file, n) for n in range(src.line - LINES, src.line + LINES + 1))
    if not windows:
        return {}
    fc = columns.figures
    flat = flat_figures(columns.relations, np.asarray(rows, dtype=np.int64)).figs  # total then parts, in order
    figs, first = np.unique(flat, return_index=True)
    figs = figs[np.argsort(first, kind="stable")]  # by first appearance, as inputs() keeps them
    figs = figs[np.isin(fc.source_line[figs], np.array(sorted({w[2] for w in windows}), dtype=np.int64))]
    near: dict[str, list[Figure]] = {}
    chosen = figs.tolist()
    places = zip(take(fc.yaml_file, chosen), take(fc.source_file, chosen), fc.source_line[figs].tolist(), strict=True)
    kept = [f for f, place in zip(chosen, places, strict=True) if place in windows]  # a left total's file
    own = {f.ref: f for rel in left for f in (rel.total, *rel.parts)}  # the same objects, as one pool has
    for fig in fc.figures_at(kept):
        near.setdefault(fig.yaml.file, []).append(own.get(fig.ref, fig))
    return near


def encode(diagnoses: Mapping[str, Diagnosis | tuple[Any, ...]]) -> bytes:
    """``diagnoses`` as bytes, for :func:`decode`: plain tuples pickled (a dataclass pickles
    field by field in Python), each culprit figure once per group, as pickle would share it.

    A diagnosis may already be a plain tuple (:data:`fundaudit.causes.bulk_arrays.Raw`: settled
    from columns), its culprits ``(record, likely)`` with the record the figure's row of the table;
    the relation was settled alone (no figure in common with another failing relation), so its
    records are no other diagnosis's and each goes into the table as it comes."""
    table: list[tuple[object, ...]] = []
    index: dict[int, int] = {}
    rows = []
    add = table.append
    for rid, d in diagnoses.items():
        culprits = []
        if type(d) is tuple:  # a Raw tuple: its records are its own (a relation settled alone)
            for record, likely in d[4]:
                culprits.append((len(table), likely))
                add(record)
            rows.append((rid, d[0], d[1], d[2], d[3], tuple(culprits), d[5], d[6], d[7]))
            continue
        assert not isinstance(d, tuple)
        for c in d.figures:
            f = c.figure
            at = index.get(id(f))
            if at is None:
                at = index[id(f)] = len(table)
                v, u, s, y = f.value, f.unit, f.source, f.yaml
                row = (f.ref, f.label, v.coefficient, v.exponent, u.text, u.dimension, u.pow10, s.file, s.line)
                table.append((*row, y.file, y.line, f.bound, f.note, f.drafted))
            culprits.append((at, c.likely))
        rows.append(
            (rid, d.cause, d.severity, d.root, d.text, tuple(culprits), d.explains, int(d.applicability), d.corrections)
        )
    return pickle.dumps((table, rows), protocol=pickle.HIGHEST_PROTOCOL)


def decode(data: bytes) -> dict[str, Diagnosis]:
    """The diagnoses :func:`encode` gave ``data``."""
    return Decoded(data).diagnoses()


class EncodedDiagnosis(NamedTuple):
    """One diagnosis as :func:`encode` sends it: the fields of
    :class:`~fundaudit.causes._base.Diagnosis`, its culprits as ``(at, likely)`` with ``at`` an
    index of its group's table of figures (:class:`Decoded`), its applicability a number."""

    id: str  # the relation's
    cause: str
    severity: str
    root: str
    text: str
    culprits: tuple[tuple[int, str | None], ...]
    explains: tuple[str, ...]
    applicability: int
    corrections: int


class Decoded:
    """One group's diagnoses as :func:`encode` left them: plain tuples, turned into
    :class:`~fundaudit.causes._base.Diagnosis` objects only when asked (:meth:`diagnoses`).

    ``rows``: each diagnosis by relation id (:class:`EncodedDiagnosis`), its culprits' ``at``
    an index of ``table`` (a figure's ``(ref, label, coefficient, exponent, unit text,
    dimension, pow10, source file, source line, YAML file, YAML line, bound, note, drafted)``). A writer that
    words the tuples directly (the JSON pieces) keeps what it makes of the table's figures in
    ``memo``, for as long as the group is read.
    """

    __slots__ = ("_objects", "memo", "rows", "table")

    def __init__(self, data: bytes) -> None:
        table, rows = pickle.loads(data)
        self.table: list[tuple[Any, ...]] = table
        self.rows: dict[str, EncodedDiagnosis] = {row[0]: EncodedDiagnosis._make(row) for row in rows}
        self.memo: dict[str, Any] = {}
        self._objects: dict[str, Diagnosis] | None = None

    def diagnoses(self) -> dict[str, Diagnosis]:
        """The diagnoses as objects, by relation id (built once)."""
        if self._objects is None:
            self._objects = self._build()
        return self._objects

    def _build(self) -> dict[str, Diagnosis]:
        from fundaudit.causes._base import Applicability, Culprit, Diagnosis

        units: dict[tuple[str, str, int], Unit] = {}
        figures = []
        for row in self.table:
            ref, label, coefficient, exponent, text, dimension, pow10, sf, sl, yf, yl, bound, note, drafted = row
            unit = units.get((text, dimension, pow10))
            if unit is None:
                unit = units[text, dimension, pow10] = Unit(text, dimension, pow10)
            figures.append(
                Figure(ref, label, Written(coefficient, exponent), unit, Loc(sf, sl), Loc(yf, yl), bound, note, drafted)
            )
        return {
            rid: Diagnosis(
                cause,
                severity,
                root,
                text,
                tuple(Culprit(figures[at], likely) for at, likely in culprits),
                explains,
                Applicability(applicability),
                corrections,
            )
            for rid, cause, severity, root, text, culprits, explains, applicability, corrections in self.rows.values()
        }
