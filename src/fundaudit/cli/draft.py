"""`fundaudit draft`: read a budget document and write a reviewable encoding of it."""

# No ``from __future__ import annotations``: typer reads the annotations.
import sys
from pathlib import Path
from typing import Annotated

import typer

from fundaudit.cli._common import LANG_HELP, _invalid, _usage, use_language
from fundaudit.i18n import N_, _, pgettext


def draft_cmd(
    document: Annotated[
        Path | None, typer.Argument(help=N_("A budget document: .txt (UTF-8 or GB18030), .docx, .html, .pdf."))
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help=N_("Folder for budgets.yaml and the draft (default data/<id>/)."))
    ] = None,
    against: Annotated[
        Path | None, typer.Option(help=N_("Hand-kept data: list what the draft found that it lacks, and what differs."))
    ] = None,
    score: Annotated[
        Path | None,
        typer.Option(
            help=N_("Hand-kept data: print figure/relation/discrepancy recall and false alarms of the draft.")
        ),
    ] = None,
    list_: Annotated[bool, typer.Option("--list", help=N_("List the extractors with their documentation."))] = False,
    force: Annotated[
        bool, typer.Option("--force", help=N_("Replace a draft already in OUT (its confirmations are lost)."))
    ] = False,
    lang: Annotated[str | None, typer.Option("--lang", help=LANG_HELP)] = None,
) -> None:
    """Draft an encoding of DOCUMENT in the data format, every element marked drafted."""
    from fundaudit.draft.readers import ReadError

    use_language(lang)
    if list_:
        _list()
        raise typer.Exit(0)
    if document is None:
        _usage(_("give a document to draft (or --list for the patterns)"))
    try:
        if score is not None:
            _score(document, score)
        elif against is not None:
            raise typer.Exit(_against(document, against))
        else:
            _write(document, out, force)
    except ReadError as exc:
        _usage(str(exc))


def _list() -> None:
    """Each extractor's id, title, claim kinds and documentation (module docstring), in the current language."""
    from fundaudit.draft.extract import PIPELINE

    for ex in PIPELINE:
        kinds = _("requires {requires}, assigns {assigns}").format(
            requires=sorted(ex.requires), assigns=sorted(ex.assigns)
        )
        print(f"{ex.id}: {_(ex.title)}\n  {kinds}\n")
        doc = pgettext("doc", ex.doc) if ex.doc else ""
        print("\n".join(f"  {line}".rstrip() for line in doc.strip().splitlines()) + "\n")


def _write(document: Path, out: Path | None, force: bool) -> None:
    from fundaudit.draft.build import DraftExists, NotADraft, doc_id, write_draft
    from fundaudit.errors import InvalidData
    from fundaudit.loader import load
    from fundaudit.outputs import OutputError
    from fundaudit.progress import large, stage

    folder = out if out is not None else Path("data") / doc_id(document)
    try:
        with stage(_("drafting {path}").format(path=document), large(document, weight=64)):
            written = write_draft(document, folder, force=force)
    except NotADraft as exc:
        _usage(
            _(
                "{path}: {why}; nothing was written (--force replaces only an earlier draft; --out writes elsewhere)"
            ).format(path=exc.path, why=exc.why)
        )
    except DraftExists as exc:
        _usage(
            _(
                "{files}: a draft is there already (a person may have confirmed part of it); nothing was written "
                "(--force replaces it, --out writes elsewhere)"
            ).format(files=exc)
        )
    except OutputError as exc:
        _usage(str(exc))
    try:
        load(written.entry)
    except InvalidData as exc:  # a draft that does not load is a defect of the drafter: say so
        _invalid(exc)
    d = written.draft
    print(
        _("{entry}: drafted {figures} figures, {relations} relations from {source} (all drafted, unconfirmed)").format(
            entry=written.entry, figures=d.figure_count(), relations=len(d.relations), source=document
        )
    )
    print(
        _("{entry}: cites {source}; verify with: fundaudit verify-sources {entry} --sources {folder}").format(
            entry=written.entry, source=written.source.name, folder=written.source.parent
        )
    )


def _score(document: Path, hand_path: Path) -> None:
    from tabulate import tabulate

    from fundaudit.cli._common import _load
    from fundaudit.draft.score import HEADERS, score

    hand = _load(hand_path)
    print(tabulate([score(document, hand).row()], headers=HEADERS, disable_numparse=True))


def _against(document: Path, hand_path: Path) -> int:
    from fundaudit.cli._common import _load
    from fundaudit.draft.build import draft_budget
    from fundaudit.draft.score import lacking

    hand = _load(hand_path)
    if not any(d.source == document.name for d in hand.documents):
        _usage(_("{against}: no document has the source {source}").format(against=hand_path, source=document.name))
    drafted, _warnings = draft_budget(document)
    report = lacking(drafted, hand, document.name)
    for fig in report.figures:
        print(
            _("{source}:{line}: the hand encoding lacks the figure {value} {unit} ({label})").format(
                source=document.name, line=fig.source.line, value=fig.value.text(), unit=fig.unit.text, label=fig.label
            )
        )
    for line, draft_text, hand_text in report.differs:
        said = _("{source}:{line}: the draft reads {draft} where the hand encoding has {hand}")
        print(said.format(source=document.name, line=line, draft=draft_text, hand=hand_text))
    for rel in report.relations:
        said = _("{source}:{line}: the hand encoding lacks the relation {note}")
        print(said.format(source=document.name, line=rel.total.source.line, note=_say(rel)))
    print(
        _("{source}: hand encoding lacks {figures} figures and {relations} relations the draft states").format(
            source=document.name, figures=len(report.figures), relations=len(report.relations)
        ),
        file=sys.stderr,
    )
    return 1 if report.figures or report.relations or report.differs else 0


def _say(rel) -> str:  # type: ignore[no-untyped-def]
    sign = " × " if rel.kind == "product" else " + "
    parts = sign.join(f"{p.value.text()} {p.unit.text} @{p.source.line}" for p in rel.parts)
    return f"{rel.total.value.text()} {rel.total.unit.text} = {parts} [{rel.rule}]"
