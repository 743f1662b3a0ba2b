"""`fundaudit fmt`: rewrite the data files in canonical form."""

# No ``from __future__ import annotations``: typer reads the commands' annotations, and
# string annotations would each be compiled on every start (about 10 ms).
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer

from fundaudit.cli._common import DEFAULT_DATA, LANG_HELP, _load, _usage, use_language
from fundaudit.i18n import N_, _
from fundaudit.report.escape import text


def fmt_cmd(
    path: Annotated[Path, typer.Argument(help=N_("Entry data file."))] = DEFAULT_DATA,
    check_only: Annotated[
        bool, typer.Option("--check", help=N_("Write nothing; exit 1 if a file would change."))
    ] = False,
    lang: Annotated[str | None, typer.Option("--lang", help=LANG_HELP)] = None,
) -> None:
    """Rewrite the data files in canonical form, keeping comments, order and every figure's digits."""
    use_language(lang)
    import tempfile

    from fundaudit import fmt
    from fundaudit.outputs import write_all

    before = _load(path, documents=False)
    try:
        files = fmt.data_files(path)
        spots = fmt.figure_spots(before)
        old_text = {f: f.read_text(encoding="utf-8") for f in files}
        new_text = {f: fmt.format_text(old_text[f], spots.get(str(f.resolve()), Counter()), str(f)) for f in files}
        changed = [f for f in files if new_text[f] != old_text[f]]
        for f in changed:  # the whole data of each file, read back: only figures respaced
            if not fmt.same_data(fmt.plain_data(old_text[f], str(f)), fmt.plain_data(new_text[f], str(f))):
                _usage(
                    _(
                        "{file}: formatting would change data that is not a figure; nothing was written "
                        "(please report this)"
                    ).format(file=f)
                )
    except (fmt.FormatError, OSError, UnicodeDecodeError) as exc:
        _usage(str(exc))
    with tempfile.TemporaryDirectory(prefix="fundaudit-fmt-") as tmp:
        root = path.parent.resolve()
        for f in files:  # the entry by its own name (it may be a link), includes as they resolve
            target = Path(tmp) / (path.name if f == path else f.resolve().relative_to(root))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(new_text[f], encoding="utf-8")
        after = _load(Path(tmp) / path.name)
    if fmt.signature(after) != fmt.signature(before):
        _usage(_("formatting would change a figure; nothing was written (please report this)"))
    if check_only:
        for f in changed:
            print(_("{file}: would reformat").format(file=text(f)), file=sys.stderr)
        raise typer.Exit(1 if changed else 0)
    write_all({f: new_text[f].encode("utf-8") for f in changed})
    for f in changed:
        print(_("{file}: reformatted").format(file=text(f)), file=sys.stderr)
