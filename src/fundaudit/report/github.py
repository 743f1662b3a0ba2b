"""GitHub Actions workflow commands: one annotation per finding on the YAML line."""

from __future__ import annotations

from fundaudit.findings import Verdict
from fundaudit.runner import Audit

_LEVEL = {
    Verdict.MISMATCH: "error",
    Verdict.ERROR: "error",
    Verdict.INCOMPLETE: "warning",
    Verdict.ROUNDING: "notice",
    Verdict.MATCH: "notice",
    Verdict.WITHIN: "notice",
}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(audit: Audit, show_all: bool) -> str:
    lines = []
    for f in audit.shown(show_all):
        where = f" ({f.source.file}:{f.source.line})" if f.source.file else ""
        lines.append(
            f"::{_LEVEL[f.verdict]} file={_escape_property(f.location.file)},line={f.location.line},"
            f"title={_escape_property(f'{f.rule} {f.verdict.value}')}::{_escape_data(f.message + where)}"
        )
    return "\n".join(lines) + ("\n" if lines else "")
