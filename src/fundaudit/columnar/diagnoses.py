"""The diagnosis of a large audit, one independent group of failing relations at a time.

:func:`fundaudit.causes.localise.diagnose` weighs every failing relation's candidate
corrections against each other. Two failing relations can only interact when a candidate
of one touches a figure of the other, and a candidate touches the figures of its own
relation and those the causes read near it — figures of the same YAML file (omitted part)
or of a failing relation with the opposite difference and a figure on the same line of the
same YAML file (misplaced amount). So the failing relations fall into *groups*: relations
joined by a YAML file one of their figures is in. Each group is diagnosed on its own, with the same
``uses`` and ``nearby`` figures the whole run would give it, and gives the diagnoses the
whole run gives; what differs is what is held at once: one group's relations, never all.

A group of :data:`~fundaudit.causes.bulk.ARRAYS` failing relations or more is diagnosed from
its columns (:func:`~fundaudit.columnar.group.diagnose_rows`: the sums and products the arrays
settle are never made model objects, :mod:`fundaudit.causes.bulk_columns`); the smaller groups
are read as objects many at a time. When no cache keeps the groups one by one, consecutive
large groups are diagnosed in one pass (:func:`joined`: the same diagnoses, the fixed cost of a
pass paid once). From :data:`_FORK_BATCHES` batches of :data:`CHUNK` failing
relations on, the batches of groups are diagnosed in worker processes forked from this one
(:mod:`fundaudit.forked`: on the command line, one per core; ``$FUNDAUDIT_JOBS=N`` for N): a
worker is sent a batch's rows, reads the relations from the columns it was forked with, and
sends back each group's encoded diagnoses, in the order of the groups (heavy 10^6 on 2 idle
cores: 18.3 s end to end against 27.2 s in one process; the workers of an earlier version,
started afresh and sent the relations as objects, cost more than they saved). They
wait encoded (:func:`fundaudit.columnar.group.encode`: plain tuples, pickled) in a temporary
file (spilled to disk past a few MiB) and are read back a group at a time as the findings
are worded (:meth:`Diagnoses.found`; the JSON is written from the plain tuples themselves,
:meth:`Diagnoses.encoded`), so that a run with a hundred thousand failing relations holds a
few groups' worth. When the diagnosis would be made in this process alone (one group, or too
few failing relations for two batches), the command line makes it in one worker forked beside
this process instead (:class:`Beside`), while the findings are worded up to their diagnoses.
"""

from __future__ import annotations

import os
import tempfile
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any

import numpy as np

from fundaudit.causes._base import Diagnosis
from fundaudit.columnar.arrays import Columns, take
from fundaudit.columnar.group import Decoded, EncodedDiagnosis, diagnose_group, diagnose_rows
from fundaudit.columnar.groupcache import through
from fundaudit.findings import Relation
from fundaudit.i18n import _
from fundaudit.progress import note
from fundaudit.tolerance import Tolerance

CHUNK = 4_096  # relations turned into model objects at a time to be diagnosed (many small groups at once)
_SPOOL = 16 * 1024 * 1024  # bytes of encoded diagnoses kept in memory before they go to disk
_FORK_BATCHES = 2  # batches of CHUNK failing relations from which the groups are diagnosed in worker processes
_HELD = 2 << 20  # bytes of encoded diagnoses whose groups are kept decoded at once (always the last one read)
JOINED = 3_000  # failing relations of consecutive large groups diagnosed in one pass when no cache keeps groups


