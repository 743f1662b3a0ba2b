"""`fundaudit baseline`: accept today's failing findings so CI fails only on new ones."""

# No ``from __future__ import annotations``: typer reads the commands' annotations, and
# string annotations would each be compiled on every start (about 10 ms).
import sys
from pathlib import Path
from typing import Annotated

import typer

from fundaudit.cli._common import DEFAULT_DATA, LANG_HELP, _load, _usage, use_language
from fundaudit.i18n import N_, _


def baseline_cmd(
    path: Annotated[Path, typer.Argument(help=N_("Entry data file."))] = DEFAULT_DATA,
    out: Annotated[Path, typer.Option(help=N_("Baseline file to write."))] = Path("fundaudit-baseline.json"),
    lang: Annotated[str | None, typer.Option("--lang", help=LANG_HELP)] = None,
) -> None:
    """Record the current failing findings as accepted; keeps reasons already written in OUT."""
    use_language(lang)
    from fundaudit import baseline as bl
    from fundaudit.runner import run

    audit = run(_load(path))
    previous = {}
    if out.exists():
        try:
            previous = bl.read(out)
        except bl.BaselineError as exc:
            _usage(str(exc))
    doc = bl.build(audit, previous)
    from fundaudit.outputs import write_text

    write_text(out, bl.dumps(doc))
    print(
        _("{out}: {n} accepted findings; fill in each 'reason'").format(out=out, n=len(doc["entries"])), file=sys.stderr
    )
