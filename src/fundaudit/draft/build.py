"""From a document file to a written draft, and to a loaded budget (for ``check DOC``)."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fundaudit.draft import extract
from fundaudit.draft.readers import lines, read_text
from fundaudit.draft.relate import DraftDocument, relate
from fundaudit.draft.write import HEADER, document, entry
from fundaudit.model import Budget


@dataclass(frozen=True)
class Written:
    entry: Path
    part: Path
    source: Path  # the plain text the draft cites
    draft: DraftDocument


def doc_id(path: Path) -> str:
    """A document id from a file name: lower-case ASCII letters, digits, ``-`` (else ``doc``)."""
    stem = re.sub(r"[^a-z0-9]+", "-", path.stem.lower()).strip("-")
    return stem[:40] if stem and stem[0].isalnum() else "doc" + (f"-{stem}" if stem else "")


def draft_document(path: Path, only: frozenset[str] | None = None) -> tuple[str, DraftDocument]:
    """The plain text of ``path`` and its draft (nothing written)."""
    plain = read_text(path)
    found = extract(lines(plain), only=only)
    source = path.name if path.suffix.lower() in (".txt", ".text") else path.stem + ".txt"
    first = next((line.strip(" #*") for line in plain.split("\n") if line.strip(" #*")), "")
    title = " ".join(first.split())[:80]  # a first line that is a table row: its tabs are not text
    return plain, relate(found, doc_id(path), source, title)


class DraftExists(Exception):
    """The files a draft would write exist already (a person may have confirmed some of it)."""


class NotADraft(Exception):
    """``--force`` would replace a file that no draft of this document wrote: refused."""

    def __init__(self, path: Path, why: str) -> None:
        super().__init__(f"{path}: {why}")
        self.path, self.why = path, why


def _only_a_draft(document_path: Path, entry_file: Path, part: Path, source: Path, existing: list[Path]) -> None:
    """Refuse (:class:`NotADraft`) to replace anything but an earlier draft of this document.

    ``--force`` replaces a draft; it never replaces the document being read, hand data (an
    entry that lists other documents or files, a data file without the draft's header), or
    a text file beside an entry that is not this draft's.
    """
    import yaml

    from fundaudit.i18n import _

    for f in existing:
        if f.is_symlink() or not f.is_file():
            raise NotADraft(f, _("is not a file a draft wrote (a link, a folder or a device)"))
        if f == source and f.resolve() == document_path.resolve():
            raise NotADraft(f, _("is the document being drafted: a draft never replaces it"))
    if entry_file in existing:
        try:
            data = yaml.safe_load(entry_file.read_bytes()[: 1 << 16])
            docs = data.get("documents") if isinstance(data, dict) else None
            draft_entry = (
                isinstance(docs, list)
                and len(docs) == 1
                and isinstance(docs[0], dict)
                and docs[0].get("include") == [part.name]
                and set(data) <= {"fundaudit", "documents"}
            )
        except (yaml.YAMLError, OSError, UnicodeDecodeError):
            draft_entry = False
        if not draft_entry:
            raise NotADraft(entry_file, _("is not the entry of a draft of this document (it lists other data)"))
    elif part in existing or source in existing:
        raise NotADraft(next(f for f in (part, source) if f in existing), _("has no draft's entry beside it"))
    if part in existing:
        head = part.read_bytes()[:200].decode("utf-8", errors="replace")
        if not head.startswith(HEADER.split("{source}")[0]):
            raise NotADraft(part, _("is not a drafted file (it lacks the draft's header): a person wrote it"))


def write_draft(path: Path, out: Path, only: frozenset[str] | None = None, force: bool = False) -> Written:
    """Write ``budgets.yaml`` and ``<id>.yaml`` (and the ``.txt`` of a non-text document) under ``out``.

    The files are written together and atomically (:func:`fundaudit.outputs.write_all`). An
    existing draft is never replaced unless ``force``: a person's confirmations live in it;
    anything else (hand data, the document itself) is never replaced (:class:`NotADraft`).
    """
    from fundaudit.outputs import write_all

    plain, doc = draft_document(path, only)
    part = out / f"{doc.id}.yaml"
    entry_file = out / "budgets.yaml"
    files = {part: document(doc).encode("utf-8"), entry_file: entry(doc, part.name).encode("utf-8")}
    source = path
    if path.suffix.lower() not in (".txt", ".text") or plain != path.read_text(encoding="utf-8", errors="replace"):
        source = out / doc.source
        files[source] = plain.encode("utf-8")
    existing = [f for f in files if f.exists() or f.is_symlink()]
    if existing:
        _only_a_draft(path, entry_file, part, source, existing)
        if not force:
            raise DraftExists(", ".join(str(f) for f in existing))
    write_all(files)
    return Written(entry_file, part, source, doc)


def draft_budget(path: Path) -> tuple[Budget, Path]:
    """Draft ``path`` in a temporary folder and load it; returns the budget and the sources folder.

    The temporary folder is removed; the budget keeps its figures' source lines. Its YAML
    locations name the files as ``fundaudit draft DOC --out DOC.draft`` would write them
    (``plan.txt.draft/plan.yaml:9``): the same in every run, never a temporary path.
    """
    with drafted(path) as (budget, _folder):
        pass
    return budget, path.parent


@contextmanager
def drafted(path: Path) -> Iterator[tuple[Budget, Path]]:
    """:func:`draft_budget` whose temporary folder (and the plain text a non-text document's
    figures cite) lives until the ``with`` block ends: yields the budget and its sources folder."""
    from fundaudit.loader import load

    with tempfile.TemporaryDirectory(prefix="fundaudit-draft-") as tmp:
        root = Path(tmp)
        written = write_draft(path, root / f"{path.name}.draft")
        here = os.getcwd()
        os.chdir(root)  # the loader names files relative to the working folder
        try:
            budget = load(written.entry.relative_to(root))
        finally:
            os.chdir(here)
        yield budget, written.source.parent
