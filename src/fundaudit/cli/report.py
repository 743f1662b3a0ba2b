"""`fundaudit report`: the report bundle for people (Markdown, HTML, CSV, JSON, Excel)."""

# No ``from __future__ import annotations``: typer reads the commands' annotations, and
# string annotations would each be compiled on every start (about 10 ms).
import sys
from pathlib import Path
from typing import Annotated

import typer

from fundaudit.cli._common import DEFAULT_DATA, LANG_HELP, _load, use_language
from fundaudit.i18n import N_, _


def report(
    path: Annotated[Path, typer.Argument(help=N_("Entry data file."))] = DEFAULT_DATA,
    out: Annotated[Path, typer.Option(help=N_("Folder for the reports."))] = Path("reports"),
    check_only: Annotated[
        bool, typer.Option("--check", help=N_("Write nothing; exit 1 if the reports in OUT are stale."))
    ] = False,
    lang: Annotated[str | None, typer.Option("--lang", help=LANG_HELP)] = None,
) -> None:
    """Write audit.md, audit.html, findings.txt, findings.csv, findings.json and audit.xlsx into OUT.

    The HTML embeds the cited source lines when $FUNDAUDIT_SOURCES names the source documents.
    """
    from fundaudit.report import bundle
    from fundaudit.runner import run

    use_language(lang)
    audit = run(_load(path))
    if check_only:
        stale = bundle.stale(audit, out)
        for name in stale:
            print(_("{file}: stale (run `fundaudit report`)").format(file=out / name), file=sys.stderr)
        raise typer.Exit(1 if stale else 0)
    from fundaudit.progress import large_yaml, stage

    with stage(_("writing the reports into {folder}").format(folder=out), large_yaml(path)):
        written = bundle.write(audit, out)
    for path_written in written:
        print(path_written)
