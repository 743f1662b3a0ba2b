"""audit.xlsx: the auditor's workpaper — Summary, Discrepancies, Relations, Figures.

Amounts are numbers an auditor can sum and filter, in the unit of their own column; the
digits exactly as written stand beside them as text (``12.10`` stays ``12.10``), so no
figure is changed by Excel's 15-digit floating point. Every sheet has a frozen header row,
an autofilter and widths fitted to its content (CJK characters count double); the
Discrepancies sheet (failing findings, most severe and largest first) has a review column
to tick. Headings are in the current language; text that could run as a formula is
neutralised. The file is deterministic: fixed document properties and zip timestamps.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from fundaudit.findings import Finding, Verdict
from fundaudit.i18n import _
from fundaudit.i18n.terms import display_width, severity_name, verdict_name
from fundaudit.report.escape import spreadsheet
from fundaudit.report.summary import VERDICTS, cause_name, culprit_text, review_order, roots, stats
from fundaudit.runner import Audit

EPOCH = dt.datetime(2020, 1, 1)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_HEAD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="EEF2F8")


def _number(text: str) -> float | None:
    """An amount as a spreadsheet number (the exact digits are kept in the text column beside it)."""
    return float(Decimal(text)) if text else None


def _width(value: object) -> int:
    return display_width(str(value if value is not None else ""))


def _sheet(ws: Worksheet, header: Sequence[str], rows: Sequence[Sequence[object]], wide: int = 60) -> None:
    """Rows under a bold frozen header with an autofilter; widths fitted to the first rows."""
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = _HEAD
        cell.fill = _HEAD_FILL
    for row in rows:
        ws.append([spreadsheet(v) if isinstance(v, str) else v for v in row])
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(header))}{max(1, len(rows) + 1)}"
    for index, col in enumerate(ws.iter_cols(min_row=1, max_row=min(ws.max_row, 300)), start=1):
        width = max(_width(c.value) for c in col)
        ws.column_dimensions[get_column_letter(index)].width = min(max(6, width + 2), wide)


def _finding_header() -> list[str]:
    return [
        _("verdict"), _("severity"), _("document"), _("program"), _("subject"), _("rule"),
        _("total"), _("total as written"), _("sum of parts"), _("difference"), _("unit"),
        _("YAML"), _("source"), _("message"), _("id"),
    ]  # fmt: skip


def _finding_row(f: Finding) -> list[object]:
    src = f"{f.source.file}:{f.source.line}" if f.source.file else ""
    return [
        verdict_name(f.verdict.value), severity_name(f.severity), f.document, f.program, f.subject, f.rule,
        _number(f.total), f.total, _number(f.parts_sum), _number(f.diff), f.unit,
        f"{f.location.file}:{f.location.line}", src, f.message, f.id,
    ]  # fmt: skip


def discrepancies(audit: Audit) -> list[Finding]:
    """Failing findings (mismatch, error, incomplete): by root when diagnosed, the most severe and material first."""
    failing = [f for f in audit.findings if f.verdict in (Verdict.MISMATCH, Verdict.ERROR, Verdict.INCOMPLETE)]
    rank = {f.id: i for i, r in enumerate(roots(failing)) for f in r.findings}
    return sorted(failing, key=lambda f: (rank.get(f.id, len(rank)), *review_order(f)))


def _cause_columns(f: Finding) -> list[object]:
    """cause, root, culprit (with its source line), likely correction: empty until diagnosed."""
    d = getattr(f, "diagnosis", None)
    if d is None:
        return ["", "", "", ""]
    culprits = [culprit_text(c.figure, c.likely) for c in getattr(d, "figures", ())]
    semi = _("; ")
    return [
        cause_name(str(d.cause)),
        str(d.root),
        semi.join(c for c, _l in culprits),
        semi.join(likely for _c, likely in culprits if likely),
    ]


def render(audit: Audit) -> bytes:
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = _("Summary")
    s = audit.summary()
    rows: list[list[object]] = [
        [_("data"), audit.path, "", "", "", *([""] * len(VERDICTS))],
        [_("tolerance policy"), audit.tolerance.policy.value, "", "", "", *([""] * len(VERDICTS))],
    ]
    for d in stats(audit):
        rows.append([d.doc.id, d.doc.title, "", d.figures, d.relations, *(d.counts[v] for v in VERDICTS)])
        for p in d.programs:
            rows.append([d.doc.id, d.doc.title, p.name, p.figures, p.relations, *(p.counts[v] for v in VERDICTS)])
    rows.append([_("all"), "", "", s["figures"], s["relations"], *(s[v] for v in VERDICTS)])
    header = [_("document"), _("title"), _("program"), _("figures"), _("relations"), *map(verdict_name, VERDICTS)]
    _sheet(summary, header, rows, wide=50)

    failing = wb.create_sheet(_("Discrepancies"))
    _sheet(
        failing,
        [_("reviewed"), *_finding_header(), _("cause"), _("root"), _("culprit"), _("likely correction")],
        [["", *_finding_row(f), *_cause_columns(f)] for f in discrepancies(audit)],
    )
    failing.column_dimensions["A"].width = 8

    relations = wb.create_sheet(_("Relations"))
    _sheet(relations, _finding_header(), [_finding_row(f) for f in audit.findings])

    figures = wb.create_sheet(_("Figures"))
    _sheet(
        figures,
        [
            _("reference"),
            _("document"),
            _("label"),
            _("value"),
            _("as written"),
            _("unit"),
            _("source"),
            _("source line"),
            _("YAML file"),
            _("YAML line"),
        ],
        [
            [
                f.ref,
                f.ref.split("::", 1)[0],
                f.label,
                _number(f.value.text()),
                f.value.text(),
                f.unit.text,
                f.source.file,
                f.source.line,
                f.yaml.file,
                f.yaml.line,
            ]
            for f in audit.model.figures
        ],
    )
    for ws in (failing, relations, figures):
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if isinstance(cell.value, str) and cell.column_letter != "A":
                    cell.alignment = Alignment(wrap_text=False)
    wb.properties.creator = "fundaudit"
    wb.properties.created = EPOCH
    wb.properties.modified = EPOCH
    raw = io.BytesIO()
    wb.save(raw)
    return _pin_zip(raw.getvalue())


def _pin_zip(data: bytes) -> bytes:
    """Rewrite the archive with fixed timestamps so the same audit gives the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            pinned = zipfile.ZipInfo(info.filename, date_time=(2020, 1, 1, 0, 0, 0))
            pinned.compress_type = zipfile.ZIP_DEFLATED
            pinned.external_attr = info.external_attr
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                body = _MODIFIED.sub(b"\\g<1>2020-01-01T00:00:00Z\\g<2>", body)
            dst.writestr(pinned, body)
    return out.getvalue()
