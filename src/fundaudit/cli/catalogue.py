"""`fundaudit schema` and `rules`: the data format's JSON Schema and the rule catalogue."""

# No ``from __future__ import annotations``: typer reads the commands' annotations, and
# string annotations would each be compiled on every start (about 10 ms).
import sys
from typing import Annotated

import typer

from fundaudit.cli._common import LANG_HELP, use_language


def schema() -> None:
    """Print the JSON Schema of the data format (for editors' YAML language servers)."""
    import json

    from fundaudit.schema import SCHEMA

    sys.stdout.write(json.dumps(SCHEMA, ensure_ascii=False, indent=2) + "\n")


def rules(lang: Annotated[str | None, typer.Option("--lang", help=LANG_HELP)] = None) -> None:
    """List the rules with their documentation."""
    from fundaudit.i18n import _
    from fundaudit.rules import REGISTRY

    use_language(lang)
    for rule in REGISTRY:
        print(f"{rule.id}: {_(rule.title)}")
        print_doc(rule.doc)


def print_doc(doc: str) -> None:
    """A rule's or cause's module docstring in the current language, without its first line, indented."""
    from fundaudit.i18n import pgettext

    text = pgettext("doc", doc) if doc else ""
    body = text.split("\n", 1)[1].strip() if "\n" in text else ""
    for line in body.splitlines():
        print(f"    {line}" if line else "")
    print()
