"""Readers: plain text in UTF-8 and GB18030, Word, HTML, PDF; clear errors for what cannot be read."""

from __future__ import annotations

import builtins
from pathlib import Path
from typing import Any

import pytest

from fundaudit.draft.readers import ReadError, lines, read_text
from tests.draft.fixtures import make_docx, make_pdf

DOCS = Path(__file__).parent / "docs"


def test_utf8_and_gb18030_read_the_same(tmp_path: Path) -> None:
    text = "全县计划投入资金 3.6 亿元，其中，中央资金 2 亿元。\n"
    (tmp_path / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(text.encode("gb18030"))
    (tmp_path / "c.txt").write_bytes(b"\xef\xbb\xbf" + text.replace("\n", "\r\n").encode("utf-8"))
    assert read_text(tmp_path / "a.txt") == read_text(tmp_path / "b.txt") == read_text(tmp_path / "c.txt") == text


def test_control_characters_are_dropped_tabs_kept(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("项目\t合计\x00\x07\n道路\t120\n", encoding="utf-8")
    assert read_text(tmp_path / "a.txt") == "项目\t合计\n道路\t120\n"


def test_numbered_lines() -> None:
    assert [(line.number, line.text) for line in lines("a\n\nb")] == [(1, "a"), (2, ""), (3, "b")]


def test_html_drops_script_navigation_footer_and_keeps_table_rows() -> None:
    text = read_text(DOCS / "quarters.html")
    assert "99 亿元" not in text and "首页" not in text and "028-86012345" not in text
    assert "东城区\t600\t150\t150\t150\t150\n西山县\t720" in text


def test_html_colspan_spans_subcolumns(tmp_path: Path) -> None:
    page = (
        "<table><tr><th>区县</th><th colspan='2'>资金（万元）</th></tr><tr><td>甲</td><td>1</td><td>2</td></tr></table>"
    )
    (tmp_path / "p.html").write_text(page, encoding="utf-8")
    assert read_text(tmp_path / "p.html") == "区县\t资金（万元）\t\n甲\t1\t2\n"


def test_docx_paragraphs_and_table(tmp_path: Path) -> None:
    text = read_text(make_docx(tmp_path / "plan.docx"))
    assert text.startswith("某县 2022 年易地扶贫搬迁专项实施方案\n\n一、资金筹措\n")
    assert "项目\t合计（万元）\t搬迁户数（户）\n东坝安置点\t3200\t320\n" in text


def test_pdf_text_layer_and_ruled_table(tmp_path: Path) -> None:
    text = read_text(make_pdf(tmp_path / "report.pdf"))
    assert "全县计划投入资金 180 万元，其中，中央资金 110 万元，省级资金 70 万元。" in text
    assert "项目\t合计\t中央\t省级\n道路\t120\t80\t40\n" in text


def test_a_pdf_without_a_text_layer_is_refused(tmp_path: Path) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(tmp_path / "scan.pdf"))
    c.rect(10, 10, 100, 100, fill=1)  # a picture of a page, no text
    c.save()
    with pytest.raises(ReadError, match="no text layer"):
        read_text(tmp_path / "scan.pdf")


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("a.rtf", b"x", "cannot draft a .rtf file"),
        ("noext", b"x", "cannot draft a suffix-less file"),
        ("broken.docx", b"not a zip", "cannot read as .docx"),
        ("broken.pdf", b"%PDF-1.4 garbage", "cannot read as .pdf"),
    ],
)
def test_unreadable_documents_are_clear_errors(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(ReadError, match=message):
        read_text(tmp_path / name)


def test_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ReadError, match="file does not exist"):
        read_text(tmp_path / "none.txt")


def test_a_missing_extra_names_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = builtins.__import__

    def no_docx(name: str, *args: Any, **kwargs: Any) -> Any:
        if name == "docx" or name.startswith("docx."):
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return real(name, *args, **kwargs)

    (tmp_path / "a.docx").write_bytes(b"x")
    monkeypatch.setattr(builtins, "__import__", no_docx)
    with pytest.raises(ReadError, match=r"needs the Python package python-docx: pip install 'fundaudit\[draft\]'"):
        read_text(tmp_path / "a.docx")


def test_what_is_not_a_regular_file_within_the_limit_is_refused_unread(tmp_path: Path) -> None:
    """A FIFO (never waited on), a device and a 3 GB sparse file are refused before any read."""
    import os

    fifo, big, device = tmp_path / "pipe.txt", tmp_path / "big.txt", tmp_path / "zero.txt"
    os.mkfifo(fifo)
    with big.open("wb") as fh:
        fh.truncate(3 * 1024**3)
    device.symlink_to("/dev/zero")
    for path, said in ((fifo, "named pipe (FIFO)"), (big, "larger than"), (device, "character device")):
        with pytest.raises(ReadError, match=said.replace("(", r"\(").replace(")", r"\)")):
            read_text(path)
