"""The runner: every registered rule over the budget, every relation evaluated, findings out.

Rules derive relations from the model; the relations are laid out in columns
(:mod:`fundaudit.columnar.arrays`) and judged in one vectorized pass (:mod:`fundaudit.columnar.numpy_engine`). Data
that arrives as tables (:mod:`fundaudit.columnar.read`) enters at the same point. Findings are
worded only for the relations that are shown. A budget of fewer than :data:`SMALL`
relations is judged relation by relation in exact Python (:func:`fundaudit.judge.verdict`)
instead: for the few thousand relations of hand-kept data that is faster than importing
numpy. A rule that raises is turned into an ``error`` finding that names it, never a traceback.

Failing relations (``mismatch``, ``incomplete``, ``revised``) are diagnosed lazily, when their
findings are worded (:mod:`fundaudit.causes.localise`): the diagnosis is advice and never
changes a verdict.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

from fundaudit.findings import (
    FAILING,
    REVISED_BY,
    SEVERITY_RANK,
    VERDICT_CODE,
    VERDICT_OF_CODE,
    Finding,
    Relation,
    Verdict,
    severity_of,
)
from fundaudit.gcpause import paused
from fundaudit.judge import explain, verdict
from fundaudit.model import Budget, Figure, Loc
from fundaudit.rules import REGISTRY, Rule
from fundaudit.tolerance import DEFAULT, Tolerance

if TYPE_CHECKING:
    import numpy as np

    from fundaudit.causes._base import Diagnosis
    from fundaudit.causes.localise import Result
    from fundaudit.columnar.arrays import Columns
    from fundaudit.columnar.diagnoses import Beside, Diagnoses
    from fundaudit.columnar.group import EncodedDiagnosis

    Engine = Callable[[Columns, Tolerance], np.ndarray[Any, Any]]

QUIET = frozenset({Verdict.MATCH, Verdict.WITHIN})
SMALL = 5_000  # relations; fewer are judged one by one in exact Python, without numpy
CHUNK = 4_096  # findings worded at a time when they are streamed (:meth:`Audit.iter_shown`): ~20 KB each in flight


@dataclass(frozen=True, eq=False)
class RelationList:
    """A small audit's relations as model objects: what :class:`Columns` holds for a large one."""

    path: str
    documents: int
    stated_figures: int
    relations: tuple[Relation, ...]

    def relations_at(self, rows: Sequence[int]) -> list[Relation]:
        return [self.relations[i] for i in rows]


