"""Numbers the human reports share: per document and per program, figures, relations, verdicts."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from fundaudit.findings import Finding, Verdict, plain, shifted
from fundaudit.model import Document, Figure
from fundaudit.runner import Audit

if TYPE_CHECKING:
    from fundaudit.report.pieces import Words

VERDICTS = tuple(v.value for v in Verdict)
SHOWN = (Verdict.MISMATCH, Verdict.ERROR, Verdict.INCOMPLETE)
SOURCE_ORDER = ("中央", "省级", "市县", "社会")


@dataclass(frozen=True, slots=True)
class ProgramStats:
    id: str
    name: str
    figures: int
    counts: dict[str, int]
    sources: tuple[tuple[str, Decimal], ...]  # funding source -> amount in the document's unit
    unit: str
    total: str  # the stated total as written, with its unit ("" when none)

    @property
    def relations(self) -> int:
        return sum(self.counts.values())


@dataclass(frozen=True, slots=True)
class DocStats:
    doc: Document
    figures: int
    counts: dict[str, int]
    programs: tuple[ProgramStats, ...]
    findings: tuple[Finding, ...]  # every finding of the document

    @property
    def relations(self) -> int:
        return sum(self.counts.values())


def _program_of(ref: str) -> str:
    return ref.split("::", 1)[1].split(":", 1)[0].split("/", 1)[0].split("#", 1)[0]


def stats(audit: Audit) -> list[DocStats]:
    """Per-document and per-program statistics of an audit, in document order."""
    fig_count: Counter[tuple[str, str]] = Counter()
    for f in audit.model.figures:
        fig_count[(f.ref.split("::", 1)[0], _program_of(f.ref))] += 1
    by_doc: dict[str, list[Finding]] = defaultdict(list)
    for finding in audit.findings:
        by_doc[finding.document].append(finding)
    out = []
    for doc in audit.model.documents:
        findings = by_doc.get(doc.id, [])
        programs = []
        unit = _document_unit(doc)
        for program in doc.programs:
            counts = Counter(f.verdict.value for f in findings if f.program == program.name)
            programs.append(
                ProgramStats(
                    id=program.id,
                    name=program.name,
                    figures=fig_count[(doc.id, program.id)],
                    counts={v: counts.get(v, 0) for v in VERDICTS},
                    sources=_sources(program, unit),
                    unit=unit,
                    total=program.total.text if program.total is not None else "",
                )
            )
        counts = Counter(f.verdict.value for f in findings)
        out.append(
            DocStats(
                doc=doc,
                figures=sum(n for (d, _), n in fig_count.items() if d == doc.id),
                counts={v: counts.get(v, 0) for v in VERDICTS},
                programs=tuple(programs),
                findings=tuple(findings),
            )
        )
    return out


def _document_unit(doc: Document) -> str:
    units = Counter(p.total.unit.text for p in doc.programs if p.total is not None and p.total.unit.is_money)
    return units.most_common(1)[0][0] if units else "万元"


def _sources(program: object, unit: str) -> tuple[tuple[str, Decimal], ...]:
    from fundaudit.model import Node
    from fundaudit.units import parse_unit

    assert isinstance(program, Node)
    target = parse_unit(unit).pow10
    amounts: dict[str, Decimal] = {}
    if program.only is not None and program.total is not None and program.total.unit.is_money:
        entries = [(program.only, program.total)]
    else:
        entries = [(e.key, e.amount) for e in program.split if e.amount is not None and e.amount.unit.is_money]
    for key, fig in entries:
        assert fig is not None
        value = fig.value.to_decimal().scaleb(fig.unit.pow10 - target)
        name = key if key in SOURCE_ORDER else "其他"
        amounts[name] = amounts.get(name, Decimal(0)) + value
    order = [*SOURCE_ORDER, "其他"]
    return tuple((k, amounts[k]) for k in order if k in amounts)


FINDING_COLUMNS = (
    "id", "rule", "verdict", "severity", "document", "program", "subject", "total", "unit", "parts_sum", "diff",
    "tolerance", "yaml_file", "yaml_line", "source_file", "source_line", "message", "hint",
)  # fmt: skip


def finding_row(f: Finding | Words) -> list[str | int]:
    """One finding as the row the CSV and the workpaper share (columns: FINDING_COLUMNS)."""
    return [
        f.id, f.rule, f.verdict.value, f.severity, f.document, f.program, f.subject, f.total, f.unit, f.parts_sum,
        f.diff, f.tolerance, f.location.file, f.location.line, f.source.file, f.source.line, f.message, f.hint or "",
    ]  # fmt: skip


SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2, "ok": 3}


def review_order(f: Finding) -> tuple[int, Decimal, str, str]:
    """The order findings are reviewed in: most severe first, then the largest difference."""
    return (SEVERITY_ORDER.get(f.severity, 9), -materiality(f), f.document, f.id)


def materiality(f: Finding) -> Decimal:
    """How large a finding's difference is, in its base unit (元, 人 …): the order of the views.

    A stand-in until a finding carries its diagnosed materiality; 0 when there is no difference.
    """
    if not f.diff or f.total_figure is None:
        return Decimal(0)
    return plain(shifted(Decimal(f.diff).copy_abs(), f.total_figure.unit.pow10))  # exact, plain digits


def location(f: Finding) -> tuple[str, str]:
    src = f"{f.source.file}:{f.source.line}" if f.source.file else ""
    return f"{f.location.file}:{f.location.line}", src


@dataclass(frozen=True, slots=True)
class Root:
    """Failing findings one slip explains: its cause, the culprit figures and their likely values."""

    id: str
    cause: str
    severity: str
    text: str
    culprits: tuple[tuple[Figure, str | None], ...]  # (figure as stated, likely correction)
    findings: tuple[Finding, ...]

    @property
    def materiality(self) -> Decimal:
        return max((materiality(f) for f in self.findings), default=Decimal(0))


def roots(findings: Iterable[Finding]) -> list[Root]:
    """The diagnosed failing findings grouped by root, most severe and most material first.

    Empty until findings carry a diagnosis (``Finding.diagnosis``: cause, severity, root,
    text, figures with their likely corrections).
    """
    groups: dict[str, list[Finding]] = {}
    for f in findings:
        d: Any = getattr(f, "diagnosis", None)
        if d is not None and f.verdict in SHOWN:
            groups.setdefault(str(d.root), []).append(f)
    out = []
    for root, members in groups.items():
        d = getattr(members[0], "diagnosis", None)
        culprits = tuple((c.figure, c.likely) for c in getattr(d, "figures", ()))
        out.append(Root(root, str(d.cause), str(d.severity), str(d.text), culprits, tuple(members)))
    return sorted(out, key=lambda r: (SEVERITY_ORDER.get(r.severity, 9), -r.materiality, r.id))


def cause_name(cause: str) -> str:
    """A cause's title in the current language (its id when the catalogue of causes has none)."""
    try:
        from fundaudit import causes  # the diagnosis catalogue, when present
    except ImportError:
        return cause
    from fundaudit.i18n import _

    for c in getattr(causes, "REGISTRY", ()):
        if getattr(c, "id", None) == cause:
            return _(str(c.title))
    return cause


def culprit_text(fig: Figure, likely: str | None) -> tuple[str, str]:
    """(``label 1000 元 (file:line)``, the likely value or "")."""
    return f"{fig.label.removesuffix(' total')} {fig.text} ({fig.source})", likely or ""
