"""The command line: a thin layer over load → rules → findings → report.

Exit codes: 0 every relation holds (or is within rounding); 1 a mismatch (or a check that
could not run); 2 invalid input or usage.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from fundaudit.tolerance import Policy

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Audit government budget documents: footing, cross-footing and rounding-aware verdicts.",
    pretty_exceptions_enable=False,
)

DEFAULT_DATA = Path("data/budgets.yaml")


def _load(path: Path):  # type: ignore[no-untyped-def]
    from fundaudit.errors import InvalidData
    from fundaudit.load import load

    try:
        return load(path)
    except InvalidData as exc:
        for err in exc.errors:
            print(err, file=sys.stderr)
        print(f"{len(exc.errors)} error(s): the data was not audited", file=sys.stderr)
        raise typer.Exit(2) from None


@app.command()
def check(
    path: Annotated[Path, typer.Argument(help="Entry data file.")] = DEFAULT_DATA,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json")] = "text",
    show_all: Annotated[bool, typer.Option("--all", help="Include relations that hold.")] = False,
    tolerance: Annotated[Policy, typer.Option(help="Rounding tolerance policy.")] = Policy.DIGITS,
) -> None:
    """Check every stated relation of the data; print findings; exit 1 on any mismatch."""
    from fundaudit.audit import run
    from fundaudit.report import FORMATS, renderer
    from fundaudit.tolerance import Tolerance

    if fmt not in FORMATS:
        print(f"error: unknown format {fmt!r} (choose from {', '.join(FORMATS)})", file=sys.stderr)
        raise typer.Exit(2)
    budget = _load(path)
    audit = run(budget, Tolerance(tolerance))
    sys.stdout.write(renderer(fmt)(audit, show_all))
    raise typer.Exit(1 if audit.failed else 0)


@app.command()
def rules() -> None:
    """List the rules with their documentation."""
    from fundaudit.rules import REGISTRY

    for rule in REGISTRY:
        print(f"{rule.id}: {rule.title}")
        body = rule.doc.split("\n", 1)[1].strip() if "\n" in rule.doc else ""
        for line in body.splitlines():
            print(f"    {line}" if line else "")
        print()


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover
        sys.exit(130)


def _register_extensions() -> None:
    from fundaudit.sources_cli import register

    register(app)


_register_extensions()
