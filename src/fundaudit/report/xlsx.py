"""audit.xlsx: the auditor's workpaper — Summary, Findings (both locations), Figures (provenance).

Amounts are written as text cells with the digits as written (``12.10`` stays ``12.10``),
so Excel never rounds or reformats them; text that could run as a formula is neutralised.
The file is deterministic: fixed document properties and zip timestamps.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Sequence

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from fundaudit.report.escape import spreadsheet
from fundaudit.report.summary import FINDING_COLUMNS, VERDICTS, finding_row, stats
from fundaudit.runner import Audit

EPOCH = dt.datetime(2020, 1, 1)
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
FIGURE_COLUMNS = ("ref", "label", "value", "unit", "source_file", "source_line", "yaml_file", "yaml_line")


def _sheet(ws: Worksheet, header: tuple[str, ...], rows: Sequence[Sequence[object]]) -> None:
    ws.append(list(header))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([spreadsheet(v) if isinstance(v, str) else v for v in row])
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.number_format = "@"  # text: the digits stay as written
    ws.freeze_panes = "A2"
    for index, col in enumerate(ws.columns, start=1):
        letter = get_column_letter(index)
        width = max(len(str(c.value or "")) for c in col[:200])
        ws.column_dimensions[letter].width = min(max(8, width + 2), 60)


def render(audit: Audit) -> bytes:
    wb = Workbook()
    summary = wb.active
    assert summary is not None
    summary.title = "Summary"
    s = audit.summary()
    summary.append(["fundaudit audit workpaper"])
    summary["A1"].font = Font(bold=True, size=14)
    summary.append(["data", spreadsheet(audit.path)])
    summary.append(["tolerance policy", audit.tolerance.policy.value])
    summary.append([])
    rows: list[list[object]] = []
    for d in stats(audit):
        rows.append([d.doc.id, d.doc.title, "", d.figures, d.relations, *(d.counts[v] for v in VERDICTS)])
        for p in d.programs:
            rows.append([d.doc.id, d.doc.title, p.name, p.figures, p.relations, *(p.counts[v] for v in VERDICTS)])
    rows.append(["all", "", "", s["figures"], s["relations"], *(s[v] for v in VERDICTS)])
    header = ("document", "title", "program", "figures", "relations", *VERDICTS)
    summary.append(list(header))
    for cell in summary[summary.max_row]:
        cell.font = Font(bold=True)
    for row in rows:
        summary.append([spreadsheet(v) if isinstance(v, str) else v for v in row])
    findings = wb.create_sheet("Findings")
    _sheet(findings, FINDING_COLUMNS, [finding_row(f) for f in audit.findings])
    for cell in findings["Q"][1:]:
        cell.alignment = Alignment(wrap_text=False)
    figures = wb.create_sheet("Figures")
    _sheet(
        figures,
        FIGURE_COLUMNS,
        [
            [f.ref, f.label, f.value.text(), f.unit.text, f.source.file, f.source.line, f.yaml.file, f.yaml.line]
            for f in audit.model.figures
        ],
    )
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
