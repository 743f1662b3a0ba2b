"""The command line: a thin layer over load → rules → findings → report.

Exit codes: 0 every relation holds (or is within rounding); 1 a mismatch (or a check that
could not run); 2 invalid input or usage.
"""

# No ``from __future__ import annotations``: typer reads the commands' annotations, and
# string annotations would each be compiled on every start (about 10 ms).
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from fundaudit.tolerance import Policy

if TYPE_CHECKING:
    from fundaudit.errors import InvalidData
    from fundaudit.runner import Audit
    from fundaudit.tolerance import Tolerance

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Audit government budget documents: footing, cross-footing and rounding-aware verdicts.",
    pretty_exceptions_enable=False,
)

DEFAULT_DATA = Path("data/budgets.yaml")


def _load(path: Path):  # type: ignore[no-untyped-def]
    from fundaudit.errors import InvalidData
    from fundaudit.loader import load

    try:
        return load(path)
    except InvalidData as exc:
        _invalid(exc)


def _audit(path: Path, tolerance: "Tolerance", engine: str = "native", spark_master: str | None = None) -> "Audit":
    """Audit YAML data, or a directory of figures/relations tables (Parquet or CSV)."""
    verdicts = None
    if engine != "native":
        from fundaudit.columnar import sql_engine as sqlengine

        if engine not in sqlengine.ENGINES:
            _usage(f"unknown engine {engine!r} (choose from {', '.join(sqlengine.ENGINES)})")
        verdicts = sqlengine.engine(engine, path if path.is_dir() else None, spark_master)
    if path.is_dir():
        from fundaudit.columnar import files as columnar
        from fundaudit.errors import InvalidData
        from fundaudit.runner import judge

        columnar.lean_memory_pool()
        try:
            columns = columnar.read(path)
        except InvalidData as exc:
            _invalid(exc)
        return judge(columns, tolerance, engine=verdicts)
    from fundaudit.runner import run

    return run(_load(path), tolerance, engine=verdicts)


def _invalid(exc: "InvalidData") -> NoReturn:
    for err in exc.errors:
        print(err, file=sys.stderr)
    print(f"{len(exc.errors)} error(s): the data was not audited", file=sys.stderr)
    raise typer.Exit(2)


