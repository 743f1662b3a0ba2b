"""findings.csv: every relation, one row, with both locations; text cells neutralised against formulas.

Written as UTF-8 with a byte-order mark, so that Excel on a Chinese Windows opens it as UTF-8
(without the mark it guesses GBK and garbles every Chinese name); Python's ``utf-8-sig``,
pandas and LibreOffice read the mark transparently. Column names stay the machine names.
"""

from __future__ import annotations

import csv
import io
from typing import TextIO

from fundaudit.report.pieces import worded
from fundaudit.report.safe import neutralise
from fundaudit.report.summary import FINDING_COLUMNS, finding_row
from fundaudit.runner import Audit


def write(audit: Audit, out: TextIO) -> None:
    """Write the rows as the findings are worded (memory stays flat)."""
    out.write("\ufeff")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FINDING_COLUMNS)
    for _chunk, findings in worded(audit, True):  # every relation, a chunk at a time, worded in bulk
        writer.writerows([[neutralise(str(v)) for v in finding_row(f)] for f in findings])


def render(audit: Audit) -> str:
    out = io.StringIO()
    write(audit, out)
    return out.getvalue()