@dataclass(frozen=True, eq=False)
class Audit:
    """The result of auditing one budget: a verdict per relation, findings worded on demand.

    ``budget`` is the model when the data was loaded from YAML (the human reports need it);
    ``None`` for data read from tables.
    """

    columns: Columns | RelationList
    codes: np.ndarray[Any, Any] | list[int] = field(repr=False)  # verdict index per relation
    tolerance: Tolerance
    crashes: tuple[Finding, ...] = ()
    budget: Budget | None = None
    hidden: frozenset[str] = frozenset()  # finding ids not to show (accepted in a baseline)
    order: str = "location"  # or "materiality": the largest differences first (money by 元)

    @property
    def path(self) -> str:
        return self.columns.path

    def hiding(self, ids: frozenset[str]) -> Audit:
        """This audit with the findings ``ids`` hidden too, keeping the diagnoses it has made
        (they do not depend on what is shown: a filter that read the causes' severities would
        otherwise have the writer diagnose every failing relation again)."""
        out = replace(self, hidden=self.hidden | ids)
        for name in ("bulk", "diagnoses"):  # cached properties, computed once
            if name in self.__dict__:
                out.__dict__[name] = self.__dict__[name]
        return out

    @property
    def model(self) -> Budget:
        """The loaded model; only audits of YAML data have one."""
        if self.budget is None:
            raise ValueError(f"{self.path}: this needs the YAML data, not tables")
        return self.budget

    @cached_property
    def findings(self) -> tuple[Finding, ...]:
        """Every relation's finding (and any crashed rule), in a stable order."""
        return self._worded(range(len(self.codes)))

    def shown(self, show_all: bool) -> tuple[Finding, ...]:
        """The findings a report shows: all of them, or those that are not a plain match."""
        if show_all:
            return self.findings
        if isinstance(self.codes, list) or len(self.codes) < SMALL:
            return self._not_quiet  # worded once: a writer and its summary share them
        return self._quiet_left_out()

    @cached_property
    def _not_quiet(self) -> tuple[Finding, ...]:
        return self._quiet_left_out()

    def _quiet_left_out(self) -> tuple[Finding, ...]:
        if isinstance(self.codes, list):
            quiet_codes = {VERDICT_CODE[v] for v in QUIET}
            return self._worded([i for i, c in enumerate(self.codes) if c not in quiet_codes])
        import numpy as np

        quiet = np.isin(self.codes, [VERDICT_CODE[v] for v in QUIET])
        return self._worded(np.flatnonzero(~quiet).tolist())

    def iter_shown(self, show_all: bool) -> Iterator[Finding]:
        """The findings of :meth:`shown`, in the same order, worded :data:`CHUNK` at a time.

        The order is computed from the columns (file, line, id) before any finding is
        worded, so that a writer holds one chunk at a time: memory does not grow with the
        number of findings. Small audits and the materiality order are worded at once.
        """
        chunks = self.chunks(show_all)
        if chunks is None:
            yield from self.shown(show_all)
            return
        for chunk in chunks:
            rels = [c for c in chunk if isinstance(c, int)]
            worded = iter(self._word(rels))
            yield from (next(worded) if isinstance(c, int) else c for c in chunk)

    def chunks(self, show_all: bool) -> Iterator[list[int | Finding]] | None:
        """The order of :meth:`iter_shown`, :data:`CHUNK` at a time, before any finding is worded:
        relation indices, and the crashed rules' findings where they stand. ``None`` for the
        audits that are worded at once (small ones, and the materiality order)."""
        if isinstance(self.codes, list) or self.order != "location" or len(self.codes) < SMALL:
            return None
        import numpy as np

        from fundaudit.columnar.order import located

        rows = np.arange(len(self.codes))
        if not show_all:
            rows = rows[~np.isin(self.codes, [VERDICT_CODE[v] for v in QUIET])]
        assert not isinstance(self.columns, RelationList)
        crashes = [f for f in self.crashes if f.id not in self.hidden]
        return located(self.columns, rows, self.hidden, crashes, CHUNK)

    def iter_findings(self) -> Iterator[Finding]:
        """Every relation's finding, as :attr:`findings`, worded a chunk at a time."""
        return self.iter_shown(True)

    def any_diagnosed(self, show_all: bool) -> bool:
        """Whether a finding :meth:`shown` has a diagnosis, known without wording them."""
        if isinstance(self.codes, list) or len(self.codes) < SMALL:
            return any(f.diagnosis is not None for f in self.shown(show_all))

        from fundaudit.columnar.arrays import take

        assert not isinstance(self.columns, RelationList)
        rows = self._failing_at().tolist()
        if not rows or self.bulk.spool is None:  # nothing failing, or the diagnosis could not run
            return False
        return any(rid not in self.hidden for rid in take(self.columns.relations.id, rows))

    @property
    def diagnosis_notes(self) -> tuple[str, ...]:
        """Causes that could not run (and why), for the reports."""
        return self.bulk.notes if self._in_groups else self.diagnoses.notes

    @property
    def _in_groups(self) -> bool:
        """Whether the failing relations are diagnosed group by group (:attr:`bulk`): large table data."""
        return not isinstance(self.codes, list) and len(self.codes) >= SMALL

    @cached_property
    def bulk(self) -> Diagnoses:
        """The diagnoses of a large audit, by independent group (:mod:`fundaudit.columnar.diagnoses`)."""

        from fundaudit.columnar.diagnoses import diagnose_groups

        pending = self.__dict__.pop("_beside", None)
        if pending is not None:
            return cast("Beside", pending).result()
        assert not isinstance(self.columns, RelationList)
        return diagnose_groups(self.columns, self._failing_at(), self.tolerance)

    def _failing_at(self) -> np.ndarray[Any, Any]:
        """The rows of a large audit's failing relations (what :attr:`bulk` diagnoses)."""
        import numpy as np

        return np.flatnonzero(np.isin(self.codes, [VERDICT_CODE[v] for v in FAILING]))

    def diagnose_beside(self) -> bool:
        """Start the diagnosis of a large audit in a worker beside this process
        (:class:`fundaudit.columnar.diagnoses.Beside`), when it would be made here alone and is not
        made yet; whether it is being made there (:attr:`bulk` then waits for it, and
        :meth:`stop_beside` ends it)."""
        if "_beside" in self.__dict__:
            return True
        if not self._in_groups or "bulk" in self.__dict__:
            return False
        from fundaudit.columnar.diagnoses import beside

        assert not isinstance(self.columns, RelationList)
        pending = beside(self.columns, self._failing_at(), self.tolerance)
        if pending is None:
            return False
        self.__dict__["_beside"] = pending
        return True

    def diagnosed(self) -> bool:
        """Whether :attr:`bulk` can be read without waiting for a diagnosis made beside."""
        pending = self.__dict__.get("_beside")
        return pending is None or cast("Beside", pending).done()

    def stop_beside(self) -> None:
        """End a diagnosis made beside whose result is not read (an error, Ctrl-C)."""
        pending = self.__dict__.pop("_beside", None)
        if pending is not None:
            cast("Beside", pending).close()

    def found(self, rows: Sequence[int]) -> Mapping[str, Diagnosis]:
        """The diagnoses of the failing relations among ``rows`` (by id; others may be there too)."""
        return self.bulk.found(rows) if self._in_groups else self.diagnoses.diagnoses

    def _word(self, indices: Sequence[int] | range) -> list[Finding]:
        """The findings of the relations at ``indices``, in that order, with their diagnoses."""
        from fundaudit.i18n import language, using

        # many small acyclic objects: collections would only walk them; the language is read
        # once ($FUNDAUDIT_LANG is otherwise looked up for each of the ~16 words of a finding)
        with paused(), using(language()):
            worded = [explain(rel, self.tolerance) for rel in self.columns.relations_at(indices)]
            if any(f.verdict in FAILING for f in worded):
                found = self.found(indices)
                worded = [
                    replace(f, diagnosis=found[f.id], hint=found[f.id].text) if f.id in found else f for f in worded
                ]
        return worded

    def _worded(self, indices: Sequence[int] | range) -> tuple[Finding, ...]:
        worded = self._word(indices)
        worded.extend(self.crashes)
        if self.hidden:
            worded = [f for f in worded if f.id not in self.hidden]
        worded.sort(key=lambda f: (f.location.file, f.location.line, f.id))
        if self.order == "materiality":
            worded.sort(key=_by_materiality)
        return tuple(worded)

    def _failing_rows(self) -> list[int]:
        codes = {VERDICT_CODE[v] for v in FAILING}
        if isinstance(self.codes, list):
            return [i for i, c in enumerate(self.codes) if c in codes]
        import numpy as np

        return np.flatnonzero(np.isin(self.codes, sorted(codes))).tolist()

    @cached_property
    def diagnoses(self) -> Result:
        """Why each failing relation fails, localised across all of them (computed once, on demand).

        Every relation a failing relation's figure sits in is re-judged; for data read from
        tables, only the failing relations are (a semi-join over millions of rows is not done).
        """
        from fundaudit.causes.localise import Result, diagnose

        failing = self.columns.relations_at(self._failing_rows())
        if not failing:
            return Result({})
        refs = {f.ref for rel in failing for f in (rel.total, *rel.parts)}
        if isinstance(self.columns, RelationList):
            pool: Sequence[Relation] = self.columns.relations
        elif len(self.codes) < SMALL:  # hand-kept data as tables: judged as its YAML is
            pool = self.columns.relations_at(range(len(self.codes)))
        else:
            pool = failing
        uses: dict[str, list[Relation]] = {}
        for rel in pool:
            for f in (rel.total, *rel.parts):
                if f.ref in refs:
                    uses.setdefault(f.ref, []).append(rel)
        near: dict[str, dict[str, Figure]] = {}
        files = {rel.total.yaml.file for rel in failing}
        for rel in pool:  # the figures stated in relations, as tables know them
            for fig in (rel.total, *rel.parts):
                if fig.yaml.file in files:
                    near.setdefault(fig.yaml.file, {}).setdefault(fig.ref, fig)
        nearby = {file: list(figs.values()) for file, figs in near.items()}
        from fundaudit.causes import cache
        from fundaudit.i18n import language

        where = cache.folder() if isinstance(self.columns, RelationList) else None
        digest = cache.key(failing, uses, nearby, self.tolerance, language()) if where is not None else ""
        stored = cache.read(where, digest, uses, nearby)
        if stored is not None:
            return Result(stored)
        try:
            result = diagnose(failing, uses, self.tolerance, nearby=nearby)
        except Exception as exc:  # diagnosis is advice: a crash is noted, verdicts stand
            return Result({}, (f"diagnosis could not run: {type(exc).__name__}: {exc}",))
        if not result.notes:  # a diagnosis with a crashed cause is not kept
            cache.write(where, digest, result.diagnoses)
        return result

    def fails(self, level: str = "error") -> bool:
        """True when a finding (not hidden) has severity ``level`` or worse (``error`` | ``warning``).

        Read from the verdict codes and the diagnoses (a diagnosed failing finding takes its
        cause's severity, :attr:`Finding.severity`): no finding is worded again.
        """
        if not any(self.counts[v.value] for v in (*FAILING, Verdict.ERROR)):
            return False
        rank = SEVERITY_RANK[level]
        if any(f.id not in self.hidden and SEVERITY_RANK[f.severity] >= rank for f in self.crashes):
            return True
        codes = {VERDICT_CODE[v] for v in (*FAILING, Verdict.ERROR)}
        if isinstance(self.codes, list):
            rows = [i for i, c in enumerate(self.codes) if c in codes]
            ids = [rel.id for rel in self.columns.relations_at(rows)]
            at = [self.codes[i] for i in rows]
        else:
            import numpy as np

            from fundaudit.columnar.arrays import take

            assert not isinstance(self.columns, RelationList)
            rows = np.flatnonzero(np.isin(self.codes, sorted(codes))).tolist()
            ids = take(self.columns.relations.id, rows)
            at = self.codes[rows].tolist()
        for start in range(0, len(ids), CHUNK):  # the diagnoses are read a chunk at a time
            chunk = slice(start, start + CHUNK)
            failing = any(VERDICT_OF_CODE[c] in FAILING for c in at[chunk])
            found: Mapping[str, Diagnosis | EncodedDiagnosis] = {}
            if failing:  # a large audit's diagnoses as the tuples they are stored as: no objects made
                found = self.bulk.severities(rows[chunk]) if self._in_groups else self.found(rows[chunk])
            for rid, code in zip(ids[chunk], at[chunk], strict=True):
                if rid in self.hidden:
                    continue
                v = VERDICT_OF_CODE[code]
                if SEVERITY_RANK[severity_of(v, found.get(rid))] >= rank:
                    return True
        return False

    @cached_property
    def counts(self) -> dict[str, int]:
        """Findings per verdict, every verdict present (zero where none)."""
        if isinstance(self.codes, list):
            counted = Counter(self.codes)
            per_code: Sequence[int] = [counted[i] for i in range(len(VERDICT_CODE))]
        else:
            import numpy as np

            per_code = np.bincount(self.codes.astype(np.int64), minlength=len(VERDICT_CODE)).tolist()
        out = {v.value: int(per_code[i]) for v, i in VERDICT_CODE.items()}
        out[Verdict.ERROR.value] += len(self.crashes)
        return out

    @property
    def failed(self) -> bool:
        """True when a finding has severity ``error``: a likely slip, or a check that could not run."""
        return self.fails("error")

    def summary(self) -> dict[str, int]:
        return {
            "documents": self.columns.documents,
            "figures": self.columns.stated_figures,
            "relations": len(self.codes) + len(self.crashes),
            **self.counts,
        }


