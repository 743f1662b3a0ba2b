"""`fundaudit diff`: what changed between two versions of the data."""

# No ``from __future__ import annotations``: typer reads the commands' annotations, and
# string annotations would each be compiled on every start (about 10 ms).
import sys
from pathlib import Path
from typing import Annotated

import typer

from fundaudit.cli._common import DEFAULT_DATA, LANG_HELP, _load, _usage, use_language
from fundaudit.i18n import N_, _


def diff(
    old: Annotated[Path | None, typer.Argument(help=N_("Old entry data file."))] = None,
    new: Annotated[Path, typer.Argument(help=N_("New entry data file."))] = DEFAULT_DATA,
    git: Annotated[str | None, typer.Option("--git", help=N_("Compare NEW against this git revision."))] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json")] = "text",
    lang: Annotated[str | None, typer.Option("--lang", help=LANG_HELP)] = None,
) -> None:
    """Figures added, removed and changed, and relations whose verdict changed."""
    use_language(lang)
    import json

    from fundaudit import diff as d

    if fmt not in ("text", "json"):
        _usage(_("unknown format {fmt!r} (choose from text, json)").format(fmt=fmt))
    if git is not None and old is not None:
        new, old = old, None  # `diff --git REV PATH`: the one path is the new data
    if (old is None) == (git is None):
        _usage(_("give either OLD and NEW, or --git REV [NEW]"))
    with d.temporary_dir() as tmp:
        if git is not None:
            try:
                old = d.checkout_at(git, new, Path(tmp))
            except d.GitError as exc:
                _usage(str(exc), fmt)
        assert old is not None
        result = d.compare(_load(old, fmt), _load(new, fmt))
    if fmt == "json":
        sys.stdout.write(json.dumps(d.to_json(result), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(d.to_text(result))
