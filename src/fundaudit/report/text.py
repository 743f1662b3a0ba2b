"""Text output: one finding a line, ``yaml_file:line: source_file:line: message``, then a summary."""

from __future__ import annotations

from fundaudit.findings import Verdict
from fundaudit.report.escape import text
from fundaudit.runner import Audit


def render(audit: Audit, show_all: bool) -> str:
    lines = []
    for f in audit.shown(show_all):
        src = f"{text(f.source.file)}:{f.source.line}" if f.source.file else "-"
        lines.append(
            f"{text(f.location.file)}:{f.location.line}: {src}: {f.verdict.value} [{f.rule}] {text(f.message)}"
        )
    s = audit.summary()
    lines.append(
        f"{s['documents']} documents, {s['figures']} figures, {s['relations']} relations: "
        + ", ".join(f"{s[v.value]} {v.value}" for v in Verdict)
    )
    return "\n".join(lines) + "\n"
