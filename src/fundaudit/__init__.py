"""fundaudit: audit government budget documents with exact arithmetic and full provenance.

>>> import fundaudit
>>> budget = fundaudit.load("data/budgets.yaml")
>>> findings = fundaudit.audit(budget)
>>> findings.filter(verdict="mismatch").to_frame()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from fundaudit.api import BudgetData, Findings, audit, load


def __getattr__(name: str) -> Any:
    # the notebook API is imported on first use, so the CLI does not pay for it
    if name in ("load", "audit", "BudgetData", "Findings"):
        from fundaudit import api

        return getattr(api, name)
    raise AttributeError(name)


__all__ = ["BudgetData", "Findings", "__version__", "audit", "load"]