def _by_materiality(f: Finding) -> tuple[int, Any, Any]:
    m = f.materiality
    return (2, 0, 0) if m is None else m.sort_key()


def run(
    budget: Budget,
    tolerance: Tolerance = DEFAULT,
    rules: Sequence[Rule] = REGISTRY,
    engine: Engine | None = None,
) -> Audit:
    """Audit ``budget`` with ``rules`` (all registered rules by default).

    ``engine`` computes the verdicts over columns (:func:`fundaudit.columnar.numpy_engine.verdicts` when the
    budget has :data:`SMALL` relations or more); without one, a small budget is judged by
    the exact reference, relation by relation.
    """
    relations: list[Relation] = []
    crashes: list[Finding] = []
    with paused():
        for rule in rules:
            try:
                derived = list(rule.derive(budget))
            except Exception as exc:  # a crashing rule is a finding, not a traceback
                crashes.append(crashed(budget.path, rule.id, exc))
                continue
            relations.extend(derived)
    if engine is None and len(relations) < SMALL:
        listed = RelationList(budget.path, len(budget.documents), len(budget.figures), tuple(relations))
        codes = [VERDICT_CODE[verdict(rel, tolerance)] for rel in relations]
        return Audit(listed, codes, tolerance, tuple(crashes), budget)
    from fundaudit.columnar.arrays import from_relations

    columns = from_relations(budget.path, len(budget.documents), budget.figures, relations)
    return judge(columns, tolerance, tuple(crashes), budget, engine)


