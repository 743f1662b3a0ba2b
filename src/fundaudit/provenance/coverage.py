"""coverage: how much of each source document the data encodes.

Every figure-like token of a document (see :mod:`fundaudit.provenance.tokens`) is matched to
the encoded figures of that document: same digits, on the same line or up to two lines
before (a figure cites the line where its number starts), each figure accounting for one
token. Tokens excluded by a named rule are counted
per rule and not required; ``data/coverage-ignore.yaml`` lists the rest that are not budget
facts, each with a reason.
"""

from __future__ import annotations

import bisect
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

from fundaudit.errors import os_reason
from fundaudit.i18n import _
from fundaudit.model import Budget, Document
from fundaudit.provenance import SourcesError
from fundaudit.provenance.tokens import Token, tokenize


@dataclass
class Tally:
    found: int = 0
    encoded: int = 0
    money_found: int = 0
    money_encoded: int = 0

    def add(self, token: Token, encoded: bool) -> None:
        self.found += 1
        self.encoded += encoded
        if token.is_money:
            self.money_found += 1
            self.money_encoded += encoded

    def cells(self) -> list[object]:
        """money found, encoded, %, all found, encoded, % — one row of the coverage tables."""
        return [self.money_found, self.money_encoded, self.pct(self.money_encoded, self.money_found),
                self.found, self.encoded, self.pct(self.encoded, self.found)]  # fmt: skip

    @staticmethod
    def pct(a: int, b: int) -> str:
        return "-" if b == 0 else f"{Decimal(100 * a) / Decimal(b):.1f}"


@dataclass
class DocCoverage:
    doc: Document
    total: Tally = field(default_factory=Tally)
    programs: dict[str, Tally] = field(default_factory=dict)
    missing: list[tuple[Token, str]] = field(default_factory=list)
    excluded: Counter[str] = field(default_factory=Counter)
    ignored: int = 0


def read_ignore(path: Path) -> dict[tuple[str, int, str], str]:
    """``(file, line, token) -> reason`` from the ignore list (absent file: empty)."""
    if not path.is_file():
        return {}
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: dict[tuple[str, int, str], str] = {}
    for i, entry in enumerate(doc.get("ignore") or [], start=1):
        if not isinstance(entry, dict) or not {"file", "line", "token", "reason"} <= entry.keys():
            raise SourcesError(_("{path}: entry {i} needs file, line, token and reason").format(path=path, i=i))
        out[(str(entry["file"]), int(entry["line"]), str(entry["token"]))] = str(entry["reason"])
    return out


def _program_starts(doc: Document, budget: Budget) -> tuple[list[int], list[str]]:
    firsts: dict[str, int] = {}
    for f in budget.figures:
        d, _, rest = f.ref.partition("::")
        if d == doc.id:
            pid = rest.split(":", 1)[0].split("/", 1)[0]
            firsts[pid] = min(firsts.get(pid, f.source.line), f.source.line)
    starts = []
    for program in doc.programs:
        line = program.source.line if program.source is not None else firsts.get(program.id)
        if line is not None:
            starts.append((line, program.name))
    starts.sort()
    return [s for s, _ in starts], [n for _, n in starts]


def coverage(budget: Budget, folder: Path, ignore: dict[tuple[str, int, str], str]) -> list[DocCoverage]:
    out = []
    for doc in budget.documents:
        path = folder / doc.source
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise SourcesError(
                _("{path}: cannot read source document: {reason}").format(path=path, reason=os_reason(exc))
            ) from None
        encoded: Counter[tuple[int, Decimal]] = Counter()
        for f in budget.figures:
            if f.source.file == doc.source:
                encoded[(f.source.line, f.value.to_decimal())] += 1
        starts, names = _program_starts(doc, budget)
        cov = DocCoverage(doc)
        for token in tokenize(text):
            if token.excluded:
                cov.excluded[token.excluded] += 1
                continue
            if (doc.source, token.line, token.value) in ignore:
                cov.ignored += 1
                continue
            value = Decimal(token.value)
            # each encoded figure accounts for one token: a value written twice needs two figures
            spot = next((k for k in ((token.line - d, value) for d in (0, 1, 2)) if encoded[k] > 0), None)
            hit = spot is not None
            if spot is not None:
                encoded[spot] -= 1
            k = bisect.bisect_right(starts, token.line) - 1
            program = names[k] if k >= 0 else "(preamble)"
            cov.total.add(token, hit)
            cov.programs.setdefault(program, Tally()).add(token, hit)
            if not hit:
                cov.missing.append((token, program))
        out.append(cov)
    return out


def render(report: list[DocCoverage], fmt: str) -> str:
    from tabulate import tabulate

    from fundaudit.provenance.tokens import EXCLUSION_RULES
    from fundaudit.report.escape import markdown, text

    esc = markdown if fmt == "markdown" else text  # every field from the data goes through it
    table = "github" if fmt == "markdown" else "simple"
    rows = [[esc(c.doc.id), esc(c.doc.source), *c.total.cells()] for c in report]
    parts = ["# fundaudit coverage" if fmt == "markdown" else _("coverage of the source documents"), ""]
    parts.append(
        tabulate(
            rows,
            headers=[
                _("document"),
                _("source"),
                _("money tokens"),
                _("encoded"),
                _("money %"),
                _("all tokens"),
                _("encoded"),
                _("all %"),
            ],
            tablefmt=table,
            disable_numparse=True,
        )
    )
    parts += ["", _("Excluded by rule (not budget facts):"), ""]
    ex_rows = [[name, _(EXCLUSION_RULES[name]), *(c.excluded.get(name, 0) for c in report)] for name in EXCLUSION_RULES]
    parts.append(
        tabulate(
            ex_rows,
            headers=[_("rule"), _("what"), *(esc(c.doc.id) for c in report)],
            tablefmt=table,
            disable_numparse=True,
        )
    )
    parts.append("")
    parts.append(
        _("Ignored by data/coverage-ignore.yaml: {counts}").format(
            counts=_(", ").join(f"{esc(c.doc.id)} {c.ignored}" for c in report)
        )
    )
    for c in report:
        per = _("{document} per program").format(document=esc(c.doc.id))
        parts += ["", f"## {per}" if fmt == "markdown" else f"{per}:", ""]
        prow = [[esc(name), *t.cells()] for name, t in c.programs.items()]
        parts.append(
            tabulate(
                prow,
                headers=[_("program"), _("money"), _("encoded"), "%", _("all"), _("encoded"), "%"],
                tablefmt=table,
                disable_numparse=True,
            )
        )
        if c.missing:
            parts += ["", _("not encoded:")]
            parts += [esc(f"  {c.doc.source}:{t.line}: {t.value} {t.unit}".rstrip() + f"  ({p})") for t, p in c.missing]
    return "\n".join(parts) + "\n"


def to_json(report: list[DocCoverage]) -> dict[str, object]:
    return {
        "documents": [
            {
                "id": c.doc.id,
                "source": c.doc.source,
                "money_found": c.total.money_found,
                "money_encoded": c.total.money_encoded,
                "found": c.total.found,
                "encoded": c.total.encoded,
                "excluded": dict(sorted(c.excluded.items())),
                "ignored": c.ignored,
                "programs": {n: vars(t) for n, t in c.programs.items()},
                "missing": [{"line": t.line, "value": t.value, "unit": t.unit, "program": p} for t, p in c.missing],
            }
            for c in report
        ]
    }
