"""findings.csv: every relation, one row, with both locations; text cells neutralised against formulas."""

from __future__ import annotations

import csv
import io

from fundaudit.report.safe import neutralise
from fundaudit.runner import Audit

COLUMNS = (
    "id",
    "rule",
    "verdict",
    "severity",
    "document",
    "program",
    "subject",
    "total",
    "unit",
    "parts_sum",
    "diff",
    "tolerance",
    "yaml_file",
    "yaml_line",
    "source_file",
    "source_line",
    "message",
    "hint",
)


def render(audit: Audit) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for f in audit.findings:
        writer.writerow(
            [
                neutralise(str(v))
                for v in (
                    f.id,
                    f.rule,
                    f.verdict.value,
                    f.severity,
                    f.document,
                    f.program,
                    f.subject,
                    f.total,
                    f.unit,
                    f.parts_sum,
                    f.diff,
                    f.tolerance,
                    f.location.file,
                    f.location.line,
                    f.source.file,
                    f.source.line,
                    f.message,
                    f.hint or "",
                )
            ]
        )
    return out.getvalue()