def groups(columns: Columns, rows: np.ndarray[Any, Any]) -> list[list[int]]:
    """The failing relations at ``rows`` in independent groups, each in row order, groups by first row."""
    r, fig = columns.relations, columns.figures
    starts, ends = r.offsets[rows], r.offsets[rows + 1]
    sizes = (ends - starts) + 1  # each relation: its total, then its parts
    at = np.concatenate(([0], np.cumsum(sizes)))[:-1]
    members = np.empty(int(sizes.sum()), dtype=np.int64)
    members[at] = r.total[rows]
    rest = np.ones(len(members), dtype=bool)
    rest[at] = False
    # the parts' positions, relation after relation: each relation's run from its start
    counts = sizes - 1
    parts = np.arange(int(counts.sum()), dtype=np.int64) + np.repeat(starts - (np.cumsum(counts) - counts), counts)
    members[rest] = r.parts[parts]
    files = take(fig.yaml_file, members.tolist())
    code = dict.fromkeys(files)
    for k, file in enumerate(code):
        code[file] = k
    return components(np.asarray(rows), at, np.fromiter(map(code.__getitem__, files), np.int64, len(files)), len(code))


def components(
    rows: np.ndarray[Any, Any], at: np.ndarray[Any, Any], files: np.ndarray[Any, Any], count: int
) -> list[list[int]]:
    """``rows`` in groups joined by a file (``files[at[k]:at[k + 1]]``: row k's files' codes, of
    ``count``), each in row order, groups in the order of their first row.

    A relation whose figures are all in one file (nearly every one) joins nothing: its group is
    its file's. Only the files of the others are joined, one by one (as many as such relations'
    figures, whatever the shape of the data).
    """
    n = len(rows)
    if n == 0:
        return []
    low = np.minimum.reduceat(files, at)
    high = np.maximum.reduceat(files, at)
    parent = list(range(count))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    spanning = low != high
    if spanning.any():
        owner = np.repeat(np.arange(n), np.diff(np.append(at, len(files))))
        joined = spanning[owner]
        for file, first in zip(files[joined].tolist(), low[owner[joined]].tolist(), strict=True):
            a, b = find(file), find(first)
            if a != b:
                parent[max(a, b)] = min(a, b)
    root = np.fromiter(map(find, range(count)), np.int64, count)[low]
    _, first_row, group = np.unique(root, return_index=True, return_inverse=True)
    rank = np.empty(len(first_row), dtype=np.int64)
    rank[np.argsort(first_row, kind="stable")] = np.arange(len(first_row))
    order = np.argsort(rank[group], kind="stable")
    bounds = np.cumsum(np.bincount(rank[group], minlength=len(first_row)))[:-1]
    return [part.tolist() for part in np.split(rows[order], bounds)]


def joined(members: list[list[int]], least: int, size: int) -> list[list[int]]:
    """Consecutive groups of ``least`` relations or more joined, in row order, until a joined
    group holds ``size`` relations or more; smaller groups as they are.

    Independent groups diagnosed in one pass of the arrays
    (:func:`~fundaudit.columnar.group.diagnose_rows`) give each the diagnoses it gets alone (no
    candidate of one touches a figure of another), and the fixed cost of a pass — numpy calls
    on short arrays, ~20 ms — is paid once (heavy 10^6, 127 groups of ~800 relations: 8.0 s in
    127 passes, 6.2 s in 32). Not when the groups are cached one by one
    (:mod:`~fundaudit.columnar.groupcache`): an edit would then diagnose a joined group again.
    """
    out: list[list[int]] = []
    batch: list[list[int]] = []
    count = 0

    def flush() -> None:
        nonlocal batch, count
        if batch:
            out.append(batch[0] if len(batch) == 1 else sorted(row for group in batch for row in group))
        batch, count = [], 0

    for group in members:
        if len(group) < least:
            flush()
            out.append(group)
            continue
        batch.append(group)
        count += len(group)
        if count >= size:
            flush()
    flush()
    return out


def shown_order(columns: Columns, members: list[list[int]]) -> list[list[int]]:
    """The groups in the order their findings are shown: by the first YAML file (in
    :func:`~fundaudit.columnar.order.located`'s order) any of a group's relations is shown at,
    ties by first row. Groups joined in this order are each met by the chunks of findings in one
    run (joined in row order, whose files' order is the writer's, a chunk of findings met three
    joined groups, and the same groups again ten chunks later: each read back again)."""
    from fundaudit.columnar.order import places, ranks

    if len(members) < 2:
        return members
    files, _lines = places(columns, [row for group in members for row in group])
    starts = np.cumsum([0] + [len(group) for group in members[:-1]])
    key = np.minimum.reduceat(ranks(files), starts)
    return [members[k] for k in np.lexsort((np.arange(len(members)), key)).tolist()]


