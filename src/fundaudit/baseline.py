"""Baselines: accept the slips the documents really contain, so CI fails only on new ones.

A baseline is a JSON file of the failing findings (mismatch, error), each with a ``reason``
a reviewer fills in. ``check --baseline FILE`` fails only on findings not in it, and reports
entries that no longer occur (stale) so the file stays honest.

A finding is accepted only when its id **and its figures** are in the baseline: the total
(digits and unit), every part, the sum of the parts and the difference. Changing ``700`` to
``600`` in an accepted row makes the discrepancy a new one (and its old entry stale). A
version 1 file (ids only) accepts nothing; ``fundaudit baseline`` rewrites it as version 2,
keeping each reason.

Reading is bounded: a regular file of at most 4 MiB, numbers of at most 40 digits, no
``NaN``/``Infinity``, nesting within Python's recursion limit; anything else is a ``BaselineError`` naming the file.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fundaudit.errors import os_reason
from fundaudit.findings import Finding, Verdict
from fundaudit.i18n import _
from fundaudit.runner import Audit

FAILING = (Verdict.MISMATCH, Verdict.ERROR)
VERSION = 2
MAX_BYTES = 4 * 1024 * 1024
MAX_DIGITS = 40
_FIGURE_FIELDS = ("total", "parts", "parts_sum", "diff")


class BaselineError(ValueError):
    """A baseline file that cannot be read; the message names the file."""


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    rule: str
    verdict: str
    message: str
    reason: str
    figures: tuple[str, ...] | None = None  # total, parts..., parts_sum, diff; None in version 1

    @property
    def key(self) -> tuple[str, tuple[str, ...] | None]:
        return self.id, self.figures


@dataclass(frozen=True, slots=True)
class Comparison:
    """Failing findings split by the baseline, and baseline entries that no longer occur."""

    new: tuple[Finding, ...]
    accepted: tuple[Finding, ...]
    stale: tuple[Entry, ...]
    updated: frozenset[str] = frozenset()  # ids of new findings whose id is accepted with other figures
    reasons: dict[str, str] | None = None  # accepted finding id -> the reviewer's reason


def figures(f: Finding) -> dict[str, Any]:
    """The figures that identify a discrepancy, as written (the baseline's fields)."""
    return {
        "total": f"{f.total} {f.unit}".strip(),
        "parts": [f"{p.value.text()} {p.unit.text}".strip() for p in f.parts],
        "parts_sum": f.parts_sum,
        "diff": f.diff,
    }


def _fingerprint(fig: dict[str, Any]) -> tuple[str, ...]:
    return (fig["total"], *fig["parts"], "=", fig["parts_sum"], fig["diff"])


def key(f: Finding) -> tuple[str, tuple[str, ...]]:
    return f.id, _fingerprint(figures(f))


def build(audit: Audit, previous: dict[tuple[str, Any], Entry] | None = None) -> dict[str, Any]:
    """The baseline document for ``audit``, keeping reasons already written in ``previous``.

    A reason is kept for the same id and figures, or for the same id from a version 1 file.
    """
    previous = previous or {}
    entries = []
    for f in audit.findings:
        if f.verdict not in FAILING:
            continue
        old = previous.get(key(f)) or previous.get((f.id, None))
        entries.append(
            {
                "id": f.id,
                "rule": f.rule,
                "verdict": f.verdict.value,
                "location": f"{f.location.file}:{f.location.line}",
                "source": f"{f.source.file}:{f.source.line}",
                "message": f.message,
                **figures(f),
                "reason": old.reason if old else "",
            }
        )
    return {"version": VERSION, "data": audit.path, "entries": entries}


def dumps(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _number(text: str) -> int:
    if len(text.lstrip("-")) > MAX_DIGITS:
        raise ValueError(f"a number of more than {MAX_DIGITS} digits")
    return int(text)


def _no_float(text: str) -> str:
    if len(text) > MAX_DIGITS + 2:
        raise ValueError(f"a number of more than {MAX_DIGITS} digits")
    return text


def _no_constant(text: str) -> None:
    raise ValueError(f"{text} is not a number")


def _read_bounded(path: Path) -> str:
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            raise BaselineError(_("{path}: not a regular file").format(path=path))
        if info.st_size > MAX_BYTES:
            raise BaselineError(_("{path}: larger than {mib} MiB").format(path=path, mib=MAX_BYTES // (1024 * 1024)))
        with open(path, "rb") as fh:
            raw = fh.read(MAX_BYTES + 1)
    except OSError as exc:
        raise BaselineError(
            _("{path}: cannot read baseline: {reason}").format(path=path, reason=os_reason(exc))
        ) from None
    if len(raw) > MAX_BYTES:
        raise BaselineError(_("{path}: larger than {mib} MiB").format(path=path, mib=MAX_BYTES // (1024 * 1024)))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise BaselineError(_("{path}: not UTF-8 (byte {byte})").format(path=path, byte=exc.start + 1)) from None


def _string(path: Path, i: int, e: dict[str, Any], name: str) -> str:
    value = e.get(name, "")
    if not isinstance(value, str):
        raise BaselineError(_("{path}: entry {n}: '{name}' is not a string").format(path=path, n=i + 1, name=name))
    return value


def read(path: Path) -> dict[tuple[str, Any], Entry]:
    """Read a baseline file into entries by (id, figures); figures are None in version 1."""
    text = _read_bounded(path)
    try:
        doc = json.loads(text, parse_int=_number, parse_float=_no_float, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise BaselineError(
            _("{path}:{lineno}: not a baseline JSON file: {msg} (column {colno})").format(
                path=path, lineno=exc.lineno, msg=exc.msg, colno=exc.colno
            )
        ) from None
    except RecursionError:
        raise BaselineError(_("{path}: not a baseline JSON file: nested too deeply").format(path=path)) from None
    except ValueError as exc:
        raise BaselineError(_("{path}: not a baseline JSON file: {exc}").format(path=path, exc=exc)) from None
    if not isinstance(doc, dict) or doc.get("version") not in (1, VERSION) or not isinstance(doc.get("entries"), list):
        raise BaselineError(
            _("{path}: not a fundaudit baseline (expected version {version} with 'entries')").format(
                path=path, version=VERSION
            )
        )
    out: dict[tuple[str, Any], Entry] = {}
    for i, e in enumerate(doc["entries"]):
        if not isinstance(e, dict) or not isinstance(e.get("id"), str):
            raise BaselineError(_("{path}: entry {n} has no 'id'").format(path=path, n=i + 1))
        figs: tuple[str, ...] | None = None
        if doc["version"] >= 2:
            parts = e.get("parts")
            if not isinstance(parts, list) or not all(isinstance(p, str) for p in parts):
                raise BaselineError(_("{path}: entry {n}: 'parts' is not a list of figures").format(path=path, n=i + 1))
            fields = {n: _string(path, i, e, n) for n in ("total", "parts_sum", "diff")}
            figs = _fingerprint({**fields, "parts": parts})
        entry = Entry(
            e["id"],
            _string(path, i, e, "rule"),
            _string(path, i, e, "verdict"),
            _string(path, i, e, "message"),
            _string(path, i, e, "reason"),
            figs,
        )
        out[entry.key] = entry
    return out


def compare(audit: Audit, entries: dict[tuple[str, Any], Entry]) -> Comparison:
    """Split the failing findings: accepted when id and figures match an entry, else new."""
    failing = [f for f in audit.findings if f.verdict in FAILING]
    keys = {f.id: key(f) for f in failing}
    accepted = tuple(f for f in failing if keys[f.id] in entries)
    new = tuple(f for f in failing if keys[f.id] not in entries)
    known_ids = {e.id for e in entries.values()}
    found = set(keys.values())
    return Comparison(
        new=new,
        accepted=accepted,
        stale=tuple(e for k, e in entries.items() if k not in found),
        updated=frozenset(f.id for f in new if f.id in known_ids),
        reasons={f.id: entries[keys[f.id]].reason for f in accepted},
    )


def legacy(entries: dict[tuple[str, Any], Entry]) -> bool:
    """True when the entries come from a version 1 file (ids only: they accept nothing)."""
    return any(e.figures is None for e in entries.values())