def judge(
    columns: Columns,
    tolerance: Tolerance = DEFAULT,
    crashes: tuple[Finding, ...] = (),
    budget: Budget | None = None,
    engine: Engine | None = None,
) -> Audit:
    """Give every relation of ``columns`` its verdict; an engine crash becomes a finding.

    ``engine`` computes the verdict codes (default: :func:`fundaudit.columnar.numpy_engine.verdicts`).
    """
    import numpy as np

    from fundaudit.columnar.arrays import Columns
    from fundaudit.columnar.numpy_engine import verdicts

    try:
        codes = revised_codes((engine or verdicts)(columns, tolerance), columns)
    except Exception as exc:
        codes = np.zeros(0, dtype=np.int8)
        columns = Columns(columns.path, columns.documents, columns.figures, _no_relations(columns))
        crashes = (*crashes, crashed(columns.path, "engine", exc))
    return Audit(columns, codes, tolerance, crashes, budget)


def revised_codes(codes: np.ndarray[Any, Any], columns: Columns) -> np.ndarray[Any, Any]:
    """Mismatches of a ``supersedes`` link are ``revised`` (the engines judge them as sums)."""
    import numpy as np

    from fundaudit.columnar.arrays import take

    rows = np.flatnonzero(codes == VERDICT_CODE[Verdict.MISMATCH]).tolist()
    rules, notes = take(columns.relations.rule, rows), take(columns.relations.note, rows)
    revised = [
        i
        for i, rule, note in zip(rows, rules, notes, strict=True)
        if rule == "cross-document" and note and note.startswith(REVISED_BY)
    ]
    if revised:
        codes = np.array(codes, copy=True)
        codes[revised] = VERDICT_CODE[Verdict.REVISED]
    return codes


def _no_relations(columns: Columns) -> Any:
    from fundaudit.columnar.arrays import from_relations

    return from_relations(columns.path, 0, [], []).relations


def crashed(path: str, rule: str, exc: Exception) -> Finding:
    """The finding that says a rule (or the engine) could not run."""
    return Finding(
        id=f"{rule}#crash",
        rule=rule,
        verdict=Verdict.ERROR,
        total="",
        unit="",
        parts_sum="",
        diff="",
        tolerance="",
        source=Loc("", 0),
        location=Loc(path, 1),
        message=f"rule {rule!r} could not run: {type(exc).__name__}: {exc}",
        document="",
        program="",
        subject="",
    )
