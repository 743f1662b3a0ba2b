"""SARIF 2.1.0: results located in the YAML, with the source document line as a related location."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from fundaudit import __version__
from fundaudit.findings import Verdict
from fundaudit.report.escape import uri
from fundaudit.rules import REGISTRY
from fundaudit.runner import Audit

if TYPE_CHECKING:
    from fundaudit.baseline import Comparison

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_LEVEL = {
    Verdict.MISMATCH: "error",
    Verdict.ERROR: "error",
    Verdict.INCOMPLETE: "warning",
    Verdict.ROUNDING: "note",
    Verdict.MATCH: "none",
    Verdict.WITHIN: "none",
}


def document(audit: Audit, show_all: bool, baseline: Comparison | None = None) -> dict[str, Any]:
    """The SARIF log; with a baseline comparison, failing results carry ``baselineState``
    (``new``, ``updated`` for an accepted id whose figures changed, ``unchanged``) and
    accepted ones a ``suppressions`` entry with the reviewer's reason."""
    rule_index = {r.id: i for i, r in enumerate(REGISTRY)}
    new_ids = {f.id for f in baseline.new} if baseline is not None else set()
    results: list[dict[str, Any]] = []
    for f in audit.shown(show_all):
        result: dict[str, Any] = {
            "ruleId": f.rule,
            "level": _LEVEL[f.verdict],
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
        if f.rule in rule_index:
            result["ruleIndex"] = rule_index[f.rule]
        if baseline is not None:
            _mark(result, f.id, baseline, new_ids)
        if f.source.file:
            result["relatedLocations"] = [
                {
                    "id": 1,
                    "message": {"text": "where the document states the total"},
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri(f.source.file), "uriBaseId": "SOURCES"},
                        "region": {"startLine": f.source.line},
                    },
                }
            ]
        results.append(result)
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


def render(audit: Audit, show_all: bool, baseline: Comparison | None = None) -> str:
    return json.dumps(document(audit, show_all, baseline), ensure_ascii=False, indent=2) + "\n"
