"""The notebook API: load, audit, frames, filtering, and a rich display in Jupyter."""

from __future__ import annotations

import html
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fundaudit.findings import Finding, Verdict
from fundaudit.loader import load as _load_model
from fundaudit.model import Budget
from fundaudit.runner import Audit, run
from fundaudit.tolerance import DEFAULT, Policy, Tolerance

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class BudgetData:
    """Loaded budget data. ``model`` is the typed model; the frames are built on demand."""

    model: Budget

    def figures(self) -> pd.DataFrame:
        """Every figure with its exact value, unit and both locations (``frames.FIGURES_SCHEMA``)."""
        from fundaudit.frames import figures_frame

        return figures_frame(self.model)

    def relations(self) -> pd.DataFrame:
        """Every relation the rules check (``frames.RELATIONS_SCHEMA``)."""
        from fundaudit.frames import relations_frame

        return relations_frame(self.model)

    @property
    def documents(self) -> list[str]:
        return [d.id for d in self.model.documents]

    def __repr__(self) -> str:
        return (
            f"<BudgetData {self.model.path}: {len(self.model.documents)} documents, {len(self.model.figures)} figures>"
        )


@dataclass(frozen=True)
class Findings:
    """Audit findings: iterable, filterable, a DataFrame on demand, a table in Jupyter."""

    items: tuple[Finding, ...]
    audit: Audit

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def filter(
        self,
        document: str | Iterable[str] | None = None,
        program: str | Iterable[str] | None = None,
        verdict: str | Verdict | Iterable[str | Verdict] | None = None,
        rule: str | Iterable[str] | None = None,
        severity: str | Iterable[str] | None = None,
    ) -> Findings:
        """Findings of the given documents / programs (names or ids) / verdicts / rules / severities.

        Each filter takes one value or any iterable of values (a list, a tuple, a set, a
        pandas Series); the filters given must all hold.
        """
        documents, programs, rules, severities = map(_values, (document, program, rule, severity))
        verdicts = None if verdict is None else {Verdict(v) for v in _values(verdict) or ()}
        kept = tuple(
            f
            for f in self.items
            if (documents is None or f.document in documents)
            and (programs is None or bool({f.program, _program_id(f)} & programs))
            and (verdicts is None or f.verdict in verdicts)
            and (rules is None or f.rule in rules)
            and (severities is None or f.severity in severities)
        )
        return Findings(kept, self.audit)

    @property
    def failed(self) -> Findings:
        """The mismatches and errors."""
        return self.filter(verdict=(Verdict.MISMATCH, Verdict.ERROR))

    @property
    def summary(self) -> dict[str, int]:
        """Findings per verdict (every verdict, zero where none)."""
        counts = {v.value: 0 for v in Verdict}
        for f in self.items:
            counts[f.verdict.value] += 1
        return counts

    def to_frame(self) -> pd.DataFrame:
        from fundaudit.frames import findings_frame

        return findings_frame(self.items)

    def __repr__(self) -> str:
        counts = ", ".join(f"{n} {v}" for v, n in self.summary.items() if n)
        return f"<Findings: {len(self.items)} ({counts})>"

    def _repr_html_(self) -> str:
        head = "".join(
            f"<th>{h}</th>"
            for h in (
                "verdict",
                "rule",
                "subject",
                "total",
                "parts sum",
                "diff",
                "tolerance",
                "YAML",
                "source",
            )
        )
        rows = []
        for f in self.items[:500]:
            cells = (
                f.verdict.value,
                f.rule,
                f.subject,
                f"{f.total} {f.unit}",
                f.parts_sum,
                f.diff,
                f.tolerance,
                f"{f.location.file}:{f.location.line}",
                f"{f.source.file}:{f.source.line}",
            )
            rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
        more = f"<p>… {len(self.items) - 500} more</p>" if len(self.items) > 500 else ""
        return (
            f"<p>{html.escape(repr(self))}</p><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>{more}"
        )


def load(path: str | Path = "data/budgets.yaml") -> BudgetData:
    """Load budget data; raises ``fundaudit.errors.InvalidData`` listing every error."""
    return BudgetData(_load_model(path))


def audit(
    budget: BudgetData | Budget | str | Path = "data/budgets.yaml",
    tolerance: Tolerance | Policy | str = DEFAULT,
) -> Findings:
    """Run every registered rule; the findings of every relation, including those that hold.

    ``budget`` is loaded data, a model, or the path of a data file to load first;
    ``tolerance`` a policy (``"digits"`` — the default —, ``"digits-all"``, ``"exact"``) or a
    :class:`~fundaudit.tolerance.Tolerance`.
    """
    if isinstance(budget, str | Path):
        budget = load(budget)
    model = budget.model if isinstance(budget, BudgetData) else budget
    if not isinstance(tolerance, Tolerance):
        tolerance = Tolerance(Policy(tolerance))
    result = run(model, tolerance)
    return Findings(result.findings, result)


def _values(given: object) -> set[str] | None:
    """One value or any iterable of values, as a set of strings (``None``: no filter)."""
    if given is None:
        return None
    if isinstance(given, str):
        return {given}
    if isinstance(given, Iterable):
        return {str(v.value) if isinstance(v, Verdict) else str(v) for v in given}
    return {str(given)}


def _program_id(f: Finding) -> str:
    return f.id.split("::", 1)[-1].split("#")[0].split("/")[0]
