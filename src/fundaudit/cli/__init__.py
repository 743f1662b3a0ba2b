"""The command line: a thin layer over load → rules → findings → report.

One module per command (or pair of related commands); this file is the one explicit registry.
Exit codes: 0 every relation holds (or is within rounding); 1 a mismatch (or a check that
could not run); 2 invalid input or usage.
"""

import sys

import typer

from fundaudit.cli import baseline, catalogue, causes, check, diff, export, fmt, report, sources

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Audit government budget documents: footing, cross-footing and rounding-aware verdicts.",
    pretty_exceptions_enable=False,
)

# name → function, in the order `fundaudit --help` lists them
COMMANDS = (
    ("check", check.check),
    ("baseline", baseline.baseline_cmd),
    ("diff", diff.diff),
    ("report", report.report),
    ("fmt", fmt.fmt_cmd),
    ("verify-sources", sources.verify_sources),
    ("coverage", sources.coverage_cmd),
    ("schema", catalogue.schema),
    ("rules", catalogue.rules),
    ("causes", causes.causes),
    ("export", export.export_cmd),
)
for _name, _function in COMMANDS:
    app.command(_name)(_function)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover
        sys.exit(130)
