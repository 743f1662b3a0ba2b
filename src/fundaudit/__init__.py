"""fundaudit: audit government budget documents with exact arithmetic and full provenance.

>>> import fundaudit
>>> budget = fundaudit.load("data/budgets.yaml")
>>> findings = fundaudit.audit(budget)
>>> findings.filter(verdict="mismatch").to_frame()
"""

from __future__ import annotations

import os as _os
import signal as _signal
import sys as _sys


def _quiet_interrupt_while_starting() -> None:
    """Ctrl-C while the command line starts (its imports, about 0.2 s) ends it as the system
    would, without Python's traceback of an import; :func:`fundaudit.cli.run` gives Ctrl-C back
    to Python (KeyboardInterrupt: exit 130). Only when this process is the command line."""
    orig = getattr(_sys, "orig_argv", [])
    if _os.path.basename(_sys.argv[0]) != "fundaudit" and orig[1:3] != ["-m", "fundaudit"]:
        return
    try:
        if _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:
            _signal.signal(_signal.SIGINT, _signal.SIG_DFL)
    except ValueError:  # not the main thread
        pass


_quiet_interrupt_while_starting()

from typing import TYPE_CHECKING, Any  # noqa: E402

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
