"""``fundaudit report``: every report file of one audit, written atomically into one folder."""

from __future__ import annotations

from pathlib import Path

from fundaudit.outputs import write_all
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
    return write_all({out / name: data for name, data in render_all(audit).items()})


def stale(audit: Audit, out: Path) -> list[str]:
    """Names of the reports in ``out`` that differ from what this audit renders."""
    return [
        name
        for name, data in render_all(audit).items()
        if not (out / name).is_file() or (out / name).read_bytes() != data
    ]
