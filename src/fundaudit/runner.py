"""The runner: every registered rule over the budget, every relation evaluated, findings out.

A rule that raises is turned into an ``error`` finding that names it, never a traceback.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from fundaudit.engine import evaluate
from fundaudit.findings import Finding, Relation, Verdict
from fundaudit.model import Budget, Loc
from fundaudit.rules import REGISTRY, Rule
from fundaudit.tolerance import DEFAULT, Tolerance


@dataclass(frozen=True, slots=True)
class Audit:
    """The result of auditing one budget: every relation's finding, in a stable order."""

    budget: Budget
    findings: tuple[Finding, ...]
    tolerance: Tolerance

    @property
    def counts(self) -> dict[str, int]:
        """Findings per verdict, every verdict present (zero where none)."""
        c = Counter(f.verdict for f in self.findings)
        return {v.value: c.get(v, 0) for v in Verdict}

    @property
    def failed(self) -> bool:
        """True when any relation does not hold or could not be checked for an error."""
        return any(f.verdict in (Verdict.MISMATCH, Verdict.ERROR) for f in self.findings)

    def summary(self) -> dict[str, int]:
        return {
            "documents": len(self.budget.documents),
            "figures": len(self.budget.figures),
            "relations": len(self.findings),
            **self.counts,
        }


def run(budget: Budget, tolerance: Tolerance = DEFAULT, rules: Sequence[Rule] = REGISTRY) -> Audit:
    """Audit ``budget`` with ``rules`` (all registered rules by default)."""
    relations: list[Relation] = []
    findings: list[Finding] = []
    for rule in rules:
        try:
            derived = list(rule.derive(budget))
        except Exception as exc:  # a crashing rule is a finding, not a traceback
            findings.append(_crashed(budget, rule.id, exc))
            continue
        relations.extend(derived)
    try:
        findings.extend(evaluate(relations, tolerance))
    except Exception as exc:
        findings.append(_crashed(budget, "engine", exc))
    findings.sort(key=lambda f: (f.location.file, f.location.line, f.id))
    return Audit(budget, tuple(findings), tolerance)


def _crashed(budget: Budget, rule: str, exc: Exception) -> Finding:
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
        location=Loc(budget.path, 1),
        message=f"rule {rule!r} could not run: {type(exc).__name__}: {exc}",
        document="",
        program="",
        subject="",
    )
