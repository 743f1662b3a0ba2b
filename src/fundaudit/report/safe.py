"""Cells that cannot act as formulas (files are written by ``fundaudit.outputs``)."""

from __future__ import annotations

import re

_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?\Z")


def neutralise(text: str) -> str:
    """Prefix text that a spreadsheet would run as a formula (=, +, -, @, tab, CR) with ``'``.

    Plain numbers such as ``-0.01`` are left as they are.
    """
    if text and text[0] in "=+-@\t\r" and not _NUMBER.match(text):
        return "'" + text
    return text
