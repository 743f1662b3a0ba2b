"""The notebook API: load, audit, frames, filtering, and a rich display in Jupyter."""

from __future__ import annotations

import html
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fundaudit.findings import Finding, Verdict
from fundaudit.loader import load as _load_model
from fundaudit.model import Budget
from fundaudit.runner import Audit, run

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
        document: str | None = None,
        program: str | None = None,
        verdict: str | Verdict | tuple[str | Verdict, ...] | None = None,
        rule: str | None = None,
    ) -> Findings:
        """Findings of one document / program (name or id) / verdict(s) / rule."""
        verdicts = None
        if verdict is not None:
            verdicts = {Verdict(v) for v in (verdict if isinstance(verdict, tuple) else (verdict,))}
        kept = tuple(
            f
            for f in self.items
            if (document is None or f.document == document)
            and (program is None or program in (f.program, f.id.split("::", 1)[-1].split("#")[0].split("/")[0]))
            and (verdicts is None or f.verdict in verdicts)
            and (rule is None or f.rule == rule)
        )
        return Findings(kept, self.audit)

    @property
    def failed(self) -> Findings:
        return self.filter(verdict=(Verdict.MISMATCH, Verdict.ERROR))

    def to_frame(self) -> pd.DataFrame:
        from fundaudit.frames import findings_frame

        return findings_frame(self.items)

    def summary(self) -> dict[str, int]:
        counts = {v.value: 0 for v in Verdict}
        for f in self.items:
            counts[f.verdict.value] += 1
        return counts

    def __repr__(self) -> str:
        counts = ", ".join(f"{n} {v}" for v, n in self.summary().items() if n)
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


def audit(budget: BudgetData | Budget | str | Path = "data/budgets.yaml") -> Findings:
    """Run every registered rule; the findings of every relation, including those that hold.

    ``budget`` is loaded data, a model, or the path of a data file to load first.
    """
    if isinstance(budget, str | Path):
        budget = load(budget)
    model = budget.model if isinstance(budget, BudgetData) else budget
    result = run(model)
    return Findings(result.findings, result)