@dataclass(eq=False)
class Diagnoses:
    """Every failing relation's diagnosis, stored by group; :meth:`found` reads them back."""

    group_of: np.ndarray[Any, Any]  # int32 per relation: its group, -1 when it is not failing
    spool: IO[bytes] | None
    where: list[tuple[int, int]]  # per group: offset and length of its encoded diagnoses
    notes: tuple[str, ...] = ()
    _cache: dict[int, Decoded] = field(default_factory=dict)
    _held: int = 0  # bytes of the encoded diagnoses of the groups in _cache

    def found(self, rows: Sequence[int]) -> dict[str, Diagnosis]:
        """The diagnoses of the relations at ``rows`` (by id), their groups read from the spool."""
        out: dict[str, Diagnosis] = {}
        for group in self._groups(rows):
            out.update(group.diagnoses())
        return out

    def encoded(self, rows: Sequence[int], ids: Sequence[str]) -> dict[str, tuple[EncodedDiagnosis, Decoded]]:
        """The diagnoses of the relations at ``rows`` (whose ids are ``ids``) as the plain tuples
        they were sent in, each with its group (:class:`~fundaudit.columnar.group.Decoded`), for a
        writer that words them directly. Only those relations' (a group's every diagnosis, for
        each chunk of findings that shows some of them, cost 0.6 s on budget 10^7)."""
        at = self.group_of[np.asarray(rows, dtype=np.int64)].tolist()
        decoded = dict(zip(sorted({g for g in at if g >= 0}), self._groups(rows), strict=True))
        out: dict[str, tuple[EncodedDiagnosis, Decoded]] = {}
        for rid, g in zip(ids, at, strict=True):
            if g >= 0:
                group = decoded[g]
                row = group.rows.get(rid)
                if row is not None:
                    out[rid] = (row, group)
        return out

    def severities(self, rows: Sequence[int]) -> dict[str, EncodedDiagnosis]:
        """:meth:`found` as the plain tuples they were stored as (what a severity needs)."""
        out: dict[str, EncodedDiagnosis] = {}
        for group in self._groups(rows):
            out.update(group.rows)
        return out

    def _groups(self, rows: Sequence[int]) -> list[Decoded]:
        """The groups of the relations at ``rows``, read from the spool (a few kept at a time)."""
        wanted = sorted({int(g) for g in self.group_of[np.asarray(rows, dtype=np.int64)].tolist() if g >= 0})
        out = []
        for g in wanted:
            group = self._cache.get(g)
            if group is None:
                size = self.where[g][1]
                # a few groups at a time (the findings come in file order), a few MiB of them
                while self._cache and (len(self._cache) >= 4 or self._held + size > _HELD):
                    oldest = next(iter(self._cache))
                    del self._cache[oldest]
                    self._held -= self.where[oldest][1]
                assert self.spool is not None
                group = self._cache[g] = Decoded(self._read(*self.where[g]))
                self._held += size
            out.append(group)
        return out

    def _read(self, offset: int, size: int) -> bytes:
        """``size`` bytes of the spool from ``offset``. Once it is on disk, without moving the
        file's position: workers forked from this process (:mod:`fundaudit.forked`) share it."""
        assert self.spool is not None
        if getattr(self.spool, "_rolled", False):
            return os.pread(self.spool.fileno(), size, offset)
        self.spool.seek(offset)
        return self.spool.read(size)


