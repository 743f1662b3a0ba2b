"""JSON Lines (``--format jsonl``): one result a line, each the object the JSON document lists.

The same objects, fields and order as the ``results`` of the JSON format
(:mod:`fundaudit.report.jsonout`), one compact JSON object per line, written as each finding
is worded — for findings by the hundred thousand, which a consumer reads line by line. There
is no header line: the summary is in the JSON format and the exit code.
"""

from __future__ import annotations

import io
from typing import TextIO

from fundaudit.report.jsonout import write_lines
from fundaudit.runner import Audit


def write(audit: Audit, show_all: bool, out: TextIO) -> None:
    write_lines(audit, show_all, out)


def render(audit: Audit, show_all: bool) -> str:
    buf = io.StringIO()
    write(audit, show_all, buf)
    return buf.getvalue()
