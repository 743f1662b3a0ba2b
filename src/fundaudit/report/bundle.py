"""``fundaudit report``: every report file of one audit, written atomically into one folder."""

from __future__ import annotations

from pathlib import Path

from fundaudit.outputs import head_of, write_all
from fundaudit.report import csvout, html, markdown, text, xlsx
from fundaudit.report.jsonout import render as render_json
from fundaudit.runner import Audit

FILES = ("audit.md", "audit.html", "findings.txt", "findings.csv", "findings.json", "audit.xlsx")


def render_all(audit: Audit) -> dict[str, bytes]:
    """File name → bytes for every report; deterministic for the same audit."""
    return {
        "audit.md": markdown.render(audit).encode("utf-8"),
        "audit.html": html.render(audit).encode("utf-8"),
        "findings.txt": text.render(audit, False, verbose=True).encode("utf-8"),  # `check -v`
        "findings.csv": csvout.render(audit).encode("utf-8"),
        "findings.json": render_json(audit, True).encode("utf-8"),
        "audit.xlsx": xlsx.render(audit),
    }


def write(audit: Audit, out: Path) -> list[Path]:
    """Write the reports into ``out`` (only there: the names are fixed); return their paths.

    All or nothing: every file is written to a temporary first, and only when all succeeded
    are they renamed into place (``fundaudit.outputs.write_all``).
    """
    return write_all({out / name: data for name, data in render_all(audit).items()}, ours=_reported)


def _reported(path: Path, head: bytes) -> bool:
    """Whether an existing file is one ``report`` wrote (by its own first bytes; the text
    findings, which have no header, by the Markdown report beside them)."""
    if path.name == "findings.txt":
        if not head.strip():
            return True
        beside = head_of(path.parent / "audit.md")
        return beside is not None and _reported(path.parent / "audit.md", beside)
    if path.suffix == ".md":
        return head.startswith(b"# fundaudit")
    if path.suffix == ".html":
        return b"<title>fundaudit" in head
    if path.suffix == ".csv":
        return head.removeprefix(b"\xef\xbb\xbf").startswith(b"id,rule,verdict,")
    if path.suffix == ".json":
        return head.startswith(b'{\n  "version": ') and b'"tolerance"' in head
    if path.suffix == ".xlsx":
        return _workbook_by_fundaudit(path)
    return False


def _workbook_by_fundaudit(path: Path) -> bool:
    import zipfile

    try:
        with zipfile.ZipFile(path) as book:
            return b"<dc:creator" in (core := book.read("docProps/core.xml")[:4096]) and b">fundaudit<" in core
    except (OSError, KeyError, zipfile.BadZipFile, RuntimeError):
        return False


def stale(audit: Audit, out: Path) -> list[str]:
    """Names of the reports in ``out`` that differ from what this audit renders."""
    return [
        name
        for name, data in render_all(audit).items()
        if not (out / name).is_file() or (out / name).read_bytes() != data
    ]
