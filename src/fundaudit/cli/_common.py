"""What every command shares: loading data, auditing it, and the two ways to exit with 2."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

if TYPE_CHECKING:
    from fundaudit.errors import InvalidData
    from fundaudit.runner import Audit
    from fundaudit.tolerance import Tolerance

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

    if path.suffix.lower() in DOCUMENT_SUFFIXES:  # a budget document: draft it in memory, then audit
        return run(_draft(path), tolerance, engine=verdicts)
    return run(_load(path), tolerance, engine=verdicts)


DOCUMENT_SUFFIXES = (".txt", ".text", ".docx", ".html", ".htm", ".pdf")


def _draft(path: Path):  # type: ignore[no-untyped-def]
    from fundaudit.draft.build import draft_budget
    from fundaudit.draft.readers import ReadError
    from fundaudit.errors import InvalidData

    try:
        return draft_budget(path)[0]
    except ReadError as exc:
        _usage(str(exc))
    except InvalidData as exc:
        _invalid(exc)


def _invalid(exc: "InvalidData") -> NoReturn:
    for err in exc.errors:
        print(err, file=sys.stderr)
    print(f"{len(exc.errors)} error(s): the data was not audited", file=sys.stderr)
    raise typer.Exit(2)


def _usage(message: str) -> NoReturn:
    print(f"error: {message}", file=sys.stderr)
    raise typer.Exit(2)
