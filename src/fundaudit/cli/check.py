"""`fundaudit check`: audit the data and print the findings in one of the output formats."""

# No ``from __future__ import annotations``: typer reads the commands' annotations, and
# string annotations would each be compiled on every start (about 10 ms).
import sys
from pathlib import Path
from typing import Annotated

import typer

from fundaudit.cli._common import DEFAULT_DATA, _audit, _usage
from fundaudit.tolerance import Policy


def check(
    path: Annotated[
        Path, typer.Argument(help="Entry data file, or a directory of tables from `fundaudit export`.")
    ] = DEFAULT_DATA,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json | github | sarif | junit")] = "text",
    show_all: Annotated[bool, typer.Option("--all", help="Include relations that hold.")] = False,
    tolerance: Annotated[Policy, typer.Option(help="Rounding tolerance policy.")] = Policy.DIGITS,
    baseline: Annotated[
        Path | None,
        typer.Option(help="Accepted findings (from `fundaudit baseline`): fail only on new ones."),
    ] = None,
    engine: Annotated[
        str, typer.Option(help="Who evaluates the relations: native (numpy) | duckdb | spark.")
    ] = "native",
    spark_master: Annotated[
        str | None, typer.Option(help="Spark master URL (default $FUNDAUDIT_SPARK_MASTER or local[*]).")
    ] = None,
) -> None:
    """Check every stated relation of the data; print findings; exit 1 on any mismatch."""
    from dataclasses import replace

    from fundaudit.report import FORMATS, renderer
    from fundaudit.report.escape import text
    from fundaudit.tolerance import Tolerance

    if fmt not in FORMATS:
        _usage(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    entries = None
    if baseline is not None:  # read it first: a bad baseline is a usage error, before any work
        from fundaudit import baseline as bl

        try:
            entries = bl.read(baseline)
        except bl.BaselineError as exc:
            _usage(str(exc), fmt, str(baseline))
    audit = _audit(path, Tolerance(tolerance), engine, spark_master, fmt)
    if entries is None:
        sys.stdout.write(renderer(fmt)(audit, show_all))
        raise typer.Exit(1 if audit.failed else 0)
    cmp = bl.compare(audit, entries)
    if fmt == "sarif":  # SARIF shows accepted results, marked with suppressions and baselineState
        from fundaudit.report import sarif

        sys.stdout.write(sarif.render(audit, show_all, cmp))
    else:
        accepted = {f.id for f in cmp.accepted}
        audit_shown = audit if show_all else replace(audit, hidden=frozenset(accepted))
        sys.stdout.write(renderer(fmt)(audit_shown, show_all))
    if bl.legacy(entries):
        print(
            f"{text(baseline)}: a version 1 baseline records no figures, so it accepts nothing: "
            f"run `fundaudit baseline --out {text(baseline)}` to record them (reasons are kept)",
            file=sys.stderr,
        )
    for entry in cmp.stale:
        print(
            f"{text(baseline)}: stale baseline entry {text(entry.id)} (no longer found with these figures): "
            f"{text(entry.message)}",
            file=sys.stderr,
        )
    print(
        f"baseline: {len(cmp.accepted)} accepted, {len(cmp.new)} new ({len(cmp.updated)} with changed figures), "
        f"{len(cmp.stale)} stale",
        file=sys.stderr,
    )
    raise typer.Exit(1 if cmp.new else 0)
