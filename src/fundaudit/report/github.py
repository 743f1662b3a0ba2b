"""GitHub Actions workflow commands: one annotation per finding.

The annotation stands on the YAML line of the likely culprit when the diagnosis names one
(else on the relation's line); its level is the finding's severity (from the cause).
"""

from __future__ import annotations

from fundaudit.runner import Audit

_LEVEL = {"error": "error", "warning": "warning", "info": "notice", "ok": "notice"}


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def render(audit: Audit, show_all: bool) -> str:
    lines = []
    for f in audit.shown(show_all):
        where = f" ({f.source.file}:{f.source.line})" if f.source.file else ""
        at, title, message = f.location, f"{f.rule} {f.verdict.value}", f.message + where
        d = f.diagnosis
        if d is not None:
            title += f" [{d.cause}]"
            message += f"; {d.text}"
            if d.figures and d.figures[0].likely is not None:
                at = d.figures[0].figure.yaml
        lines.append(
            f"::{_LEVEL[f.severity]} file={_escape_property(at.file)},line={at.line},"
            f"title={_escape_property(title)}::{_escape_data(message)}"
        )
    return "\n".join(lines) + ("\n" if lines else "")