@app.command()
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
    from fundaudit.tolerance import Tolerance

    if fmt not in FORMATS:
        _usage(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")
    audit = _audit(path, Tolerance(tolerance), engine, spark_master)
    failed = audit.failed
    if baseline is not None:
        from fundaudit import baseline as bl

        try:
            entries = bl.read(baseline)
        except bl.BaselineError as exc:
            _usage(str(exc))
        cmp = bl.compare(audit, entries)
        accepted = {f.id for f in cmp.accepted}
        audit_shown = audit if show_all else replace(audit, hidden=frozenset(accepted))
        sys.stdout.write(renderer(fmt)(audit_shown, show_all))
        for entry in cmp.stale:
            print(
                f"{baseline}: stale baseline entry {entry.id} (no longer found): {entry.message}",
                file=sys.stderr,
            )
        print(
            f"baseline: {len(cmp.accepted)} accepted, {len(cmp.new)} new, {len(cmp.stale)} stale",
            file=sys.stderr,
        )
        failed = bool(cmp.new)
    else:
        sys.stdout.write(renderer(fmt)(audit, show_all))
    raise typer.Exit(1 if failed else 0)


def _usage(message: str) -> NoReturn:
    print(f"error: {message}", file=sys.stderr)
    raise typer.Exit(2)


@app.command("baseline")
def baseline_cmd(
    path: Annotated[Path, typer.Argument(help="Entry data file.")] = DEFAULT_DATA,
    out: Annotated[Path, typer.Option(help="Baseline file to write.")] = Path("fundaudit-baseline.json"),
) -> None:
    """Record the current failing findings as accepted; keeps reasons already written in OUT."""
    from fundaudit import baseline as bl
    from fundaudit.runner import run

    audit = run(_load(path))
    previous = {}
    if out.exists():
        try:
            previous = bl.read(out)
        except bl.BaselineError as exc:
            _usage(str(exc))
    doc = bl.build(audit, previous)
    out.write_text(bl.dumps(doc), encoding="utf-8")
    print(f"{out}: {len(doc['entries'])} accepted findings; fill in each 'reason'", file=sys.stderr)


@app.command()
def diff(
    old: Annotated[Path | None, typer.Argument(help="Old entry data file.")] = None,
    new: Annotated[Path, typer.Argument(help="New entry data file.")] = DEFAULT_DATA,
    git: Annotated[str | None, typer.Option("--git", help="Compare NEW against this git revision.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json")] = "text",
) -> None:
    """Figures added, removed and changed, and relations whose verdict changed."""
    import json

    from fundaudit import diff as d

    if git is not None and old is not None:
        new, old = old, None  # `diff --git REV PATH`: the one path is the new data
    if (old is None) == (git is None):
        _usage("give either OLD and NEW, or --git REV [NEW]")
    with d.temporary_dir() as tmp:
        if git is not None:
            try:
                old = d.checkout_at(git, new, Path(tmp))
            except d.GitError as exc:
                _usage(str(exc))
        assert old is not None
        result = d.compare(_load(old), _load(new))
    if fmt == "json":
        sys.stdout.write(json.dumps(d.to_json(result), ensure_ascii=False, indent=2) + "\n")
    elif fmt == "text":
        sys.stdout.write(d.to_text(result))
    else:
        _usage(f"unknown format {fmt!r} (choose from text, json)")


@app.command()
def report(
    path: Annotated[Path, typer.Argument(help="Entry data file.")] = DEFAULT_DATA,
    out: Annotated[Path, typer.Option(help="Folder for the reports.")] = Path("reports"),
    check_only: Annotated[
        bool, typer.Option("--check", help="Write nothing; exit 1 if the reports in OUT are stale.")
    ] = False,
) -> None:
    """Write audit.md, audit.html, findings.csv, findings.json and audit.xlsx into OUT."""
    from fundaudit.report import bundle
    from fundaudit.runner import run

    audit = run(_load(path))
    if check_only:
        stale = bundle.stale(audit, out)
        for name in stale:
            print(f"{out / name}: stale (run `fundaudit report`)", file=sys.stderr)
        raise typer.Exit(1 if stale else 0)
    if out.exists() and not out.is_dir():
        _usage(f"{out} is not a folder")
    for written in bundle.write(audit, out):
        print(written)


@app.command("fmt")
def fmt_cmd(
    path: Annotated[Path, typer.Argument(help="Entry data file.")] = DEFAULT_DATA,
    check_only: Annotated[bool, typer.Option("--check", help="Write nothing; exit 1 if a file would change.")] = False,
) -> None:
    """Rewrite the data files in canonical form, keeping comments, order and every figure's digits."""
    import tempfile

    from fundaudit import fmt
    from fundaudit.report.safe import write_atomic

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
            write_atomic(f, new_text[f].encode("utf-8"))
            print(f"{f}: reformatted", file=sys.stderr)
    if check_only and changed:
        raise typer.Exit(1)


@app.command("verify-sources")
def verify_sources(
    path: Annotated[Path, typer.Argument(help="Entry data file.")] = DEFAULT_DATA,
    sources: Annotated[Path | None, typer.Option(help="Source documents folder (else $FUNDAUDIT_SOURCES).")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json")] = "text",
) -> None:
    """Check that every figure's digits and unit are written on the source line it cites."""
    import json

    from fundaudit.provenance import SourcesError, sources_dir
    from fundaudit.provenance.verify import verify

    try:
        folder = sources_dir(sources)
    except SourcesError as exc:
        _usage(str(exc))
    result = verify(_load(path), folder)
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
            print(u)
        methods = ", ".join(f"{n} by {m}" for m, n in sorted(result.by_method.items()))
        print(f"{result.checked} figures, {len(result.unverified)} unverified ({methods})")
    raise typer.Exit(1 if result.unverified else 0)


@app.command("coverage")
def coverage_cmd(
    path: Annotated[Path, typer.Argument(help="Entry data file.")] = DEFAULT_DATA,
    sources: Annotated[Path | None, typer.Option(help="Source documents folder (else $FUNDAUDIT_SOURCES).")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text | json | markdown")] = "text",
    ignore: Annotated[
        Path | None, typer.Option(help="Ignore list (default: coverage-ignore.yaml beside PATH).")
    ] = None,
) -> None:
    """How many of each source document's figure tokens the data encodes, per document and program."""
    import json

    from fundaudit.provenance import SourcesError, sources_dir
    from fundaudit.provenance.coverage import coverage, read_ignore, render, to_json

    try:
        folder = sources_dir(sources)
        ignored = read_ignore(ignore or path.parent / "coverage-ignore.yaml")
        report = coverage(_load(path), folder, ignored)
    except SourcesError as exc:
        _usage(str(exc))
    if fmt == "json":
        sys.stdout.write(json.dumps(to_json(report), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render(report, fmt))


@app.command()
def schema() -> None:
    """Print the JSON Schema of the data format (for editors' YAML language servers)."""
    import json

    from fundaudit.schema import SCHEMA

    sys.stdout.write(json.dumps(SCHEMA, ensure_ascii=False, indent=2) + "\n")


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


@app.command("export")
def export_cmd(
    path: Annotated[Path, typer.Argument(help="Entry data file.")] = DEFAULT_DATA,
    to: Annotated[Path, typer.Option("--to", help="Directory to write the tables into.")] = Path("build/tables"),
    fmt: Annotated[str, typer.Option("--format", "-f", help="parquet | csv")] = "parquet",
) -> None:
    """Write the figures and the relations the rules derive as tables that `check DIR` audits."""
    from fundaudit.columnar import files as columnar
    from fundaudit.columnar.arrays import from_relations
    from fundaudit.rules import REGISTRY

    if fmt not in columnar.FORMATS:
        _usage(f"unknown table format {fmt!r} (choose from {', '.join(columnar.FORMATS)})")
    budget = _load(path)
    relations = [r for rule in REGISTRY for r in rule.derive(budget)]
    cols = from_relations(budget.path, len(budget.documents), budget.figures, relations)
    for written in columnar.write(cols, to, fmt):
        print(written)


def main() -> None:
    try:
        app()
    except KeyboardInterrupt:  # pragma: no cover
        sys.exit(130)
