"""A large audit's findings worded in bulk, a chunk at a time, for every streamed format.

:meth:`fundaudit.runner.Audit.iter_shown` words each shown relation as a
:class:`~fundaudit.findings.Finding`: its relation and figures built as model objects, its
message worded, its diagnosis attached — about a hundred microseconds a finding, which
:func:`fundaudit.report.jsonout.finding_json` then turns into a dictionary for the JSON
encoder. Here the same findings are worded from the columns, in the order of
:meth:`~fundaudit.runner.Audit.chunks` (:func:`worded`):

- each figure a chunk shows is read from the columns once, its value formatted from its
  exact integer (never through float; a numpy formatting of the same integers measured twice
  as slow) and, for JSON, its object (``ref``, ``label``, ``value``, ``unit``, ``source``,
  ``location``) escaped once, however many findings list it;
- each sum, product and running total is judged and worded by the functions of the
  per-finding path (:func:`fundaudit.judge.sum_on_grid`, :func:`~fundaudit.judge.sum_words`,
  :func:`~fundaudit.judge.product_words`, :func:`~fundaudit.judge.cumulative_words` …), from
  those figures' words and numbers, into :class:`Words`: a finding's fields under
  :class:`~fundaudit.findings.Finding`'s names, which the text, GitHub, SARIF, JUnit and
  CSV writers read as they read a finding;
- a chunk's JSON is assembled a field at a time (:meth:`_Chunk.text`, :func:`joined`): a
  table of texts with a row per finding and a column per field or fixed text between fields,
  each column filled at once (its texts escaped by one ``map``), joined into the chunk's one
  text — each text copied once, where joining each finding's object and then the objects
  copied every finding twice. Its diagnosis is worded from the plain tuples the diagnosis
  sent it in (:meth:`fundaudit.columnar.diagnoses.Diagnoses.encoded`: no ``Diagnosis`` or
  ``Figure`` object is built for it; each culprit figure's JSON made once per group), its
  materiality in exact integers (:func:`fundaudit.findings.materiality_words`).
  :meth:`_Chunk.json` words one finding's object, the definition the table is held to
  (``tests/test_json_columns.py``). The same table in Arrow (``binary_join_element_wise``)
  measured slower: the texts made in Python cross into UTF-8 and the chunk's text back,
  each crossing dearer than the joins it saves.

The rare relations the bulk path does not word (parts not stated, a sum of mixed
dimensions, a product whose units do not multiply), crashed rules, small audits and the
materiality order go through the per-finding path, in their place. Every format's text is
the per-finding path's byte for byte (``tests/test_bulk_words.py``); a chunk is written
before the next one is worded, so memory does not grow with the number of findings.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import cache
from json.encoder import encode_basestring  # the C escaping json.dumps(ensure_ascii=False) uses
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar, cast

from fundaudit.findings import (
    FAILING,
    HOLDS,
    SEVERITY,
    Finding,
    Verdict,
    _base_word,
    materiality_words,
    revision_of,
    severity_of,
)
from fundaudit.gcpause import paused
from fundaudit.judge import (
    Names,
    _factor_pows,
    _graded,
    cumulative_words,
    names_apart,
    places,
    product_on_grid,
    product_said,
    product_words,
    said,
    sum_on_grid,
    sum_said,
    sum_verdict,
    sum_words,
    total_name,
)
from fundaudit.model import Loc
from fundaudit.numbers import format_scaled

if TYPE_CHECKING:
    import numpy as np

    from fundaudit.causes._base import Diagnosis
    from fundaudit.columnar.group import Decoded, EncodedDiagnosis
    from fundaudit.runner import Audit

_q = encode_basestring
_new = tuple.__new__
# a relation's difference and allowance on its grid; its sum, difference and tolerance as
# written; its materiality_words (None: worded from its difference's text)
_Judged = tuple[int, int, str, str, str, "tuple[str, str, str | None] | None"]


class Words(NamedTuple):
    """One finding worded in bulk: the fields of :class:`~fundaudit.findings.Finding` a writer
    reads, under the same names, and its figures as :class:`_Chunk` entries (never as model
    objects).

    Its diagnosis is kept as the plain tuples it was sent in (``encoded``: the row and its
    group, :class:`~fundaudit.columnar.group.Decoded`), made an object only when a writer asks
    for :attr:`diagnosis` (the JSON pieces word the tuples).
    """

    id: str
    rule: str
    verdict: Verdict
    parts_sum: str
    diff: str
    tolerance: str
    message: str
    document: str
    program: str
    subject: str
    encoded: tuple[EncodedDiagnosis, Decoded] | None
    figure: tuple[Any, ...]  # the total's entry
    listed: list[int]  # the figures the finding lists (its parts), as indices of the chunk's entries
    where: tuple[str, int]  # the relation's YAML file and line
    drafted: str | None  # the draft pattern of a figure no person confirmed (Finding.drafted)
    measured: tuple[str, str, str | None] | None = None  # materiality_words, when made in bulk

    @property
    def diagnosis(self) -> Diagnosis | None:
        if self.encoded is None:
            return None
        row, group = self.encoded
        return group.diagnoses()[row.id]

    @property
    def total(self) -> str:
        return str(self.figure[_VALUE])

    @property
    def unit(self) -> str:
        return str(self.figure[_UNIT_TEXT])

    @property
    def source(self) -> Loc:
        return Loc(self.figure[_SOURCE_FILE], self.figure[_LINE])

    @property
    def location(self) -> Loc:
        return Loc(*self.where)

    @property
    def hint(self) -> str | None:
        return None if self.encoded is None else self.encoded[0].text

    @property
    def severity(self) -> str:
        return severity_of(self.verdict, None if self.encoded is None else self.encoded[0])

    @property
    def holds(self) -> bool:
        return self.verdict in HOLDS

    @property
    def total_ref(self) -> str:
        return str(self.figure[_REF])


class Diagnosed(NamedTuple):
    """What the one-line writers (text, GitHub, SARIF) say of a finding's diagnosis: its cause,
    root and text, and its first (likely) figure's corrected value and ``(ref, source line,
    YAML line, text as written)``."""

    cause: str
    root: str
    text: str
    likely: str | None
    figure: tuple[str, Loc, Loc, str] | None


def diagnosed(f: Finding | Words) -> Diagnosed | None:
    """:class:`Diagnosed` of a finding's diagnosis (``None`` when it has none): a finding worded
    in bulk is read from the tuple its diagnosis was sent in
    (:class:`~fundaudit.columnar.group.EncodedDiagnosis`), without making its group's
    :class:`~fundaudit.causes._base.Diagnosis` objects."""
    if isinstance(f, Words):
        if f.encoded is None:
            return None
        row, group = f.encoded
        if not row.culprits:
            return Diagnosed(row.cause, row.root, row.text, None, None)
        at, likely = row.culprits[0]
        ref, _label, coefficient, exponent, unit, _dim, _pow10, sfile, sline, yfile, yline = group.table[at][:11]
        stated = f"{format_scaled(coefficient, exponent)} {unit}"  # Figure.text
        return Diagnosed(row.cause, row.root, row.text, likely, (ref, Loc(sfile, sline), Loc(yfile, yline), stated))
    d = f.diagnosis
    if d is None:
        return None
    if not d.figures:
        return Diagnosed(d.cause, d.root, d.text, None, None)
    first = d.figures[0]
    fig = first.figure
    return Diagnosed(d.cause, d.root, d.text, first.likely, (fig.ref, fig.source, fig.yaml, fig.text))


def worded(audit: Audit, show_all: bool, pieces: bool = False) -> Iterator[tuple[_Chunk | None, list[Finding | Words]]]:
    """The findings of :meth:`~fundaudit.runner.Audit.iter_shown`, in its order, a chunk at a
    time, worded in this process: each sum, product or running total as :class:`Words`, the
    others (and all of a small audit's, or of the materiality order) as
    :class:`~fundaudit.findings.Finding`. (A writer uses :func:`per_chunk`.)

    ``pieces``: also escape each figure's JSON (:meth:`_Chunk.json`).
    """
    yield from _worded(audit, show_all, audit.chunks(show_all) if BULK else None, pieces)


def _worded(
    audit: Audit, show_all: bool, chunks: Iterator[list[int | Finding]] | None, pieces: bool
) -> Iterator[tuple[_Chunk | None, list[Finding | Words]]]:
    """:func:`worded` of the audit's ``chunks`` (``None``: worded at once)."""
    if chunks is None:  # small, or ordered by materiality: worded at once
        yield None, list(audit.iter_shown(show_all))
        return
    from fundaudit.i18n import language, using

    # many small acyclic objects: collections would only walk them (paused for the whole stream,
    # not a chunk at a time: the collection on leaving a chunk walked all its objects still held);
    # the language read once a chunk
    with paused():
        for chunk in chunks:
            with using(language()):
                c = _Chunk(audit, chunk, pieces)
                items = c.words()
            yield c, items
            del c, items


R = TypeVar("R")


def per_chunk(
    audit: Audit,
    show_all: bool,
    make: Callable[[_Chunk | None, list[Finding | Words]], R],
    pieces: bool = False,
    sep: str | None = None,
) -> Iterator[R]:
    """``make(chunk, findings)`` for each chunk of :func:`worded`, in its order: what a writer
    writes of the chunk (a text, plain values).

    When the diagnosis would be made in this process alone (one large group of failing
    relations), it is made in a worker beside it (:meth:`Audit.diagnose_beside
    <fundaudit.runner.Audit.diagnose_beside>`) while the first chunks (up to :data:`_AHEAD`) are
    worded here up to their diagnoses (:meth:`_Chunk.prepare`; ``sep``: their JSON text laid out
    too, :meth:`_Chunk.text`); they are finished here once it is made. (Finished in the workers
    below instead, budget 10^7 took 23.3 s against 22.4 s: forking a process that holds them, and
    sending their texts back, cost more than sharing out the rest of their work saved.)

    With many chunks (:data:`_FORK_CHUNKS` of :data:`~fundaudit.runner.CHUNK` findings or more),
    the chunks are worded and made in worker processes forked from this one
    (:mod:`fundaudit.forked`; the diagnosis is made here first, so that every worker has it):
    ``make`` runs in a worker, and what it returns is sent back. The same results in the same
    order either way. ``pieces``: as :func:`worded`'s.
    """
    chunks = audit.chunks(show_all) if BULK else None
    if chunks is None:
        for chunk, items in _worded(audit, show_all, chunks, pieces):
            yield make(chunk, items)
        return
    from fundaudit import forked
    from fundaudit.i18n import language, using

    lang = language()
    ahead: list[_Chunk] = []
    if audit.diagnose_beside():
        try:
            with paused(), using(lang):  # as in _worded
                for rows in chunks:
                    ahead.append(_Chunk(audit, rows, pieces))
                    ahead[-1].prepare(sep)
                    if len(ahead) >= _AHEAD or audit.diagnosed():
                        break
            _ = audit.bulk  # waited for
        except BaseException:  # an error, Ctrl-C: the worker is ended with it
            audit.stop_beside()
            raise
    made = len(ahead)
    with paused(), using(lang):
        while ahead:  # each let go once made
            yield make(ahead[0], ahead[0].finish())
            del ahead[0]
    if (workers := _workers(audit, show_all, made)) <= 1:
        for chunk, items in _worded(audit, show_all, chunks, pieces):
            yield make(chunk, items)
        return

    def one(chunk: list[int | Finding]) -> R:
        with using(lang):
            c = _Chunk(audit, chunk, pieces)
            return make(c, c.words())

    with paused():  # as in _worded (the workers are forked with it paused)
        yield from forked.ordered(one, chunks, workers)


_AHEAD = 24  # chunks worded up to their diagnoses while the diagnosis is made beside (~10 MB each at most)


def _workers(audit: Audit, show_all: bool, made: int = 0) -> int:
    """The processes to word a large audit's chunks in (:func:`fundaudit.forked.processes`),
    the first ``made`` of them worded already; when more than one, the diagnosis is made first
    (each worker would make its own)."""
    import numpy as np

    from fundaudit import forked
    from fundaudit.findings import VERDICT_CODE
    from fundaudit.runner import CHUNK, QUIET

    codes = audit.codes
    shown = len(codes) if show_all else int((~np.isin(codes, [VERDICT_CODE[v] for v in QUIET])).sum())
    workers = forked.processes(-(-shown // CHUNK) - made, _FORK_CHUNKS)  # the chunks
    if workers > 1 and np.isin(codes, [VERDICT_CODE[v] for v in FAILING]).any():
        _ = audit.bulk  # diagnosed here, once, before the fork
    return workers


_FORK_CHUNKS = 3  # chunks of findings from which they are worded in worker processes


BULK = True  # False: every finding worded one by one (the tests' reference)


def drafted(audit: Audit) -> frozenset[str]:
    """The ids of :meth:`~fundaudit.runner.Audit.iter_findings` with a figure a draft read and no
    person confirmed (:attr:`Finding.drafted <fundaudit.findings.Finding.drafted>`: what
    ``--confirmed-only`` hides), read from the figures' ``drafted`` column without wording a
    finding when the audit's figures are columns (a relation whose total or a part has a
    pattern, and a crashed rule's finding that has one); otherwise every finding is worded and asked.
    """
    import numpy as np

    from fundaudit.columnar.arrays import Columns, filled, take

    cols = audit.columns
    if not isinstance(cols, Columns):
        return frozenset(f.id for f in audit.iter_findings() if f.drafted)
    crashed = frozenset(f.id for f in audit.crashes if f.drafted and f.id not in audit.hidden)
    pattern = filled(cols.figures.drafted)
    if not pattern.any():
        return crashed
    r = cols.relations
    seen = np.concatenate([[0], np.cumsum(pattern[r.parts], dtype=np.int64)])  # patterned parts before each
    rows = np.flatnonzero(pattern[r.total] | (seen[r.offsets[1:]] > seen[r.offsets[:-1]])).tolist()
    return crashed | (frozenset(take(r.id, rows)) - audit.hidden)


def results(audit: Audit, show_all: bool) -> Iterator[list[str]]:
    """Each shown finding's JSON object (as :func:`~fundaudit.report.jsonout.finding_json`
    encodes it), in :meth:`~fundaudit.runner.Audit.iter_shown`'s order, a chunk at a time."""
    for text in joined(audit, show_all, "\n"):  # a JSON text holds no line break (escaped as \n)
        yield text.split("\n")


def joined(audit: Audit, show_all: bool, sep: str) -> Iterator[str]:
    """:func:`results`' objects joined by ``sep``, a text for each chunk (never an empty one)."""
    from fundaudit.report.jsonout import finding_json

    def make(chunk: _Chunk | None, items: list[Finding | Words]) -> list[str]:
        if chunk is None:  # worded one by one
            texts = [_dumps(finding_json(f)) for f in cast("list[Finding]", items)]
            return [sep.join(texts[k : k + _BATCH]) for k in range(0, len(texts), _BATCH)]
        return [chunk.text(items, sep)] if items else []

    for texts in per_chunk(audit, show_all, make, pieces=True, sep=sep):
        yield from texts


_BATCH = 256  # results joined into one write (a chunk's at once would be copied whole twice more)


def _dumps(obj: Any) -> str:
    return json.dumps(obj, ensure_ascii=False)


class _Chunk:
    """One chunk of findings: its figures' entries, then each finding worded from them."""

    def __init__(self, audit: Audit, chunk: list[int | Finding], pieces: bool) -> None:
        self.audit = audit
        self.chunk = chunk
        self.pieces = pieces
        self.drafts = True  # False: no figure of the chunk has a draft pattern (every Words.drafted is None)
        from fundaudit.columnar.arrays import Columns

        assert isinstance(audit.columns, Columns)  # a large audit's (Audit.chunks)
        self.columns = audit.columns
        self.q = _Escaped()  # file names, units, rules …: each escaped once
        self.figs: dict[int, tuple[Any, ...]] = {}
        self.listed: dict[int, str] = {}  # the JSON of each figure a finding lists (pieces only)
        self.pows: dict[tuple[int, int, int], tuple[int, int] | tuple[None, None]] = {}  # _factor_pows by unit codes
        # what prepare made: the chunk's relation rows, their Words (None: left to the per-finding
        # path, those rows in slow), and the JSON text laid out for a separator
        self.rows: list[int] = []
        self.ids: list[str] = []
        self.made: list[Words | None] = []
        self.slow: list[int] = []
        self.laid: tuple[str, list[int | tuple[np.ndarray[Any, Any], list[int]]]] | None = None

    def words(self) -> list[Finding | Words]:
        """The chunk's findings, in its order (:func:`worded`): :meth:`prepare`, then :meth:`finish`."""
        self.prepare()
        return self.finish()

    def prepare(self, sep: str | None = None) -> None:
        """Word the chunk up to its diagnoses: every sum, product and running total as
        :class:`Words` without one, the rest left to :meth:`finish`. ``sep``: also lay out the
        JSON text of each run of them (:meth:`_table`), its diagnoses' fields left blank.

        What :func:`per_chunk` does while the diagnosis is made beside it (:meth:`Audit.diagnose_beside
        <fundaudit.runner.Audit.diagnose_beside>`): nothing here reads a diagnosis."""
        import numpy as np

        from fundaudit.columnar.arrays import KINDS, take

        rows = self.rows = [c for c in self.chunk if isinstance(c, int)]
        r = self.columns.relations
        kinds = r.kind[rows].tolist()
        missing = r.has_missing[rows].tolist()
        starts = r.offsets[rows]
        sizes = r.offsets[np.asarray(rows, dtype=np.int64) + 1] - starts
        ends = np.cumsum(sizes).tolist()
        # every part of every row in one read: row k's are flat[ends[k] - sizes[k]:ends[k]]
        flat = r.parts[np.repeat(starts - np.cumsum(sizes) + sizes, sizes) + np.arange(ends[-1] if ends else 0)]
        flat_list = flat.tolist()
        parts = [flat_list[b - n : b] for b, n in zip(ends, sizes.tolist(), strict=True)]
        totals = r.total[rows].tolist()
        figs = self.figs = self.figures(np.unique(np.concatenate([flat, r.total[rows]])).tolist())
        ids = self.ids = take(r.id, rows)
        rules = take(r.rule, rows)
        subjects = take(r.subject, rows)
        numbers = self.numbers(rows, flat, sizes)
        worded: list[tuple[Verdict, str, str, str, str] | None] = []
        slow: list[int] = []
        word = self.word
        for k, (i, kind, miss, total, ps, rule, subject, names, empty, note, judged) in enumerate(
            zip(
                rows,
                kinds,
                missing,
                totals,
                parts,
                rules,
                subjects,
                take(r.names, rows),
                take(r.empty, rows),
                take(r.note, rows),
                numbers,
                strict=True,
            )
        ):
            said = None
            if not miss:
                said = word(
                    KINDS[kind], figs[total], [figs[j] for j in ps], rule, subject, (names, empty, note), judged
                )
            if said is None:
                slow.append(i)
                worded.append(None)
                continue
            words, last_only = said
            if last_only:  # a running total that does not fall: the sum of the last one
                parts[k] = ps[-1:]
            worded.append(words)
        self.slow = slow
        documents = take(r.document, rows)
        programs = take(r.program, rows)
        yaml_files = take(r.yaml_file, rows)
        yaml_lines = r.yaml_line[rows].tolist()
        listed: set[int] = set()
        made: list[Words | None] = []
        for k in range(len(rows)):
            this = worded[k]
            if this is None:
                made.append(None)
                continue
            judged = numbers[k]
            verdict, s_sum, s_diff, s_tol, message = this
            t = figs[totals[k]]
            line = yaml_lines[k]
            listed.update(parts[k])
            made.append(
                _new(  # Words(...), without its Python __new__; its diagnosis added by finish
                    Words,
                    (
                        ids[k],
                        rules[k],
                        verdict,
                        s_sum,
                        s_diff,
                        s_tol,
                        message,
                        documents[k],
                        programs[k],
                        subjects[k],
                        None,
                        t,
                        parts[k],
                        (yaml_files[k], line) if line else (t[_YAML_FILE], t[_YAML_LINE]),
                        (t[_DRAFTED] or next((figs[j][_DRAFTED] for j in parts[k] if figs[j][_DRAFTED]), None))
                        if self.drafts
                        else None,
                        None if judged is None else judged[5],
                    ),
                )
            )
        self.made = made
        if self.pieces:
            self.listed = self.json_pieces(sorted(listed))
        if sep is not None:
            self.laid = (sep, self._layout(sep))

    def finish(self) -> list[Finding | Words]:
        """The chunk's findings, in its order, each with its diagnosis: the :class:`Words` of
        :meth:`prepare`, and the relations it left worded by the per-finding path."""
        by_row: dict[int, Finding | Words] = {}
        if self.slow:  # the per-finding path, its diagnoses attached
            by_row.update(zip(self.slow, self.audit._word(self.slow), strict=True))
        made = self.made
        failing = any(w is not None and w.verdict in FAILING for w in made) or any(
            f.verdict in FAILING for f in by_row.values()
        )
        found = self.audit.bulk.encoded(self.rows, self.ids) if failing else {}
        for i, w in zip(self.rows, made, strict=True):
            if w is None:
                continue
            e = found.get(w.id)
            by_row[i] = w if e is None else _new(Words, (*w[:_ENCODED], e, *w[_ENCODED + 1 :]))  # w._replace(encoded=e)
        return [by_row[c] if isinstance(c, int) else c for c in self.chunk]

    def numbers(self, rows: list[int], flat: np.ndarray[Any, Any], sizes: np.ndarray[Any, Any]) -> list[_Judged | None]:
        """Each sum's and product's difference and allowance on its grid, and its parts' sum (or
        product), difference and tolerance as written, made for the chunk at once in int64
        arrays (:mod:`fundaudit.report.grid`); ``None`` for the other kinds, the relations not
        stated in full and those whose integers could pass int64 (worded from Python integers)."""
        import numpy as np

        from fundaudit.columnar.arrays import KINDS
        from fundaudit.report import grid

        out: list[_Judged | None] = [None] * len(rows)
        if not rows:
            return out
        r, f = self.columns.relations, self.columns.figures
        at = np.asarray(rows, dtype=np.int64)
        kind = r.kind[at]
        stated = ~r.has_missing[at]
        firsts = np.cumsum(sizes) - sizes  # row k's parts: flat[firsts[k]:firsts[k] + sizes[k]]
        pow10 = np.array([u.pow10 for u in f.units], dtype=np.int64)
        half = self.audit.tolerance.half_exponent

        def terms(figures: np.ndarray[Any, Any]) -> tuple[np.ndarray[Any, Any], ...]:
            """The coefficient (int64; the least int64 for one past it), exponent, unit code,
            half-unit exponent and whether there is one, of each figure at ``figures``."""
            c = f.coefficient[figures]
            if c.dtype != np.int64:  # Python integers: those past int64 marked as not fitting
                small = ((c < 2**62) & (c > -(2**62))).astype(bool)
                c = np.where(small, c, grid.LEAST).astype(np.int64)
            e, code = f.exponent[figures], f.unit_code[figures]
            least = int(e.min())
            keys, inverse = np.unique((e - least) * len(pow10) + code, return_inverse=True)
            h = [half(x // len(pow10) + least, int(pow10[x % len(pow10)])) for x in keys.tolist()]
            has = np.array([x is not None for x in h], dtype=bool)[inverse]
            hv = np.array([0 if x is None else x for x in h], dtype=np.int64)[inverse]
            return c, e, code, hv, has

        sel = np.flatnonzero(stated & ((kind == KINDS.index("sum")) | (kind == KINDS.index("sum-le"))))
        if len(sel):
            n = sizes[sel] + 1  # the total, then the parts
            starts = np.cumsum(n) - n
            members = np.empty(int(n.sum()), dtype=np.int64)
            members[starts] = r.total[at[sel]]
            rest = np.ones(len(members), dtype=bool)
            rest[starts] = False
            members[rest] = flat[grid.ranges(firsts[sel], sizes[sel])]
            c, e, code, hv, has = terms(members)
            fits, g, value, diff, tol = grid.sums(c, e + pow10[code], hv, has, starts, n)
            p = pow10[f.unit_code[r.total[at[sel]]]]
            keep = np.maximum(0, p - g - 1)  # judge.places(p, [g + 1])
            total = (c[starts], e[starts], code[starts])
            self._judged(out, sel[fits], ((value - diff), diff, tol, g - p, keep), total, fits)
        sel = np.flatnonzero(stated & (kind == KINDS.index("product")) & (sizes == 2))
        if len(sel):
            a, b, t = flat[firsts[sel]], flat[firsts[sel] + 1], r.total[at[sel]]
            (ca, ea, code_a, _ha, has_a), (cb, eb, code_b, _hb, has_b), (ct, et, code_t, _ht, has_t) = (
                terms(a),
                terms(b),
                terms(t),
            )
            units, m = f.units, len(pow10)
            keys, inverse = np.unique((code_a * m + code_b) * m + code_t, return_inverse=True)
            pows = [_factor_pows(units[x // m // m], units[x // m % m], units[x % m]) for x in keys.tolist()]
            known = np.array([x is not None for x, _y in pows], dtype=bool)[inverse]
            pow_a = np.array([x or 0 for x, _y in pows], dtype=np.int64)[inverse]
            pow_b = np.array([y or 0 for _x, y in pows], dtype=np.int64)[inverse]
            p = pow10[code_t]
            fits, prod, tv, tol, e, big_et = grid.products(
                (ca, ea + pow_a, has_a), (cb, eb + pow_b, has_b), (ct, et + p, has_t)
            )
            fits &= known
            keep = np.maximum(0, p - big_et)  # max(0, -(et - p))
            self._judged(out, sel[fits], (prod, tv - prod, tol, e - p, keep), (ct, et, code_t), fits)
        return out

    def _judged(
        self,
        out: list[_Judged | None],
        at: np.ndarray[Any, Any],
        numbers: tuple[np.ndarray[Any, Any], ...],
        total: tuple[np.ndarray[Any, Any], ...],
        fits: np.ndarray[Any, Any],
    ) -> None:
        """Each relation at ``at`` (the rows that ``fits``): ``(diff, tol, sum, diff, tolerance,
        materiality)``, the sum, difference and tolerance as written (:func:`fundaudit.judge._render`:
        the tolerance to one more decimal, ``0`` when there is none), the materiality as
        :func:`~fundaudit.findings.materiality_words` words it (``None`` where it is not made here).

        ``numbers``: the sum (or product), difference, allowance, exponent in the total's unit and
        decimals kept; ``total``: the total's coefficient, written exponent and unit code."""
        import numpy as np

        from fundaudit.report import grid

        if not len(at):
            return
        value, diff, tol, exp, keep = (x[fits] for x in numbers)
        coefficient, exponent, code = (x[fits] for x in total)
        units = self.columns.figures.units
        words = [_base_word(u.dimension) for u in units]
        word = [u.text if w is None else w for u, w in zip(units, words, strict=True)]
        shift = np.array([0 if w is None else u.pow10 for u, w in zip(units, words, strict=True)], dtype=np.int64)
        known, amounts, percents = grid.materiality(diff, exp, coefficient, exponent, shift[code])
        zero = coefficient == 0
        s_sum = grid.rendered(value, exp, keep)
        s_diff = grid.rendered(diff, exp, keep)
        s_tol = grid.rendered(tol, exp, keep + 1)
        for k, d, t, a, b, c, m, amount, percent, z, u in zip(
            at.tolist(),
            diff.tolist(),
            tol.tolist(),
            s_sum,
            s_diff,
            s_tol,
            known.tolist(),
            amounts,
            percents,
            zero.tolist(),
            code.tolist(),
            strict=True,
        ):
            out[k] = (
                d,
                t,
                a,
                b,
                c if t else "0",
                (amount, word[u], percent) if m else (amount, word[u], None) if z else None,
            )

    def figures(self, at: list[int]) -> dict[int, tuple[Any, ...]]:
        """Each figure at ``at``: its words and numbers (the indices below), column by column."""
        import numpy as np

        from fundaudit.columnar.arrays import take
        from fundaudit.report import grid

        f = self.columns.figures
        units = f.units
        half = self.audit.tolerance.half_exponent
        where = np.asarray(at, dtype=np.int64)
        exps_np, codes_np = f.exponent[where], f.unit_code[where]
        exps, codes = exps_np.tolist(), codes_np.tolist()
        # each figure's unit, and its half-unit exponent once per exponent and unit
        keys, inverse = np.unique(exps_np * len(units) + codes_np, return_inverse=True)
        halves = [half(int(x) // len(units), units[int(x) % len(units)].pow10) for x in keys.tolist()]
        pow10 = np.array([u.pow10 for u in units], dtype=np.int64)
        labels = take(f.label, at)
        drafted = take(f.drafted, at)
        self.drafts = any(drafted)
        of = list(map(units.__getitem__, codes))
        return dict(
            zip(
                at,
                zip(
                    take(f.ref, at),
                    [label.removesuffix(" total") for label in labels],  # its name (judge._name)
                    grid.scaled_texts(f.coefficient[where], exps_np),  # exact, from the integers
                    list(map(self._unit_texts().__getitem__, codes)),
                    list(  # judge.Term
                        zip(
                            f.coefficient[where].tolist(),
                            (exps_np + pow10[codes_np]).tolist(),
                            list(map(halves.__getitem__, inverse.tolist())),
                            strict=True,
                        )
                    ),
                    of,
                    exps,
                    f.source_line[where].tolist(),
                    codes,
                    take(f.source_file, at),
                    take(f.yaml_file, at),
                    f.yaml_line[where].tolist(),
                    drafted,
                    labels,
                    strict=True,
                ),
                strict=True,
            )
        )

    def _unit_texts(self) -> tuple[str, ...]:
        """Each unit's text, by its code."""
        return tuple(u.text for u in self.columns.figures.units)

    def json_pieces(self, at: list[int]) -> dict[int, str]:
        """Each figure at ``at`` (of :attr:`figs`) as the JSON object a finding lists among its
        parts (``ref``, ``label``, ``value``, ``unit``, ``source``, ``location``), escaped once
        however many findings list it."""
        figs, q = self.figs, self.q
        unit_json = [q[u.text] for u in self.columns.figures.units]
        return {
            j: f'{{"ref": {_q(ref)}, "label": {_q(label)}, "value": "{value}", "unit": {unit_json[code]}, '
            f'"source": {{"file": {q[sfile]}, "line": {sline}}}, '
            f'"location": {{"file": {q[yfile]}, "line": {yline}}}}}'
            for j, (ref, _name, value, _u, _t, _unit, _e, sline, code, sfile, yfile, yline, _d, label) in zip(
                at, [figs[j] for j in at], strict=True
            )
        }

    def word(
        self,
        kind: str,
        t: tuple[Any, ...],
        ps: list[tuple[Any, ...]],
        rule: str,
        subject: str,
        texts: tuple[tuple[str, ...], tuple[str, ...], str | None],
        judged: _Judged | None = None,
    ) -> tuple[tuple[Verdict, str, str, str, str], bool] | None:
        """A relation's verdict, parts' sum, difference, tolerance and message, and whether its
        finding lists only its last part (a running total that does not fall); ``None`` for a
        relation the per-finding path words (:func:`fundaudit.judge.explain`'s other cases).

        ``texts``: the relation's part names, empty cells and note; ``judged``: a sum's or a
        product's numbers made in bulk (:meth:`numbers`), else they are made here."""
        names, empty, note = texts
        if kind != "product":
            unit = t[_UNIT]
            for p in ps:  # a sum of mixed dimensions: the per-finding path
                if p[_UNIT] is not unit and p[_UNIT].dimension != unit.dimension:
                    return None
        if kind == "cumulative" and ps:
            last = ps[-1]
            words, falls = cumulative_words(
                rule,
                subject,
                note,
                [(f[_NAME], f[_VALUE], f[_UNIT_TEXT]) for f in (t, *ps)],
                t[_UNIT].pow10,
                [f[_TERM] for f in (t, *ps)],
                names_apart(t[_REF], [(last[_REF], last[_NAME], last[_LINE])]),
            )
            return words, not falls
        if kind == "sum" or kind == "sum-le":
            named: Names = names
            if len(names) != len(ps):  # named when the message lists them (equation)
                named = lambda: names_apart(t[_REF], [(p[_REF], p[_NAME], p[_LINE]) for p in ps])  # noqa: E731
            unit = t[_UNIT]
            if judged is not None:
                diff, tol, s_sum, s_diff, s_tol, _m = judged
                revision = revision_of(rule, note)
                verdict = sum_verdict(kind, bool(empty), revision, diff, tol)
                message = sum_said(
                    rule,
                    kind,
                    subject,
                    empty,
                    revision,
                    said(total_name(t[_NAME], subject), t[_VALUE], t[_UNIT_TEXT]),
                    t[_UNIT_TEXT],
                    [(p[_VALUE], p[_UNIT_TEXT]) for p in ps],
                    named,
                    (verdict, s_sum, s_diff),
                )
                return (verdict, s_sum, s_diff, s_tol, message), False
            exp, value, diff, tol = sum_on_grid(t[_TERM], [p[_TERM] for p in ps])
            keep = places(unit.pow10, [exp + 1])  # the grid is one below the finest figure: that one decides
            words = sum_words(
                rule,
                kind,
                subject,
                empty,
                revision_of(rule, note),
                said(total_name(t[_NAME], subject), t[_VALUE], t[_UNIT_TEXT]),
                t[_UNIT_TEXT],
                unit.pow10,
                [(p[_VALUE], p[_UNIT_TEXT]) for p in ps],
                named,
                (value, diff, tol, exp, keep),
            )
            return words, False
        if kind == "product" and len(ps) == 2:
            a, b = ps
            if judged is not None:
                diff, tol, s_prod, s_diff, s_tol, _m = judged
                verdict = _graded(diff, tol)
                message = product_said(
                    rule,
                    subject,
                    (t[_NAME], t[_VALUE], t[_UNIT_TEXT]),
                    (a[_NAME], a[_VALUE], a[_UNIT_TEXT]),
                    (b[_NAME], b[_VALUE], b[_UNIT_TEXT]),
                    (verdict, s_prod, s_diff),
                )
                return (verdict, s_prod, s_diff, s_tol, message), False
            codes = (a[_CODE], b[_CODE], t[_CODE])
            pows = self.pows.get(codes)
            if pows is None:
                pows = self.pows[codes] = _factor_pows(a[_UNIT], b[_UNIT], t[_UNIT])
            pow_a, pow_b = pows
            if pow_a is None or pow_b is None:
                return None
            (ca, _ea, ha), (cb, _eb, hb) = a[_TERM], b[_TERM]
            words = product_words(
                rule,
                subject,
                (t[_NAME], t[_VALUE], t[_UNIT_TEXT], t[_UNIT].pow10),
                (a[_NAME], a[_VALUE], a[_UNIT_TEXT]),
                (b[_NAME], b[_VALUE], b[_UNIT_TEXT]),
                product_on_grid((ca, a[_EXP] + pow_a, ha), (cb, b[_EXP] + pow_b, hb), t[_TERM]),
            )
            return words, False
        return None

    def text(self, items: list[Finding | Words], sep: str) -> str:
        """The items' JSON objects (:meth:`json`'s texts, a :class:`~fundaudit.findings.Finding`'s
        ``finding_json``) joined by ``sep``, assembled a field at a time (:meth:`_table`), from
        the layout :meth:`prepare` made when it was given the same ``sep``."""
        from fundaudit.report.jsonout import finding_json

        laid = self.laid[1] if self.laid is not None and self.laid[0] == sep else self._layout(sep, items)
        out: list[str] = []
        for segment in laid:
            if isinstance(segment, int):  # a finding of the per-finding path, by its place
                out.append(_dumps(finding_json(cast("Finding", items[segment]))))
            else:
                table, at = segment
                out.append(self._filled(table, [cast("Words", items[k]) for k in at]))
        return sep.join(out)

    def _layout(
        self, sep: str, items: list[Finding | Words] | None = None
    ) -> list[int | tuple[np.ndarray[Any, Any], list[int]]]:
        """The chunk's JSON text laid out: each run of :class:`Words` a table (:meth:`_table`) with
        their places in the chunk, each other finding its place. ``items``: the chunk's findings
        (else :meth:`prepare`'s, whose places are known before :meth:`finish` words the rest)."""
        if items is None:
            made = iter(self.made)
            words: list[Words | None] = [next(made) if isinstance(c, int) else None for c in self.chunk]
        else:
            words = [w if isinstance(w, Words) else None for w in items]
        out: list[int | tuple[np.ndarray[Any, Any], list[int]]] = []
        run: list[int] = []
        for k, w in enumerate(words):
            if w is not None:
                run.append(k)
                continue
            if run:
                out.append((self._table([cast("Words", words[j]) for j in run], sep), run))
                run = []
            out.append(k)
        if run:
            out.append((self._table([cast("Words", words[j]) for j in run], sep), run))
        return out

    def _table(self, ws: list[Words], sep: str) -> np.ndarray[Any, Any]:
        """:meth:`json` of each of ``ws`` (``sep`` before each but the first) as a table of the
        texts to join: each field a column (a row per finding), the fixed text between them a
        column of one text, every text copied once into the one the table joins to. The fields a
        diagnosis decides (the severity, the hint, the diagnosis and materiality) are left to
        :meth:`_filled`: the severity as the verdict's, the rest blank."""
        import numpy as np

        n = len(ws)
        (ids, rules, verdicts, sums, diffs, tols, messages, documents, programs, subjects, _encoded, totals, listed,
         where, drafted, _measured) = zip(*ws, strict=True)  # fmt: skip
        q = self.q
        esc = q.__getitem__
        pieces = self.listed
        files, lines = zip(*where, strict=True)
        fields: list[str | list[str] | tuple[str, ...]] = [
            sep,
            '{"id": ',
            list(map(_q, ids)),
            ', "rule": ',
            list(map(esc, rules)),
            ', "verdict": "',
            list(map(attrgetter("_value_"), verdicts)),
            '", "severity": ',
            [esc(SEVERITY[v]) for v in verdicts],
            ', "total": "',
            list(map(itemgetter(_VALUE), totals)),
            '", "unit": ',
            list(map(esc, map(itemgetter(_UNIT_TEXT), totals))),
            ', "parts_sum": "',
            sums,
            '", "diff": "',
            diffs,
            '", "tolerance": "',
            tols,
            '", "source": {"file": ',
            list(map(esc, map(itemgetter(_SOURCE_FILE), totals))),
            ', "line": ',
            list(map(str, map(itemgetter(_LINE), totals))),
            '}, "location": {"file": ',
            list(map(esc, files)),
            ', "line": ',
            list(map(str, lines)),
            '}, "message": ',
            list(map(_q, messages)),
            ', "document": ',
            list(map(esc, documents)),
            ', "program": ',
            list(map(esc, programs)),
            ', "subject": ',
            list(map(_q, subjects)),
            ', "parts": [',
            [", ".join([pieces[j] for j in x]) for x in listed],
            '], "hint": ',
            "null",
            "",  # drafted
            *_DIAGNOSIS,  # diagnosis_json's fields, then the materiality's: blank until filled
            "}",
        ]
        # the columns _filled writes (_SEVERITY, _HINT, _MARKED) where the fields above put them
        assert fields[_SEVERITY - 1] == '", "severity": ' and fields[_HINT - 1] == '], "hint": '
        assert tuple(fields[_MARKED + 1 : _MARKED + 1 + len(_DIAGNOSIS)]) == _DIAGNOSIS
        table = np.empty((n, len(fields)), dtype=object)
        for at, field in enumerate(fields):
            table[:, at] = field if isinstance(field, str) else np.array(field, dtype=object)
        table[0, 0] = ""
        if any(drafted):
            table[:, _MARKED] = [f', "drafted": {_q(d)}' if d else "" for d in drafted]
        table[:, _MARKED + 1 : _MARKED + 1 + len(_DIAGNOSIS)] = ""
        return table

    def _filled(self, table: np.ndarray[Any, Any], ws: list[Words]) -> str:
        """The text of a table of :meth:`_table` (laid out for ``ws``, their diagnoses not yet
        known), with each diagnosed finding's severity, hint, diagnosis and materiality filled."""
        import numpy as np

        found = [k for k, w in enumerate(ws) if w.encoded is not None]
        if found:
            q = self.q
            rows = np.array(found, dtype=np.int64)
            encoded = [cast("tuple[EncodedDiagnosis, Decoded]", ws[k].encoded) for k in found]
            diagnoses = [e[0] for e in encoded]
            table[rows, _SEVERITY] = [
                q[d.severity if ws[k].verdict in FAILING else SEVERITY[ws[k].verdict]]
                for k, d in zip(found, diagnoses, strict=True)
            ]
            hints = list(map(_q, [d.text for d in diagnoses]))
            table[rows, _HINT] = hints
            applicability = _applicability()
            self._heads(encoded)  # the culprit figures' JSON, a group at a time
            words = [
                w.measured or materiality_words(w.diff, w.figure[_UNIT], w.figure[_TERM][0], w.figure[_EXP])
                for w in [ws[k] for k in found]
            ]
            for at, column in enumerate(
                (
                    [q[d.cause] for d in diagnoses],
                    [q[d.severity] for d in diagnoses],
                    list(map(_q, [d.root for d in diagnoses])),
                    hints,
                    [applicability[d.applicability] for d in diagnoses],
                    [str(d.corrections) for d in diagnoses],
                    list(map(self._figures, encoded)),
                    [", ".join(map(_q, d.explains)) for d in diagnoses],
                    [w[0] for w in words],
                    [q[w[1]] for w in words],
                    ["null" if w[2] is None else f'"{w[2]}"' for w in words],
                )
            ):
                table[rows, _MARKED + 1 + 2 * at] = _DIAGNOSIS[2 * at]
                table[rows, _MARKED + 2 + 2 * at] = column
            table[rows, _MARKED + 1 + len(_DIAGNOSIS) - 1] = _DIAGNOSIS[-1]
        return "".join(table.ravel().tolist())

    def json(self, w: Words) -> str:
        """One finding's JSON object, joined from its pieces (the fields of ``finding_json``)."""
        q, t, e = self.q, w.figure, w.encoded
        pieces = self.listed
        file, line = w.where
        verdict = w.verdict
        drafted = f', "drafted": {_q(w.drafted)}' if w.drafted else ""
        head = (
            f'{{"id": {_q(w.id)}, "rule": {q[w.rule]}, "verdict": "{verdict._value_}", '
            f'"severity": {q[e[0].severity if e is not None and verdict in FAILING else SEVERITY[verdict]]}, '
            f'"total": "{t[_VALUE]}", '
            f'"unit": {q[t[_UNIT_TEXT]]}, "parts_sum": "{w.parts_sum}", "diff": "{w.diff}", '
            f'"tolerance": "{w.tolerance}", "source": {{"file": {q[t[_SOURCE_FILE]]}, "line": {t[_LINE]}}}, '
            f'"location": {{"file": {q[file]}, "line": {line}}}, "message": {_q(w.message)}, '
            f'"document": {q[w.document]}, "program": {q[w.program]}, "subject": {_q(w.subject)}, '
            f'"parts": [{", ".join([pieces[j] for j in w.listed])}], "hint": '
        )
        if e is None:
            return f"{head}null{drafted}}}"
        row = e[0]
        hint = _q(row.text)
        amount, word, percent = w.measured or materiality_words(w.diff, t[_UNIT], t[_TERM][0], t[_EXP])
        share = "null" if percent is None else f'"{percent}"'
        return (
            f'{head}{hint}{drafted}, "diagnosis": {self.diagnosis(row, e[1], hint)}, "materiality": {{"amount": '
            f'"{amount}", "unit": {q[word]}, "percent": {share}}}}}'
        )

    def diagnosis(self, row: EncodedDiagnosis, group: Decoded, text: str) -> str:
        """``diagnosis_json`` of a diagnosis given as the tuple of :func:`~fundaudit.columnar.group.encode`
        (:func:`fundaudit.report.jsonout.diagnosis_json`); ``text``: its text, escaped."""
        _rid, cause, severity, root, _text, _culprits, explains, applicability, corrections = row
        q = self.q
        return (
            f'{{"cause": {q[cause]}, "severity": {q[severity]}, "root": {_q(root)}, '
            f'"text": {text}, "applicability": "{_applicability()[applicability]}", "corrections": {corrections}, '
            f'"figures": [{self._figures((row, group))}], "explains": [{", ".join(map(_q, explains))}]}}'
        )

    def _heads(self, encoded: list[tuple[EncodedDiagnosis, Decoded]]) -> None:
        """The JSON of each culprit figure these diagnoses name that its group has not made yet,
        made at once per group and kept in the group's ``memo`` (only those a chunk lists: a group
        read by two workers, or whose diagnoses two chunks show, would make every one twice)."""
        wanted: dict[int, tuple[Decoded, set[int]]] = {}
        for row, group in encoded:
            ats = wanted.setdefault(id(group), (group, set()))[1]
            ats.update(at for at, _likely in row.culprits)
        for group, ats in wanted.values():
            heads: dict[int, str] = group.memo.setdefault("json", {})
            missing = sorted(at for at in ats if at not in heads)
            if missing:
                heads.update(zip(missing, self._culprits([group.table[at] for at in missing]), strict=True))

    def _figures(self, encoded: tuple[EncodedDiagnosis, Decoded]) -> str:
        """A diagnosis's ``figures`` (the inside of its list), its culprits from its group's table."""
        row, group = encoded
        heads: dict[int, str] = group.memo.get("json", {})
        if any(at not in heads for at, _likely in row.culprits):
            self._heads([encoded])
            heads = group.memo["json"]
        return ", ".join(
            [f'{heads[at]}, "likely": {"null" if likely is None else _q(likely)}}}' for at, likely in row.culprits]
        )

    def _culprits(self, table: list[tuple[Any, ...]]) -> list[str]:
        """Each culprit figure's JSON object up to its ``likely`` (which the caller adds), from its
        row of a group's table (:class:`~fundaudit.columnar.group.Decoded`)."""
        import numpy as np

        from fundaudit.report import grid

        q = self.q
        coefficients = [row[2] for row in table]
        try:
            exact = np.array(coefficients, dtype=np.int64)
        except OverflowError:  # past int64: Python integers
            exact = np.array(coefficients, dtype=object)
        values = grid.scaled_texts(exact, np.array([row[3] for row in table], dtype=np.int64))
        return [
            f'{{"ref": {_q(ref)}, "label": {_q(label)}, '
            f'"location": {{"file": {q[yfile]}, "line": {yline}}}, '
            f'"source": {{"file": {q[sfile]}, "line": {sline}}}, '
            f'"stated": {_q(f"{value} {unit}")}'  # Figure.text
            for (ref, label, _c, _e, unit, _dim, _pow10, sfile, sline, yfile, yline, *_rest), value in zip(
                table, values, strict=True
            )
        ]


def indented(obj: Any, pad: str = "") -> str:
    """``json.dumps(obj, ensure_ascii=False, indent=2)``, every line after the first after ``pad``.

    The encoder's indented form is written by its pure-Python half (``indent`` turns the C
    encoder off); this writes the same text for the values reports hold (dictionaries with
    text keys, lists, text, integers, booleans, ``None``), a few times faster, and leaves
    anything else to the encoder.
    """
    if type(obj) is str:
        return _q(obj)
    inner = pad + "  "
    if type(obj) is dict:
        if not obj:
            return "{}"
        if not all(type(k) is str for k in obj):
            return json.dumps(obj, ensure_ascii=False, indent=2).replace("\n", "\n" + pad)
        items = ",\n".join([f"{inner}{_q(k)}: {indented(v, inner)}" for k, v in obj.items()])
        return f"{{\n{items}\n{pad}}}"
    if type(obj) is list or type(obj) is tuple:
        if not obj:
            return "[]"
        items = ",\n".join([inner + indented(v, inner) for v in obj])
        return f"[\n{items}\n{pad}]"
    if obj is None:
        return "null"
    if obj is True:
        return "true"
    if obj is False:
        return "false"
    if isinstance(obj, int):
        return int.__repr__(obj)
    return json.dumps(obj, ensure_ascii=False, indent=2).replace("\n", "\n" + pad)


class _Escaped(dict[str, str]):
    """Texts as JSON strings, each escaped when first asked for."""

    def __missing__(self, text: str) -> str:
        out = self[text] = _q(text)
        return out


@cache
def _applicability() -> dict[int, str]:
    """:attr:`Diagnosis.applicability`'s word, by its number (the causes imported when one is worded)."""
    from fundaudit.causes._base import Applicability

    return {int(a): a.word for a in Applicability}


# diagnosis_json's fields, then the materiality's, in a finding's JSON after its "drafted"
# (:meth:`_Chunk._table`): each fixed text, then the column of its value; the closing text last
_DIAGNOSIS = (
    ', "diagnosis": {"cause": ', "", ', "severity": ', "", ', "root": ', "", ', "text": ', "",
    ', "applicability": "', "", '", "corrections": ', "", ', "figures": [', "", '], "explains": [', "",
    ']}, "materiality": {"amount": "', "", '", "unit": ', "", ', "percent": ', "", "}",
)  # fmt: skip
_ENCODED = Words._fields.index("encoded")
_SEVERITY = 8  # the columns of a finding's severity, hint and drafted in that table
_HINT = 38
_MARKED = 39

# the fields of a figure's entry (:meth:`_Chunk.figures`)
(
    _REF,
    _NAME,
    _VALUE,
    _UNIT_TEXT,
    _TERM,
    _UNIT,
    _EXP,
    _LINE,
    _CODE,
    _SOURCE_FILE,
    _YAML_FILE,
    _YAML_LINE,
    _DRAFTED,
    _LABEL,
) = range(14)
