"""What every command shares: loading data, auditing it, and the two ways to exit with 2.

Both exits print plain ``file:line: message`` lines (escaped) on stderr; with a machine
format (``fmt`` other than text) they also write that format's error document on stdout
(``fundaudit.report.failure``), so a CI step never reads an empty or invalid file.
"""

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from fundaudit.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from fundaudit.errors import InvalidData
    from fundaudit.runner import Audit
    from fundaudit.tolerance import Tolerance

DEFAULT_DATA = Path("data/budgets.yaml")
LANG_HELP = N_("Language of the text a person reads: zh (default) | en; else $FUNDAUDIT_LANG.")


def use_language(lang: str | None) -> None:
    """Set the language of person-facing text (``--lang``); an unknown one is a usage error."""
    if lang is None:
        return
    from fundaudit.i18n import LANGUAGES, LanguageError, set_language

    try:
        set_language(lang)
    except LanguageError:
        _usage(_("unknown language {lang!r} (choose from {choices})").format(lang=lang, choices=", ".join(LANGUAGES)))


def _load(path: Path, fmt: str = "text", documents: bool = True):  # type: ignore[no-untyped-def]
    """The budget of a data file, or of a budget document drafted in memory (``documents``);
    a command that rewrites its data (``fmt``) passes ``documents=False`` and is refused one."""
    from fundaudit.errors import InvalidData
    from fundaudit.loader import load

    if _is_document(path):
        if not documents:
            _usage(
                _(
                    "{path} is a budget document, not fundaudit data: `fundaudit draft {path}` writes an encoding of it"
                ).format(path=path),
                fmt,
                str(path),
            )
        return _draft(path, fmt)
    from fundaudit.progress import large_yaml, stage

    try:
        with stage(_("reading {path}").format(path=path), large_yaml(path)):
            return load(path)
    except InvalidData as exc:
        _invalid(exc, fmt, str(path))


def _audit(
    path: Path, tolerance: "Tolerance", engine: str = "native", spark_master: str | None = None, fmt: str = "text"
) -> "Audit":
    """Audit YAML data, or a directory of figures/relations tables (Parquet or CSV)."""
    from fundaudit.columnar.group import allow_workers

    allow_workers()  # the command's main module is safe to start again in a worker process
    verdicts = None
    if engine != "native":
        from fundaudit.columnar import sql_engine as sqlengine

        if engine not in sqlengine.ENGINES:
            _usage(
                _("unknown engine {engine!r} (choose from {choices})").format(
                    engine=engine, choices=", ".join(sqlengine.ENGINES)
                ),
                fmt,
            )
        verdicts = sqlengine.engine(engine, path if path.is_dir() else None, spark_master)
    if path.is_dir():
        from fundaudit.columnar import read as reading
        from fundaudit.errors import InvalidData
        from fundaudit.progress import large, stage
        from fundaudit.runner import judge

        reading.lean_memory_pool()
        big = large(path)
        try:
            with stage(_("reading {path}").format(path=path), big):
                columns = reading.read(path)
        except InvalidData as exc:
            _invalid(exc, fmt, str(path))
        with stage(_("judging {count} relations").format(count=f"{len(columns.relations):,}"), big):
            return judge(columns, tolerance, engine=verdicts)
    from fundaudit.runner import run

    budget = _load(path, fmt)  # a budget document is drafted in memory
    from fundaudit.progress import large_yaml, stage

    big = large_yaml(path)
    with stage(_("judging the relations of {count} figures").format(count=f"{len(budget.figures):,}"), big):
        return run(budget, tolerance, engine=verdicts)


# the suffixes of fundaudit.draft.readers.READERS, named here so that a check of YAML does not
# import the drafter (about 90 ms); a test holds the two equal
DOCUMENT_SUFFIXES = (".txt", ".text", ".docx", ".html", ".htm", ".pdf")


def _is_document(path: Path) -> bool:
    """Whether ``path`` is a budget document to draft in memory, not data."""
    return path.suffix.lower() in DOCUMENT_SUFFIXES and not path.is_dir()


def _draft(path: Path, fmt: str = "text"):  # type: ignore[no-untyped-def]
    with _drafted(path, fmt) as (budget, _folder):
        return budget


@contextmanager
def _drafted(path: Path, fmt: str = "text"):  # type: ignore[no-untyped-def]
    """The budget of a document drafted in memory and the folder of the text its figures cite,
    alive until the ``with`` block ends; a document that cannot be read exits with 2."""
    from fundaudit.draft.build import drafted
    from fundaudit.draft.readers import ReadError
    from fundaudit.errors import InvalidData
    from fundaudit.progress import large, stage

    try:
        with stage(_("drafting {path}").format(path=path), large(path, weight=64)), drafted(path) as found:
            yield found
    except ReadError as exc:
        _usage(str(exc), fmt, str(path))
    except InvalidData as exc:
        _invalid(exc, fmt, str(path))


@contextmanager
def _with_sources(path: Path, sources: Path | None, fmt: str):  # type: ignore[no-untyped-def]
    """The budget at ``path`` and the folder of its source documents: ``sources``, else
    ``$FUNDAUDIT_SOURCES``; for a document drafted in memory, else the text it was read from."""
    from fundaudit.provenance import SourcesError, sources_dir

    if _is_document(path):
        with _drafted(path, fmt) as (budget, folder):
            yield budget, sources or folder
        return
    try:
        folder = sources_dir(sources)
    except SourcesError as exc:
        _usage(str(exc), fmt)
    yield _load(path, fmt), folder


def _invalid(exc: "InvalidData", fmt: str = "text", data: str = "") -> NoReturn:
    from fundaudit.report import failure
    from fundaudit.report.escape import text

    for err in exc.errors:
        print(text(err), file=sys.stderr)
    print(
        ngettext("{n} error: the data was not audited", "{n} errors: the data was not audited", len(exc.errors)).format(
            n=len(exc.errors)
        ),
        file=sys.stderr,
    )
    problems = [failure.Problem(e.file, e.line, e.message) for e in exc.errors]
    sys.stdout.write(failure.render(fmt, problems, data))
    raise typer.Exit(2)


def _usage(message: str, fmt: str = "text", where: str = "") -> NoReturn:
    """Exit 2 for a usage problem; ``where`` is the file it concerns (for machine formats)."""
    from fundaudit.report import failure
    from fundaudit.report.escape import text

    print(_("error: {message}").format(message=text(message)), file=sys.stderr)
    sys.stdout.write(failure.render(fmt, [failure.Problem(where or "fundaudit", 0, message)], where))
    raise typer.Exit(2)
