"""`fundaudit export`: the figures and relations as Parquet/CSV tables."""

# No ``from __future__ import annotations``: typer reads the commands' annotations, and
# string annotations would each be compiled on every start (about 10 ms).
from pathlib import Path
from typing import Annotated

import typer

from fundaudit.cli._common import DEFAULT_DATA, LANG_HELP, _invalid, _load, _usage, use_language
from fundaudit.i18n import N_, _


def export_cmd(
    path: Annotated[Path, typer.Argument(help=N_("Entry data file."))] = DEFAULT_DATA,
    to: Annotated[Path, typer.Option("--to", help=N_("Directory to write the tables into."))] = Path("build/tables"),
    fmt: Annotated[str, typer.Option("--format", "-f", help="parquet | csv")] = "parquet",
    lang: Annotated[str | None, typer.Option("--lang", help=LANG_HELP)] = None,
) -> None:
    """Write the figures and the relations the rules derive as tables that `check DIR` audits."""
    use_language(lang)
    from fundaudit.columnar import write as writing
    from fundaudit.columnar.arrays import from_relations
    from fundaudit.columnar.schema import FORMATS
    from fundaudit.rules import REGISTRY

    if fmt not in FORMATS:
        _usage(_("unknown table format {fmt!r} (choose from {choices})").format(fmt=fmt, choices=", ".join(FORMATS)))
    from fundaudit.cli._select import ENTRY

    if (to / ENTRY).is_file():  # `check TO` would then read the tables, not the data edited after
        _usage(
            _(
                "{folder} holds {entry}: the tables go into a folder of their own "
                "(`check` of a folder reads one or the other)"
            ).format(folder=to, entry=ENTRY)
        )
    budget = _load(path)
    relations = [r for rule in REGISTRY for r in rule.derive(budget)]
    cols = from_relations(budget.path, len(budget.documents), budget.figures, relations)
    from fundaudit.errors import InvalidData
    from fundaudit.progress import large_yaml, stage

    try:
        with stage(_("writing the tables into {folder}").format(folder=to), large_yaml(path)):
            written = writing.write(cols, to, fmt)
    except InvalidData as exc:
        _invalid(exc)
    except ValueError as exc:  # a name holds the CSV list separator
        _usage(str(exc))
    for path in written:
        print(path)
