"""Segmenter: numbered lines into headings, paragraphs and tables.

- Headings by their numbering: ``一、`` (level 1), ``（一）`` (2), ``1.`` / ``1、`` (3), ``（1）`` (4);
  a short unpunctuated title line naming a 专项, 方案, 规划, 意见 or 通知 is level 0 (not one
  ending in 表, 清单, 计划 or a colon, nor one right over a table: a table's title or a
  lead-in), ``附件N`` level 1.
  Markdown marks (``#``, ``**``) around them are ignored. A heading line whose title ends in
  ``。`` and goes on (``1. 实施义务教育经费保障机制。城乡义务教育…``) is also a paragraph.
- A table is a run of tab-separated lines (blank lines allowed between them). Its leading
  rows with no number-only cell are header rows; its title and unit (``单位：万元``) come from
  the few lines just above it.
- Paragraphs are runs of other lines. A blank line ends one only after sentence-final
  punctuation or a short line not ending in a digit, so a number broken over a blank line
  (``8.4`` / blank / ``亿元``) reads whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from fundaudit.draft.extract._words import unit_ok
from fundaudit.draft.model import Block, Heading, Line, Outline, Paragraph, TableBlock, Text
from fundaudit.provenance.tokens import normalise

_CN = "一二三四五六七八九十"
_MARKS = re.compile(r"^[\s#*>]*|[\s*]*$")
_LEVELS = (
    (1, re.compile(rf"^([{_CN}]+、)\s*")),
    (2, re.compile(rf"^([（(][{_CN}]+[）)])\s*")),
    (3, re.compile(r"^([0-9]{1,2}(?:[.．](?![0-9])|、))\s*")),
    (4, re.compile(r"^([（(][0-9]{1,2}[）)])\s*")),
)
_ANNEX = re.compile(r"^(附件\s*[0-9]*)[:：]?\s*")
_TITLE_WORDS = ("专项", "方案", "规划", "意见", "通知")
_NOT_TITLE_END = ("表", "清单", "计划", ":", "：")  # a table's title or a lead-in, not a part of the document
_FINAL = "。；！？：:;"
_UNIT_LINE = re.compile(r"单\s*位\s*[:：]\s*(\S+)")


@dataclass(frozen=True, slots=True)
class SegmentSettings:
    max_title: int = 60  # a level-0 title line is shorter than this
    title_lookback: int = 6  # lines above a table searched for its title and unit


DEFAULT = SegmentSettings()


def heading(line: Line, settings: SegmentSettings = DEFAULT) -> Heading | None:
    """The heading a line starts with, if any."""
    text = _MARKS.sub("", normalise(line.text))
    if not text or "\t" in line.text:
        return None
    for level, pattern in _LEVELS:
        m = pattern.match(text)
        if m and len(text) > len(m.group(0)):
            rest = text[m.end() :]
            title = re.split(r"[。．]", rest, maxsplit=1)[0].strip(" *")
            return Heading(level, m.group(1), title[: settings.max_title], line.number)
    m = _ANNEX.match(text)
    if m and len(text) < settings.max_title:
        return Heading(1, m.group(1).replace(" ", ""), text[m.end() :].strip(), line.number)
    if (
        len(text) < settings.max_title
        and not any(p in text for p in "。，；,")
        and any(w in text for w in _TITLE_WORDS)
        and not re.sub(r"[（(][^）)]*[）)]$", "", text).endswith(_NOT_TITLE_END)
        and not re.search(r"[0-9]+(\.[0-9]+)?\s*(亿元|万元|元)", text)
    ):
        return Heading(0, "", text, line.number)
    return None


def lines_to_blocks(text: Text, settings: SegmentSettings = DEFAULT) -> list[Block]:
    blocks: list[Block] = []
    para: list[Line] = []

    def flush() -> None:
        if para:
            blocks.append(_paragraph(para))
            para.clear()

    i, n = 0, len(text)
    while i < n:
        line = text[i]
        if "\t" in line.text:
            flush()
            j = i
            rows: list[Line] = []
            while j < n and ("\t" in text[j].text or not text[j].text.strip()):
                if text[j].text.strip():
                    rows.append(text[j])
                j += 1
            blocks.append(_table(text, i, rows, settings))
            i = j
            continue
        h = heading(line, settings)
        if h is not None and h.level == 0 and _table_follows(text, i):
            h = None  # a title line right over a table is the table's title, not a part of the document
        if h is not None:
            flush()
            blocks.append(h)
            rest = _MARKS.sub("", normalise(line.text))
            if len(rest) > len(h.numbering) + len(h.title) + 1 or any(c.isdigit() for c in h.title):
                para.append(line)  # the heading line goes on with running text, or states a figure
            i += 1
            continue
        if not line.text.strip():
            last = para[-1].text.rstrip(" *") if para else ""
            if para and (not last or last[-1] in _FINAL or (len(last) < 20 and not last[-1].isdigit())):
                flush()
        else:
            para.append(line)
        i += 1
    flush()
    return blocks


def _table_follows(text: Text, i: int) -> bool:
    """The next line that is not blank is a row of a table."""
    for k in range(i + 1, min(len(text), i + 4)):
        if text[k].text.strip():
            return "\t" in text[k].text
    return False


def _paragraph(lines: list[Line]) -> Paragraph:
    starts: list[int] = []
    parts: list[str] = []
    pos = 0
    for line in lines:
        starts.append(pos)
        t = normalise(line.text)
        parts.append(t)
        pos += len(t)
    return Paragraph(tuple(lines), "".join(parts), tuple(starts))


def _is_number_cell(cell: str) -> bool:
    """A cell that is a number, alone or with its unit (``1500``, ``114.7 万亩``, ``85%``), not a year."""
    m = re.fullmatch(r"\s*-?([0-9]+(?:\.[0-9]+)?)\s*(\S*)\s*", normalise(cell))
    if m is None:
        return False
    rest = m.group(2).replace(" ", "")
    if rest.startswith("年"):
        return False
    return rest == "" or rest == "%" or unit_ok(rest)


def _table(text: Text, start: int, rows: list[Line], settings: SegmentSettings) -> TableBlock:
    header: list[Line] = []
    for row in rows:
        cells = [c for c in row.text.split("\t") if c.strip()]
        if any(_is_number_cell(c) for c in cells[1:]) or (len(cells) == 1 and _is_number_cell(cells[0])):
            break
        header.append(row)
    body = rows[len(header) :]
    title, title_line, unit = "", rows[0].number if rows else 0, None
    for k in range(start - 1, max(-1, start - 1 - settings.title_lookback), -1):
        t = normalise(text[k].text).strip(" *#")
        if not t:
            continue
        if "\t" in text[k].text:
            break
        m = _UNIT_LINE.search(t)
        if m and unit is None:
            unit = m.group(1).strip("）)")
            if len(t) < 15:
                continue
        if not title and len(t) < settings.max_title and not t.endswith("。"):
            title, title_line = t, text[k].number
            break
    return TableBlock(title, title_line, unit, tuple(header), tuple(body))


def blocks_to_outline(blocks: list[Block], text: Text) -> Outline:
    chain: list[tuple[int, ...]] = []
    open_: list[tuple[int, int]] = []  # (level, block index)
    for i, block in enumerate(blocks):
        if isinstance(block, Heading):
            while open_ and open_[-1][0] >= block.level:
                open_.pop()
            chain.append(tuple(k for _, k in open_))
            open_.append((block.level, i))
        else:
            chain.append(tuple(k for _, k in open_))
    return Outline(tuple(blocks), tuple(chain), text)


def segment(text: Text, settings: SegmentSettings = DEFAULT) -> Outline:
    return blocks_to_outline(lines_to_blocks(text, settings), text)
