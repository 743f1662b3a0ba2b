"""`fundaudit check`: audit the data and print the findings in one of the output formats."""

# No ``from __future__ import annotations``: typer reads the commands' annotations, and
# string annotations would each be compiled on every start (about 10 ms).
import sys
from pathlib import Path
from typing import Annotated

import typer

from fundaudit.cli._common import DEFAULT_DATA, LANG_HELP, _audit, _usage, use_language
from fundaudit.i18n import N_, _
from fundaudit.tolerance import Policy


def check(
    path: Annotated[
        Path,
        typer.Argument(
            help=N_(
                "Entry data file, a file it includes, a data folder, or a folder of tables from `fundaudit export`."
            )
        ),
    ] = DEFAULT_DATA,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json | jsonl | github | sarif | junit")] = "text",
    show_all: Annotated[bool, typer.Option("--all", help=N_("Include relations that hold."))] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help=N_("Text: the full arithmetic under each finding."))
    ] = False,
    verdict: Annotated[
        list[str] | None,
        typer.Option(help=N_("Only these verdicts (repeat or comma-separate: mismatch,incomplete or 不符).")),
    ] = None,
    rule: Annotated[
        list[str] | None, typer.Option(help=N_("Only these rules (ids, as `fundaudit rules` lists)."))
    ] = None,
    document: Annotated[list[str] | None, typer.Option(help=N_("Only these documents (ids)."))] = None,
    program: Annotated[list[str] | None, typer.Option(help=N_("Only these programs (names or ids)."))] = None,
    severity: Annotated[
        list[str] | None, typer.Option(help=N_("Only these severities: error | warning | info | ok."))
    ] = None,
    tolerance: Annotated[Policy, typer.Option(help=N_("Rounding tolerance policy."))] = Policy.DIGITS,
    baseline: Annotated[
        Path | None,
        typer.Option(help=N_("Accepted findings (from `fundaudit baseline`): fail only on new ones.")),
    ] = None,
    engine: Annotated[
        str, typer.Option(help=N_("Who evaluates the relations: native (numpy) | duckdb | spark."))
    ] = "native",
    spark_master: Annotated[
        str | None, typer.Option(help=N_("Spark master URL (default $FUNDAUDIT_SPARK_MASTER or local[*])."))
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", help=LANG_HELP)] = None,
    confirmed_only: Annotated[
        bool, typer.Option("--confirmed-only", help=N_("Leave out relations a draft read and no person confirmed."))
    ] = False,
    fail_on: Annotated[
        str, typer.Option("--fail-on", help=N_("Exit 1 on findings of this severity or worse: error | warning."))
    ] = "error",
    sort: Annotated[
        str, typer.Option("--sort", help=N_("location (default) | materiality: the largest differences first."))
    ] = "location",
) -> None:
    """Check every stated relation of the data; print findings; exit 1 on any mismatch."""
    from dataclasses import replace

    from fundaudit.cli import _select
    from fundaudit.i18n import _
    from fundaudit.report import FORMATS
    from fundaudit.report.escape import text
    from fundaudit.tolerance import Tolerance

    use_language(lang)
    if fail_on not in ("error", "warning"):
        _usage(_("unknown --fail-on {value!r} (choose from error, warning)").format(value=fail_on), fmt)
    if sort not in ("location", "materiality"):
        _usage(_("unknown --sort {value!r} (choose from location, materiality)").format(value=sort), fmt)
    if fmt not in FORMATS:
        _usage(_("unknown format {format!r} (choose from {choices})").format(format=fmt, choices=", ".join(FORMATS)))
    try:
        chosen = _select.filters(verdict, rule, document, program, severity)
        where = _select.target(path)
    except _select.PathError as exc:
        _usage(str(exc), fmt, str(path))
    entries = None
    if baseline is not None:  # read it first: a bad baseline is a usage error, before any work
        from fundaudit import baseline as bl

        try:
            entries = bl.read(baseline)
        except bl.BaselineError as exc:
            _usage(str(exc), fmt, str(baseline))
    if where.included is not None:
        docs = ", ".join(sorted(where.documents or ())) or _("all")
        said = _("{file}: auditing {data} (documents: {documents})")
        print(
            said.format(file=text(str(where.included)), data=text(str(where.path)), documents=text(docs)),
            file=sys.stderr,
        )
    if where.documents:
        chosen = replace(chosen, documents=chosen.documents or where.documents)
    elif entries is None and not (chosen.active or confirmed_only) and (sort, engine) == ("location", "native"):
        from fundaudit.cli._common import _is_document
        from fundaudit.loader.fast import quick_check

        # a large data set's JSON from each file's findings as stored, when it can be (None: the usual way)
        failed = (
            None
            if _is_document(where.path)
            else quick_check(where.path, Tolerance(tolerance), fmt, show_all, fail_on, sys.stdout)
        )
        if failed is not None:
            raise typer.Exit(1 if failed else 0)
    audit = _audit(where.path, Tolerance(tolerance), engine, spark_master, fmt)
    hidden: frozenset[str] = frozenset()
    if chosen.active:
        hidden = chosen.hidden_in(audit, show_all)
    if confirmed_only:  # drafted relations are hidden and do not fail the check
        from fundaudit.report.pieces import drafted

        hidden |= drafted(audit)  # from the columns, without wording every finding
    if hidden:
        audit = audit.hiding(hidden)  # the diagnoses a --severity filter read, kept
    if sort != "location":
        audit = replace(audit, order=sort)
    if entries is None:
        _write(audit, fmt, show_all, verbose)
        failed = audit.fails(fail_on)  # severity from the cause: a rounding or revision is a warning
        raise typer.Exit(1 if failed else 0)
    cmp = bl.compare(audit, entries)
    if fmt == "sarif":  # SARIF shows accepted results, marked with suppressions and baselineState
        from fundaudit.report import sarif

        sarif.write(audit, show_all, sys.stdout, cmp)
    else:
        accepted = {f.id for f in cmp.accepted}
        audit_shown = audit if show_all else replace(audit, hidden=hidden | accepted)
        _write(audit_shown, fmt, show_all, verbose)
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


def _write(audit: "object", fmt: str, show_all: bool, verbose: bool) -> None:
    from fundaudit.progress import stage
    from fundaudit.report import writer
    from fundaudit.runner import Audit

    assert isinstance(audit, Audit)
    with stage(
        _("wording the findings of {count} relations").format(count=f"{len(audit.codes):,}"),
        len(audit.codes) >= 100_000,
    ):
        if fmt == "text":  # written as the findings are worded: memory does not grow with their number
            from fundaudit.report import text

            text.write(audit, show_all, sys.stdout, verbose)
        else:
            writer(fmt)(audit, show_all, sys.stdout)
