"""Word and PDF test documents, generated (python-docx, reportlab's built-in CJK font)."""

from __future__ import annotations

from pathlib import Path

DOCX_TEXT = [
    "某县 2022 年易地扶贫搬迁专项实施方案",
    "一、资金筹措",
    "全县计划投入资金 5000 万元，其中，中央资金 3000 万元，省级资金 1500 万元，县级资金 500 万元。",
    "二、项目清单",
]
DOCX_TABLE = [
    ["项目", "合计（万元）", "搬迁户数（户）"],
    ["东坝安置点", "3200", "320"],
    ["西岭安置点", "1800", "180"],
    ["合计", "5000", "500"],
]
PDF_TEXT = [
    "一、资金安排",
    "全县计划投入资金 180 万元，其中，中央资金 110 万元，省级资金 70 万元。",
    "单位：万元",
]
PDF_TABLE = [
    ["项目", "合计", "中央", "省级"],
    ["道路", "120", "80", "40"],
    ["饮水", "60", "30", "30"],
    ["合计", "180", "110", "70"],
]


def make_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    for text in DOCX_TEXT:
        document.add_paragraph(text)
    table = document.add_table(rows=len(DOCX_TABLE), cols=len(DOCX_TABLE[0]))
    for r, row in enumerate(DOCX_TABLE):
        for c, cell in enumerate(row):
            table.cell(r, c).text = cell
    document.save(str(path))
    return path


def make_pdf(path: Path) -> Path:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    style = ParagraphStyle("zh", fontName="STSong-Light", fontSize=11, leading=16)
    table = Table(PDF_TABLE)
    table.setStyle(
        TableStyle([("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("GRID", (0, 0), (-1, -1), 0.5, colors.black)])
    )
    story = [Paragraph(t, style) for t in PDF_TEXT]
    SimpleDocTemplate(str(path), pagesize=A4, invariant=1).build([*story, Spacer(1, 12), table])
    return path
