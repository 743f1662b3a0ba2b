"""GitHub Actions workflow commands: one annotation per finding.

The annotation stands on the YAML line of the likely culprit when the diagnosis names one
(else on the relation's line); its level is the finding's severity (from the cause).
"""

from __future__ import annotations

import io
from typing import TextIO

from fundaudit.findings import Finding
from fundaudit.report.escape import github_data, github_property
from fundaudit.report.pieces import Words, diagnosed, per_chunk
from fundaudit.runner import Audit

_LEVEL = {"error": "error", "warning": "warning", "info": "notice", "ok": "notice"}


def write(audit: Audit, show_all: bool, out: TextIO) -> None:
    def annotations(_chunk: object, findings: list[Finding | Words]) -> str:
        return "".join([_annotation(f) for f in findings])

    for block in per_chunk(audit, show_all, annotations):  # a chunk at a time, worded in bulk
        out.write(block)


def _annotation(f: Finding | Words) -> str:
    source = f.source
    where = f" ({source.file}:{source.line})" if source.file else ""
    at, title, message = f.location, f"{f.rule} {f.verdict.value}", f.message + where
    d = diagnosed(f)
    if d is not None:
        title += f" [{d.cause}]"
        message += f"; {d.text}"
        if d.figure is not None and d.likely is not None:
            at = d.figure[2]
    return (
        f"::{_LEVEL[f.severity]} file={github_property(at.file)},line={at.line},"
        f"title={github_property(title)}::{github_data(message)}\n"
    )


def render(audit: Audit, show_all: bool) -> str:
    buf = io.StringIO()
    write(audit, show_all, buf)
    return buf.getvalue()
