"""`fundaudit fmt`: rewrite the data files in canonical form."""

# No ``from __future__ import annotations``: typer reads the commands' annotations, and
# string annotations would each be compiled on every start (about 10 ms).
import sys
from pathlib import Path
from typing import Annotated

import typer

from fundaudit.cli._common import DEFAULT_DATA, _load, _usage


def fmt_cmd(
    path: Annotated[Path, typer.Argument(help="Entry data file.")] = DEFAULT_DATA,
    check_only: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if a file would change.")] = False,
) -> None:
    """Rewrite the data files in canonical form, keeping comments, order and every figure's digits."""
    import tempfile

    from fundaudit import fmt
    from fundaudit.outputs import write_text

    before = _load(path)
    files = fmt.data_files(path)
    new_text = {f: fmt.format_text(f.read_text(encoding="utf-8")) for f in files}
    changed = [f for f in files if new_text[f] != f.read_text(encoding="utf-8")]
    with tempfile.TemporaryDirectory(prefix="fundaudit-fmt-") as tmp:
        root = path.parent.resolve()
        for f in files:
            target = Path(tmp) / f.resolve().relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(new_text[f], encoding="utf-8")
        after = _load(Path(tmp) / path.name)
    if fmt.signature(after) != fmt.signature(before):
        _usage("formatting would change a figure; nothing was written (please report this)")
    for f in changed:
        if check_only:
            print(f"{f}: would reformat", file=sys.stderr)
        else:
            write_text(f, new_text[f])
            print(f"{f}: reformatted", file=sys.stderr)
    if check_only and changed:
        raise typer.Exit(1)
