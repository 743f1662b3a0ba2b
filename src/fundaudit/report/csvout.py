"""findings.csv: every relation, one row, with both locations; text cells neutralised against formulas.

Written as UTF-8 with a byte-order mark, so that Excel on a Chinese Windows opens it as UTF-8
(without the mark it guesses GBK and garbles every Chinese name); Python's ``utf-8-sig``,
pandas and LibreOffice read the mark transparently. Column names stay the machine names.
"""

from __future__ import annotations

import csv
import io
from typing import TextIO

from fundaudit.findings import Finding
from fundaudit.report.pieces import Words, per_chunk
from fundaudit.report.safe import neutralise
from fundaudit.report.summary import FINDING_COLUMNS, finding_row
from fundaudit.runner import Audit


def write(audit: Audit, out: TextIO) -> None:
    """Write the rows as the findings are worded (memory stays flat)."""
    out.write("\ufeff")
    csv.writer(out, lineterminator="\n").writerow(FINDING_COLUMNS)

    def rows(_chunk: object, findings: list[Finding | Words]) -> str:
        block = io.StringIO()
        rows = [[neutralise(str(v)) for v in finding_row(f)] for f in findings]
        csv.writer(block, lineterminator="\n").writerows(rows)
        return block.getvalue()

    for block in per_chunk(audit, True, rows):  # every relation, a chunk at a time, worded in bulk
        out.write(block)


def render(audit: Audit) -> str:
    out = io.StringIO()
    write(audit, out)
    return out.getvalue()
