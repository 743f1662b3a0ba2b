"""A small document that unpacks to gigabytes (a zip bomb as a Word file, a Flate bomb in a
PDF) is refused by its size before it is read: exit 2, a clear message, flat memory.

The limits are lowered for the tests (the real ones are 256 MiB and 512 MiB), so that a bomb
of a few megabytes unpacked shows the behaviour in milliseconds."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import pytest

from fundaudit.cli import run
from fundaudit.draft.readers import docx as docx_reader
from fundaudit.draft.readers import pdf as pdf_reader

PLAN = "全年计划投资10亿元，其中：中央5亿元、省级4亿元。"


def _cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = run([*argv, "--lang", "en"])
    return code, capsys.readouterr().err


def _word(path: Path, padding: int) -> Path:
    docx = pytest.importorskip("docx")
    document = docx.Document()
    document.add_paragraph(PLAN)
    plain = path.with_suffix(".plain.docx")
    document.save(str(plain))
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml" and padding:
                data = data.replace(b"</w:body>", b"<w:p/>" * (padding // 6) + b"</w:body>")
            out.writestr(info, data)
    plain.unlink()
    return path


def _pdf(path: Path, unpacked: int) -> Path:
    stream = zlib.compress(b" " * unpacked, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    path.write_bytes(out)
    return path


def test_a_word_bomb_is_refused_by_its_unpacked_size(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(docx_reader, "MAX_UNPACKED_BYTES", 1 << 20)
    bomb = _word(tmp_path / "bomb.docx", 4 << 20)
    assert bomb.stat().st_size < 200_000
    code, err = _cli(capsys, "check", str(bomb))
    assert code == 2 and "the Word file unpacks to" in err and "more than 1,048,576: not read" in err
    assert "Traceback" not in err


def test_a_word_file_under_the_limit_is_read(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, err = _cli(capsys, "check", str(_word(tmp_path / "plan.docx", 0)))
    assert code == 1, err  # the planted slip: 5 + 4 ≠ 10


def test_a_pdf_flate_bomb_is_refused_before_it_is_read(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("pdfplumber")
    monkeypatch.setattr(pdf_reader, "MAX_UNPACKED_BYTES", 1 << 20)
    bomb = _pdf(tmp_path / "bomb.pdf", 8 << 20)
    assert bomb.stat().st_size < 100_000
    code, err = _cli(capsys, "check", str(bomb))
    assert code == 2 and "the PDF's streams unpack to more than 1,048,576 bytes: not read" in err
    small = _pdf(tmp_path / "small.pdf", 1000)  # under the limit: read, and found to have no text
    code, err = _cli(capsys, "check", str(small))
    assert code == 2 and "no text layer" in err
