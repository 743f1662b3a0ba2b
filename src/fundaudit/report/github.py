"""GitHub Actions workflow commands: one annotation per finding on the YAML line."""

from __future__ import annotations

from fundaudit.findings import Verdict
from fundaudit.report.escape import github_data, github_property
from fundaudit.runner import Audit

_LEVEL = {
    Verdict.MISMATCH: "error",
    Verdict.ERROR: "error",
    Verdict.INCOMPLETE: "warning",
    Verdict.ROUNDING: "notice",
    Verdict.MATCH: "notice",
    Verdict.WITHIN: "notice",
}


def render(audit: Audit, show_all: bool) -> str:
    lines = []
    for f in audit.shown(show_all):
        where = f" ({f.source.file}:{f.source.line})" if f.source.file else ""
        lines.append(
            f"::{_LEVEL[f.verdict]} file={github_property(f.location.file)},line={f.location.line},"
            f"title={github_property(f'{f.rule} {f.verdict.value}')}::{github_data(f.message + where)}"
        )
    return "\n".join(lines) + ("\n" if lines else "")
