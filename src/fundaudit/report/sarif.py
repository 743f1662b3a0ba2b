"""SARIF 2.1.0: results located in the YAML, with the source document line as a related location.

A diagnosed finding's ``ruleId`` is its cause (``unit-slip`` …; the check is in
``properties.check``), its level the cause's severity, and the likely culprit figure is a
second related location whose message gives the likely correction.
"""

from __future__ import annotations

import io
import itertools
import json
from typing import TYPE_CHECKING, Any, TextIO

from fundaudit import __version__
from fundaudit.causes import REGISTRY as CAUSES
from fundaudit.findings import Finding, Verdict
from fundaudit.i18n import _
from fundaudit.report.escape import uri
from fundaudit.report.pieces import Words, diagnosed, indented, per_chunk
from fundaudit.rules import REGISTRY
from fundaudit.runner import Audit

if TYPE_CHECKING:
    from fundaudit.baseline import Comparison

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {"error": "error", "warning": "warning", "info": "note", "ok": "none"}


def _result(
    f: Finding | Words, rule_index: dict[str, int], baseline: Comparison | None, new_ids: set[str]
) -> dict[str, Any]:
    """One finding as a SARIF result."""
    d = diagnosed(f)
    result: dict[str, Any] = {
        "ruleId": d.cause if d else f.rule,
        "level": _LEVEL[f.severity],
        "kind": "pass" if f.holds and f.verdict is not Verdict.ROUNDING else "fail",
        "message": {"text": f.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": uri(f.location.file), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": f.location.line},
                }
            }
        ],
        "partialFingerprints": {"fundauditId/v1": f.id},
        "properties": {
            "verdict": f.verdict.value,
            "total": f.total,
            "unit": f.unit,
            "partsSum": f.parts_sum,
            "diff": f.diff,
            "tolerance": f.tolerance,
        },
    }
    if f.drafted:
        result["properties"]["drafted"] = f.drafted
    if d is not None:
        result["properties"].update(check=f.rule, cause=d.cause, root=d.root)
    if result["ruleId"] in rule_index:
        result["ruleIndex"] = rule_index[result["ruleId"]]
    if baseline is not None:
        _mark(result, f.id, baseline, new_ids)
    if f.source.file:
        result["relatedLocations"] = [
            {
                "id": 1,
                "message": {"text": _("where the document states the total")},
                "physicalLocation": {
                    "artifactLocation": {"uri": uri(f.source.file), "uriBaseId": "SOURCES"},
                    "region": {"startLine": f.source.line},
                },
            }
        ]
    if d is not None and d.figure is not None and d.likely is not None:
        _ref, _source, yaml, stated = d.figure
        result.setdefault("relatedLocations", []).append(
            {
                "id": 2,
                "message": {
                    "text": _("likely culprit: {figure} → {value} ({cause})").format(
                        figure=stated, value=d.likely, cause=d.cause
                    )
                },
                "physicalLocation": {
                    "artifactLocation": {"uri": uri(yaml.file), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": yaml.line},
                },
            }
        )
    return result


def _frame(results: list[Any]) -> dict[str, Any]:
    """The SARIF log around ``results``."""
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "fundaudit",
                        "version": __version__,
                        "rules": [
                            {
                                "id": r.id,
                                "name": r.id.title().replace("-", ""),
                                "shortDescription": {"text": r.title},
                                "fullDescription": {"text": r.doc.strip()},
                            }
                            for r in REGISTRY
                        ]
                        + [
                            {
                                "id": c.id,
                                "name": c.id.title().replace("-", ""),
                                "shortDescription": {"text": c.title},
                                "fullDescription": {"text": c.doc.strip()},
                                "defaultConfiguration": {"level": _LEVEL[c.severity]},
                            }
                            for c in CAUSES
                        ],
                    }
                },
                "originalUriBaseIds": {
                    "SOURCES": {"description": {"text": "the source documents folder (FUNDAUDIT_SOURCES)"}},
                },
                "results": results,
            }
        ],
    }


def _setup(baseline: Comparison | None) -> tuple[dict[str, int], set[str]]:
    rule_index = {rule_id: i for i, rule_id in enumerate([*(r.id for r in REGISTRY), *(c.id for c in CAUSES)])}
    return rule_index, {f.id for f in baseline.new} if baseline is not None else set()


def document(audit: Audit, show_all: bool, baseline: Comparison | None = None) -> dict[str, Any]:
    """The SARIF log; with a baseline comparison, failing results carry ``baselineState``
    (``new``, ``updated`` for an accepted id whose figures changed, ``unchanged``) and
    accepted ones a ``suppressions`` entry with the reviewer's reason."""
    rule_index, new_ids = _setup(baseline)
    return _frame([_result(f, rule_index, baseline, new_ids) for f in audit.shown(show_all)])


def _mark(result: dict[str, Any], fid: str, baseline: Comparison, new_ids: set[str]) -> None:
    reasons = baseline.reasons or {}
    if fid in reasons:
        result["baselineState"] = "unchanged"
        suppression: dict[str, Any] = {"kind": "external", "status": "accepted"}
        if reasons[fid]:
            suppression["justification"] = reasons[fid]
        result["suppressions"] = [suppression]
    elif fid in baseline.updated:
        result["baselineState"] = "updated"
    elif fid in new_ids:
        result["baselineState"] = "new"


_MARK = "@@fundaudit-results@@"


def write(audit: Audit, show_all: bool, out: TextIO, baseline: Comparison | None = None) -> None:
    """Write the log as :func:`render` does, each result as it is worded (memory stays flat)."""
    rule_index, new_ids = _setup(baseline)
    frame = json.dumps(_frame([_MARK]), ensure_ascii=False, indent=2) + "\n"
    at = frame.index(json.dumps(_MARK))
    line_start = frame.rindex("\n", 0, at) + 1
    pad = frame[line_start:at]
    head, tail = frame[:line_start], frame[at + len(json.dumps(_MARK)) :]

    def results(_chunk: object, findings: list[Finding | Words]) -> str:
        return (",\n" + pad).join([indented(_result(f, rule_index, baseline, new_ids), pad) for f in findings])

    blocks = (block for block in per_chunk(audit, show_all, results) if block)  # worded in bulk
    first = next(blocks, None)
    if first is None:
        out.write(json.dumps(_frame([]), ensure_ascii=False, indent=2) + "\n")
        return
    out.write(head)
    sep = pad
    for block in itertools.chain((first,), blocks):
        out.write(sep)
        out.write(block)
        sep = ",\n" + pad
    out.write(tail)


def render(audit: Audit, show_all: bool, baseline: Comparison | None = None) -> str:
    buf = io.StringIO()
    write(audit, show_all, buf, baseline)
    return buf.getvalue()
