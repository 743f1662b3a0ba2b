"""Baselines: accept the slips the documents really contain, so CI fails only on new ones.

A baseline is a JSON file of the failing findings (mismatch, error) by stable id, each with
a ``reason`` a reviewer fills in. ``check --baseline FILE`` fails only on findings not in
it, and reports entries that no longer occur (stale) so the file stays honest.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fundaudit.findings import Finding, Verdict
from fundaudit.runner import Audit

FAILING = (Verdict.MISMATCH, Verdict.ERROR)


class BaselineError(ValueError):
    """A baseline file that cannot be read; the message names the file."""


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    rule: str
    verdict: str
    message: str
    reason: str


@dataclass(frozen=True, slots=True)
class Comparison:
    """Failing findings split by the baseline, and baseline entries that no longer occur."""

    new: tuple[Finding, ...]
    accepted: tuple[Finding, ...]
    stale: tuple[Entry, ...]


def build(audit: Audit, previous: dict[str, Entry] | None = None) -> dict[str, Any]:
    """The baseline document for ``audit``, keeping reasons already written in ``previous``."""
    previous = previous or {}
    entries = []
    for f in audit.findings:
        if f.verdict not in FAILING:
            continue
        old = previous.get(f.id)
        entries.append(
            {
                "id": f.id,
                "rule": f.rule,
                "verdict": f.verdict.value,
                "location": f"{f.location.file}:{f.location.line}",
                "source": f"{f.source.file}:{f.source.line}",
                "message": f.message,
                "reason": old.reason if old else "",
            }
        )
    return {"version": 1, "data": audit.path, "entries": entries}


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def read(path: Path) -> dict[str, Entry]:
    """Read a baseline file into entries by id."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise BaselineError(f"{path}: cannot read baseline: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: not a baseline JSON file: {exc}") from None
    if not isinstance(doc, dict) or doc.get("version") != 1 or not isinstance(doc.get("entries"), list):
        raise BaselineError(f"{path}: not a fundaudit baseline (expected version 1 with 'entries')")
    out: dict[str, Entry] = {}
    for i, e in enumerate(doc["entries"]):
        if not isinstance(e, dict) or not isinstance(e.get("id"), str):
            raise BaselineError(f"{path}: entry {i + 1} has no 'id'")
        out[e["id"]] = Entry(
            e["id"],
            str(e.get("rule", "")),
            str(e.get("verdict", "")),
            str(e.get("message", "")),
            str(e.get("reason", "")),
        )
    return out


def compare(audit: Audit, entries: dict[str, Entry]) -> Comparison:
    failing = [f for f in audit.findings if f.verdict in FAILING]
    ids = {f.id for f in failing}
    return Comparison(
        new=tuple(f for f in failing if f.id not in entries),
        accepted=tuple(f for f in failing if f.id in entries),
        stale=tuple(e for i, e in entries.items() if i not in ids),
    )
