"""`fundaudit verify-sources` and `coverage`: the data against the source documents."""

# No ``from __future__ import annotations``: typer reads the commands' annotations, and
# string annotations would each be compiled on every start (about 10 ms).
import sys
from pathlib import Path
from typing import Annotated

import typer

from fundaudit.cli._common import DEFAULT_DATA, LANG_HELP, _usage, _with_sources, use_language
from fundaudit.i18n import N_, _


def verify_sources(
    path: Annotated[Path, typer.Argument(help=N_("Entry data file."))] = DEFAULT_DATA,
    sources: Annotated[Path | None, typer.Option(help=N_("Source documents folder (else $FUNDAUDIT_SOURCES)."))] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json")] = "text",
    lang: Annotated[str | None, typer.Option("--lang", help=LANG_HELP)] = None,
) -> None:
    """Check that every figure's digits and unit are written on the source line it cites."""
    use_language(lang)
    import json

    from fundaudit.provenance.verify import verify
    from fundaudit.report.escape import text

    if fmt not in ("text", "json"):
        _usage(_("unknown format {fmt!r} (choose from text, json)").format(fmt=fmt))
    with _with_sources(path, sources, fmt) as (budget, folder):
        result = verify(budget, folder)
    if fmt == "json":
        doc = {
            "checked": result.checked,
            "verified_by": result.by_method,
            "unverified": [
                {
                    "ref": u.figure.ref,
                    "value": u.figure.value.text(),
                    "unit": u.figure.unit.text,
                    "reason": u.reason,
                    "location": {"file": u.figure.yaml.file, "line": u.figure.yaml.line},
                    "source": {"file": u.figure.source.file, "line": u.figure.source.line},
                }
                for u in result.unverified
            ],
        }
        sys.stdout.write(json.dumps(doc, ensure_ascii=False, indent=2) + "\n")
    else:
        for u in result.unverified:
            print(text(u))
        methods = _(", ").join(
            _("{n} by {method}").format(n=n, method=_(m)) for m, n in sorted(result.by_method.items())
        )
        print(
            _("{checked} figures, {n} unverified ({methods})").format(
                checked=result.checked, n=len(result.unverified), methods=methods
            )
        )
    raise typer.Exit(1 if result.unverified else 0)


def coverage_cmd(
    path: Annotated[Path, typer.Argument(help=N_("Entry data file."))] = DEFAULT_DATA,
    sources: Annotated[Path | None, typer.Option(help=N_("Source documents folder (else $FUNDAUDIT_SOURCES)."))] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json | markdown")] = "text",
    ignore: Annotated[
        Path | None, typer.Option(help=N_("Ignore list (default: coverage-ignore.yaml beside PATH)."))
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", help=LANG_HELP)] = None,
) -> None:
    """How many of each source document's figure tokens the data encodes, per document and program."""
    use_language(lang)
    import json

    from fundaudit.provenance import SourcesError
    from fundaudit.provenance.coverage import coverage, read_ignore, render, to_json

    if fmt not in ("text", "json", "markdown"):
        _usage(_("unknown format {fmt!r} (choose from text, json, markdown)").format(fmt=fmt))
    try:
        ignored = read_ignore(ignore or path.parent / "coverage-ignore.yaml")
        with _with_sources(path, sources, fmt) as (budget, folder):
            report = coverage(budget, folder, ignored)
    except SourcesError as exc:
        _usage(str(exc), fmt)
    if fmt == "json":
        sys.stdout.write(json.dumps(to_json(report), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render(report, fmt))
