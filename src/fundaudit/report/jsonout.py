"""JSON output: one document with a ``results`` list — the contract CI integrations rely on.

Each result: ``id``, ``rule``, ``verdict``, ``severity``, ``total`` (digits as written),
``unit``, ``parts_sum``, ``diff``, ``tolerance`` (decimal strings in the total's unit),
``source`` {file, line}, ``location`` {file, line}, ``message``, ``document``, ``program``,
``subject``, ``parts`` (each figure with its value, unit, source line and YAML line) and
``hint`` (the diagnosis text, kept for one release).

A result whose verdict is ``mismatch``, ``incomplete`` or ``revised`` also has ``diagnosis``:
``{cause, severity, root, text, applicability, corrections, figures: [{ref, label, location,
source, stated, likely}], explains: [ids]}`` — ``figures`` ranked, the likely culprit first;
``likely`` is the corrected figure (``null`` when the cause proposes none). Such a result
also has ``materiality``: ``{amount, unit, percent}``, the difference in its dimension's base
unit (元, 人, 米 …; the total's own unit where the format has no base word) and as a
percentage of the total (decimal strings, never with an exponent: ``72000000``, not ``7.2E+7``).

A result read by a draft pattern that no person has confirmed yet has ``drafted``: the name
of that pattern (``fundaudit check DOC.txt``, or a drafted encoding); hand data has none.
"""

from __future__ import annotations

import io
import json
from typing import Any, TextIO

from fundaudit.causes._base import Diagnosis
from fundaudit.findings import Finding
from fundaudit.model import Figure
from fundaudit.runner import Audit

SCHEMA_VERSION = 1


def figure_json(fig: Figure) -> dict[str, Any]:
    return {
        "ref": fig.ref,
        "label": fig.label,
        "value": fig.value.text(),
        "unit": fig.unit.text,
        "source": {"file": fig.source.file, "line": fig.source.line},
        "location": {"file": fig.yaml.file, "line": fig.yaml.line},
    }


def diagnosis_json(d: Diagnosis) -> dict[str, Any]:
    return {
        "cause": d.cause,
        "severity": d.severity,
        "root": d.root,
        "text": d.text,
        "applicability": d.applicability.word,
        "corrections": d.corrections,
        "figures": [
            {
                "ref": c.figure.ref,
                "label": c.figure.label,
                "location": {"file": c.figure.yaml.file, "line": c.figure.yaml.line},
                "source": {"file": c.figure.source.file, "line": c.figure.source.line},
                "stated": c.figure.text,
                "likely": c.likely,
            }
            for c in d.figures
        ],
        "explains": list(d.explains),
    }


def finding_json(f: Finding) -> dict[str, Any]:
    out = {
        "id": f.id,
        "rule": f.rule,
        "verdict": f.verdict.value,
        "severity": f.severity,
        "total": f.total,
        "unit": f.unit,
        "parts_sum": f.parts_sum,
        "diff": f.diff,
        "tolerance": f.tolerance,
        "source": {"file": f.source.file, "line": f.source.line},
        "location": {"file": f.location.file, "line": f.location.line},
        "message": f.message,
        "document": f.document,
        "program": f.program,
        "subject": f.subject,
        "parts": [figure_json(p) for p in f.parts],
        "hint": f.hint,
    }
    if f.drafted:
        out["drafted"] = f.drafted  # the pattern that read it; absent once a person confirmed it
    if f.diagnosis is not None:
        out["diagnosis"] = diagnosis_json(f.diagnosis)
        m = f.materiality
        if m is not None:
            out["materiality"] = {
                "amount": format(m.amount, "f"),
                "unit": m.unit,
                "percent": None if m.percent is None else str(m.percent),
            }
    return out


def _head(audit: Audit, show_all: bool) -> dict[str, Any]:
    """The document without its results (the results are streamed after it)."""
    out: dict[str, Any] = {
        "version": SCHEMA_VERSION,
        "data": audit.path,
        "tolerance": audit.tolerance.policy.value,
        "summary": audit.summary(),
    }
    if audit.any_diagnosed(show_all) and audit.diagnosis_notes:
        out["diagnosis_notes"] = list(audit.diagnosis_notes)  # causes that could not run
    return out


def document(audit: Audit, show_all: bool) -> dict[str, Any]:
    out = _head(audit, show_all)
    out["results"] = [finding_json(f) for f in audit.shown(show_all)]
    return out


def write(audit: Audit, show_all: bool, out: TextIO) -> None:
    """Write the document, indented, with each result on a line of its own (one finding, one diff line).

    The results are worded and written a chunk at a time as they come, each chunk's one text
    assembled a field at a time from pieces worded once per figure
    (:func:`fundaudit.report.pieces.joined`; ``indent`` would select the pure-Python
    encoder): memory does not grow with the number of findings.
    """
    from itertools import chain

    from fundaudit.report.pieces import joined

    texts = joined(audit, show_all, ",\n    ")
    # the first results worded before the head, which names the causes that could not run: the
    # diagnosis is then made beside the wording of the first chunks (pieces.per_chunk)
    first = next(texts, None)
    head = json.dumps(_head(audit, show_all), ensure_ascii=False, indent=2)[:-2]  # without the closing "\n}"
    out.write(f'{head},\n  "results": ')
    sep = "[\n    "
    for text in chain(() if first is None else (first,), texts):
        out.write(sep)
        out.write(text)
        sep = ",\n    "
    out.write("[]\n}\n" if sep.startswith("[") else "\n  ]\n}\n")


def write_lines(audit: Audit, show_all: bool, out: TextIO) -> None:
    """JSON Lines (``--format jsonl``): one result a line, the objects of the document's ``results``."""
    from fundaudit.report.pieces import joined

    for text in joined(audit, show_all, "\n"):
        out.write(text)
        out.write("\n")


def render(audit: Audit, show_all: bool) -> str:
    """The document as text (:func:`write`)."""
    buf = io.StringIO()
    write(audit, show_all, buf)
    return buf.getvalue()
