"""fundaudit: audit government budget documents with exact arithmetic and full provenance."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from fundaudit.audit import Audit
    from fundaudit.model import Budget

__version__ = "0.1.0"


def load(path: str | Path) -> Budget:
    """Load budget data (``data/budgets.yaml``); raises ``InvalidData`` listing every error."""
    from fundaudit.load import load as _load

    return _load(path)


def audit(budget: Budget) -> Audit:
    """Run every registered rule over ``budget``."""
    from fundaudit.audit import run

    return run(budget)


__all__ = ["__version__", "audit", "load"]
