"""`fundaudit causes`: the cause catalogue with its documentation (why a relation fails)."""

# No ``from __future__ import annotations``: typer reads the commands' annotations.
from typing import Annotated

import typer

from fundaudit.cli._common import LANG_HELP, use_language


def causes(lang: Annotated[str | None, typer.Option("--lang", help=LANG_HELP)] = None) -> None:
    """List the causes a failing relation is diagnosed with, their severity and documentation."""
    from fundaudit.causes import REGISTRY
    from fundaudit.cli.catalogue import print_doc
    from fundaudit.i18n import _
    from fundaudit.i18n.terms import severity_name

    use_language(lang)
    for cause in REGISTRY:
        print(f"{cause.id} ({severity_name(cause.severity)}): {_(cause.title)}")
        print_doc(cause.doc)