def _results(
    columns: Columns, members: list[list[int]], tolerance: Tolerance, failing: int
) -> Iterator[tuple[bytes, tuple[str, ...]] | str]:
    """Each group's :func:`diagnose_group`, in group order: ``failing`` relations in all, in
    forked worker processes when there are many (:func:`fundaudit.forked.processes`), a batch of
    groups of :data:`CHUNK` relations or more to a worker, each sending back its groups' results
    (the columns are in the memory it was forked with); else here."""
    from fundaudit import forked
    from fundaudit.i18n import language

    lang = language()
    workers = _workers(members, failing)
    if workers <= 1:
        yield from _here(columns, members, tolerance, lang)
        return

    def batch(groups: list[list[int]]) -> list[tuple[bytes, tuple[str, ...]] | str]:
        return list(_here(columns, groups, tolerance, lang))

    for results in forked.ordered(batch, _batches(members), workers):
        yield from results


def _workers(members: list[list[int]], failing: int) -> int:
    """The processes :func:`_results` diagnoses ``members`` in (``failing`` relations in all)."""
    from fundaudit import forked

    return forked.processes(-(-failing // CHUNK), _FORK_BATCHES) if len(members) > 1 else 1


def _batches(members: list[list[int]]) -> Iterator[list[list[int]]]:
    """The groups in order, in batches of at least :data:`CHUNK` relations (the last may hold fewer)."""
    batch: list[list[int]] = []
    size = 0
    for group in members:
        batch.append(group)
        size += len(group)
        if size >= CHUNK:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def _here(
    columns: Columns, members: list[list[int]], tolerance: Tolerance, lang: str
) -> Iterator[tuple[bytes, tuple[str, ...]] | str]:
    """Each group's :func:`diagnose_group` in this process, in group order: a group large enough
    for the arrays from its columns (:func:`~fundaudit.columnar.group.diagnose_rows`), the small
    ones read as objects many groups at a time."""
    from fundaudit.causes import bulk

    at = 0
    while at < len(members):
        if len(members[at]) >= bulk.ARRAYS:
            yield diagnose_rows(columns, members[at], tolerance, lang)
            at += 1
            continue
        end = at
        while end < len(members) and len(members[end]) < bulk.ARRAYS:
            end += 1
        for relations in _relations(columns, members[at:end]):
            yield diagnose_group(relations, tolerance, lang)
        at = end


def _relations(columns: Columns, members: list[list[int]]) -> Iterator[list[Relation]]:
    """Each group's relations as model objects, in group order, read from the columns
    :data:`CHUNK` relations or more at a time (a column read per group costs as much for a
    small group as for a large one: many small groups were read a column at a time each)."""
    at = 0
    while at < len(members):
        batch: list[list[int]] = []
        size = 0
        while at < len(members) and (not batch or size + len(members[at]) <= CHUNK):
            batch.append(members[at])
            size += len(members[at])
            at += 1
        read = iter(columns.relations_at([row for group in batch for row in group]))
        for group in batch:
            yield [next(read) for _ in group]


def planned(columns: Columns, rows: np.ndarray[Any, Any]) -> list[list[int]]:
    """The groups the failing relations at ``rows`` are diagnosed in (:func:`groups`, :func:`joined`)."""
    from fundaudit.causes.bulk import ARRAYS
    from fundaudit.columnar.groupcache import keeps

    members = groups(columns, rows)
    if not keeps(columns):
        members = joined(shown_order(columns, members), ARRAYS, JOINED)
    return members


def diagnose_groups(
    columns: Columns, rows: np.ndarray[Any, Any], tolerance: Tolerance, members: list[list[int]] | None = None
) -> Diagnoses:
    """Diagnose the failing relations at ``rows`` group by group (see the module doc);
    ``members``: their groups when :func:`planned` made them already."""
    group_of = np.full(len(columns.relations), -1, dtype=np.int32)
    if members is None:
        members = planned(columns, rows)
    for g, group in enumerate(members):
        group_of[group] = g
    spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_SPOOL)  # noqa: SIM115 (lives with the audit)
    where: list[tuple[int, int]] = []
    notes: list[str] = []
    size = 0
    progress = _("{done} of {total} failing relations diagnosed")
    done = 0
    results = through(  # the groups stored in the cache are read, the others diagnosed
        columns, members, tolerance, lambda todo: _results(columns, todo, tolerance, sum(map(len, todo)))
    )
    try:
        for group, result in zip(members, results, strict=False):
            done += len(group)
            note(progress.format(done=f"{done:,}", total=f"{len(rows):,}"))
            if isinstance(result, str):
                spool.close()
                group_of[:] = -1
                return Diagnoses(group_of, None, [], (result,))
            data, said = result
            spool.write(data)
            where.append((size, len(data)))
            size += len(data)
            notes.extend(said)
        spool.flush()  # read back with os.pread once on disk (Diagnoses._read)
    except BaseException:  # Ctrl-C, SIGTERM, a full disk: the spool goes with the error
        spool.close()
        raise
    return _kept(Diagnoses(group_of, spool, where, tuple(notes)))


def _kept(diagnoses: Diagnoses) -> Diagnoses:
    if diagnoses.spool is not None:
        weakref.finalize(diagnoses, diagnoses.spool.close)  # closed with the audit, or at exit (never "unclosed file")
    return diagnoses


BESIDE = 2_000  # failing relations from which a diagnosis made in one process is made beside the wording

# what a worker diagnosing beside sends back: Diagnoses' group_of, its spool's bytes (None: it
# could not run), where and notes
_Sent = tuple[np.ndarray[Any, Any], bytes | None, list[tuple[int, int]], tuple[str, ...]]


class Beside:
    """:func:`diagnose_groups` made in a worker forked now (:class:`fundaudit.forked.Beside`),
    while this process words the findings up to their diagnoses
    (:meth:`fundaudit.report.pieces._Chunk.prepare`): when the diagnosis would be made in this
    process alone (one group, or too few failing relations to share among workers), the other
    core would otherwise wait for it. :meth:`result` gives the same :class:`Diagnoses`.

    Budget 10^6 (5,068 failing relations in one group, 7,565 findings shown): the diagnosis,
    ~1 s, and the wording, ~0.5 s, at the same time."""

    def __init__(self, columns: Columns, rows: np.ndarray[Any, Any], tolerance: Tolerance, members: list[list[int]]):
        from fundaudit import forked

        self._pending = forked.Beside(lambda: _sent(diagnose_groups(columns, rows, tolerance, members)))

    def done(self) -> bool:
        """Whether :meth:`result` would not wait."""
        return self._pending.done()

    def result(self) -> Diagnoses:
        group_of, data, where, notes = self._pending.result()
        if data is None:
            return Diagnoses(group_of, None, where, notes)
        spool: IO[bytes] = tempfile.SpooledTemporaryFile(max_size=_SPOOL)  # noqa: SIM115 (lives with the audit)
        spool.write(data)
        spool.flush()
        return _kept(Diagnoses(group_of, spool, where, notes))

    def close(self) -> None:
        """End the worker (its diagnoses no longer wanted)."""
        self._pending.close()


def beside(columns: Columns, rows: np.ndarray[Any, Any], tolerance: Tolerance) -> Beside | None:
    """The diagnosis of the failing relations at ``rows`` started :class:`Beside` this process,
    when it would be made here alone and a worker may be forked; ``None`` otherwise."""
    from fundaudit import forked

    if len(rows) < BESIDE or forked.processes(2) <= 1:
        return None
    members = planned(columns, rows)
    if _workers(members, len(rows)) > 1:
        return None  # shared among workers already (_results)
    return Beside(columns, rows, tolerance, members)


def _sent(diagnoses: Diagnoses) -> _Sent:
    """What a worker sends back of the diagnoses it made (:class:`Beside`)."""
    data = None
    if diagnoses.spool is not None:
        data = diagnoses._read(0, sum(size for _offset, size in diagnoses.where))
        diagnoses.spool.close()
    return diagnoses.group_of, data, diagnoses.where, diagnoses.notes
