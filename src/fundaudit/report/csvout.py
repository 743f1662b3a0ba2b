"""findings.csv: every relation, one row, with both locations; text cells neutralised against formulas."""

from __future__ import annotations

import csv
import io

from fundaudit.report.safe import neutralise
from fundaudit.report.summary import FINDING_COLUMNS, finding_row
from fundaudit.runner import Audit


def render(audit: Audit) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FINDING_COLUMNS)
    for f in audit.findings:
        writer.writerow([neutralise(str(v)) for v in finding_row(f)])
    return out.getvalue()
