"""tables — tab-separated tables: columns, units, 合计/小计 rows, header hierarchy, quarters.

- Header rows (the leading rows with no number-only cell) name the columns; a header cell
  spans the empty cells after it where a lower header row has sub-columns, so
  ``投入资金（万元）`` over ``合计 中央 省级`` gives the columns 合计, 中央, 省级 under 投入资金.
- Units: a header's ``（万元）`` (the column's own, else its parent's; a parent's list
  ``（公里、台、万千伏安）`` goes to its sub-columns in order), what a header counts (人数 人,
  户数 户, 个数 个), a ``单位``/``计量单位``
  column (each row's unit), else the table's ``单位：万元``. A column with no unit is left out.
- A column is numeric when most of its filled cells are numbers; the other columns make
  the row's label (a 序号 column too). Cells that are words are written empty.
- A row that lost an empty cell (a fraction under a 个 column: 3.58 under 摘帽县 before
  发生率) is moved right by one from there when that leaves no such fraction.
- A last row named by the area the title names (某市 under 某市…计划表) is the total.
- Rows labelled 合计/总计/共计 (or 全市/全县…) are totals, 小计 subtotals; a total written first
  sums the rows below it when the table has no other total or subtotal.
- ``column_sums`` from the header tree: a group's first sub-column named 合计/小计/总计 is the
  sum of its later sub-columns, each a column or a sub-group counted by its own 合计/小计 (or,
  when it has none, by those of its sub-groups); kept when it holds exactly on at least half
  of the rows (else the header was misread).
- Repeated column groups under a whole area and its places (全市 合计 中央 省级 … then each
  区县's): each of the whole's sub-columns sums the places' same sub-column; the whole's
  合计 sums the places' 合计 in every row (``cell_sums``, written as relations). Rows that
  lost their empty cells under such groups are read again by their sums (``_groups``).
- A breakdown by place right under a first 合计 row (巴州区, 恩阳区 … before the numbered
  projects): each place row sums, column by column, the rows of that place under the
  projects (``cell_sums``).
- Flattened headers: a group header standing one cell right of its own 合计 (the conversion
  shifted it) is moved onto it; a row whose figures in a group start after an empty 合计 cell
  (the empty cells before them were dropped) is read from the 合计 on.
- A total or subtotal row whose rows add up to less than half or more than twice its figure
  is kept as a detail row (a hierarchy the draft cannot read).
- Outline: a row numbered 一 / (一) / 1 / (1) sums the rows below it down to the next row
  of its level (those of the first deeper level, or unnumbered ones); a 合计 written first
  sums the rows of the first level; a last first-level row named 总投资/合计 sums its level.
  In a table with a 单位 column, a row with no unit (a place: 东区) sums the rows after it
  down to the next such row. Each reading is kept only where it adds up to between half and
  twice the figure. A row with no unit keeps only the figures of columns with their own unit.
- Columns 一季度…四季度 under a 累计/进度 header are a cumulative schedule of the column before them.
- Figures written in word cells (主要实施内容) are figures of the table's heading; a cell's own
  其中 list (全长 70.5 公里，其中：东区 30.2 公里、西区 40.3 公里) is a stated sum where it adds
  up exactly (as the ``splits`` extractor reads running text).
- A % column, a price (单价, 标准, 造价, 元/…) and 序号 are never summed down. A price column
  (单价/造价/标准) × a quantity column (规模/数量) = the first money column after the price
  (``products``), kept where it is within half and twice the amount on half the rows.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from itertools import pairwise

from fundaudit.draft.extract._base import Context, Extractor, Result
from fundaudit.draft.extract._groups import regroup
from fundaudit.draft.extract._words import amount, unit_after, unit_ok, writable
from fundaudit.draft.extract.figures import _figure
from fundaudit.draft.extract.splits import claims_in
from fundaudit.draft.model import (
    Block,
    Claim,
    Column,
    Fig,
    Line,
    Outline,
    Paragraph,
    TableBlock,
    TableDraft,
    TableRow,
)
from fundaudit.provenance.tokens import normalise
from fundaudit.units import parse_unit

_NUM = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
_PAREN_UNIT = re.compile(r"[（(]\s*([^()（）]{1,6}?)\s*[)）]")
_TOTAL = re.compile(r"^(合\s*计|总\s*计|共\s*计|全[市县区省州]|全市合计|全市投资合计)")
_SUBTOTAL = re.compile(r"小\s*计")
_NUMBERED = re.compile(r"^[0-9]{1,3}[、.．]?\s+")
_NO_FOOT = ("单价", "标准", "造价", "比例", "占比", "%", "序号", "编号", "率")
_SUM_CHILD = ("合计", "小计", "总计", "计")
_FLAT_SUM = re.compile(r"^(合计|总计|小计|全[市县区省]|.*合计)$")
_WHOLE = re.compile(r"全[市县区省州]|合计|总计")
_QUARTERS = ("一季度", "二季度", "三季度", "四季度")
_LABEL_HEADERS = ("序号", "编号", "单位", "计量单位", "项目", "名称", "区县", "县区", "地区", "备注", "内容", "部门")


def _cells(line: str) -> list[str]:
    return [" ".join(c.split()) for c in normalise(line).split("\t")]


def _unit_of(header: str) -> str | None:
    m = _PAREN_UNIT.search(header)
    if m and unit_ok(m.group(1).replace(" ", "")):
        return m.group(1).replace(" ", "")
    return None


def _name(header: str) -> str:
    """A header without its unit: ``投入资金（万元）`` → 投入资金; ``（万人）`` → ""."""
    return re.sub(r"\s+", "", _PAREN_UNIT.sub("", header)).strip()


def extract(index: int, block: Block | Outline, ctx: Context) -> Result:
    if not isinstance(block, TableBlock) or not block.rows:
        return
    table = read_table(block, index)
    cells: set[tuple[int, str]] = set()
    if table is not None:
        yield table
        cells = set(table.figures())
    # figures written in words cells (主要实施内容, a title with （53 个）): read as running text,
    # and a cell's own 其中 list (全长 70 公里，其中：东区 30 公里、西区 40 公里) as a stated sum
    for line in (*block.header_rows, *block.rows):
        texts = normalise(line.text).split("\t")
        starts = [0]
        for t in texts[:-1]:
            starts.append(starts[-1] + len(t) + 1)
        in_cell: dict[int, list[Fig]] = {}
        for token in ctx.tokens.get(line.number, ()):
            if token.excluded or not token.unit or token.cell or (line.number, token.value) in cells:
                continue
            k = max(i for i, s0 in enumerate(starts) if s0 <= token.column)
            cell = texts[k]
            para = Paragraph((Line(line.number, cell),), cell, (0,))
            fig = _figure(token, para, token.column - starts[k], index)
            if fig is not None:
                fig = replace(fig, column=token.column)
                in_cell.setdefault(k, []).append(fig)
                yield fig
        for k, figs in in_cell.items():
            if len(figs) > 2:
                yield from (c for c in claims_in(texts[k], figs, index) if c.kind != "split" and _exact(c))


def _listed_unit(j: int, nodes: list[list[tuple[int, int]]], header: list[list[str]]) -> str | None:
    """The k-th unit of a parent header's list (``建设规模（公里、台、万千伏安）``) for its k-th sub-column."""
    if len(nodes[j]) < 2:
        return None
    parent = nodes[j][-2]
    m = re.search(r"[（(]([^（）()]+)[）)]", header[parent[0]][parent[1]])
    units = [u.strip() for u in re.split(r"[、，,/]", m.group(1))] if m else []
    if len(units) < 2 or not all(unit_ok(u) for u in units):
        return None
    siblings = [k for k, n in enumerate(nodes) if len(n) >= 2 and n[-2] == parent and n[-1] != n[-2]]
    leaves = list(dict.fromkeys(nodes[k][-1] for k in siblings))
    if len(leaves) != len(units) or nodes[j][-1] not in leaves:
        return None
    return units[leaves.index(nodes[j][-1])]


_COUNTED = (("人次", "人次"), ("人数", "人"), ("户数", "户"), ("个数", "个"), ("次数", "次"), ("村数", "个"))


def _counted(name: str) -> str | None:
    """The unit a header names by what it counts: ``新增就业人数`` → 人, ``企业户数`` → 户."""
    return next((unit for end, unit in _COUNTED if name.endswith(end)), None)


def _exact(claim: Claim) -> bool:
    """A list written in a cell is claimed only where it adds up exactly (a part may be unreadable)."""
    if claim.total is None or not claim.parts:
        return False
    return amount(claim.total.value, claim.total.unit) == sum(
        (amount(p.value, p.unit) for p in claim.parts), Decimal(0)
    )


def read_table(block: TableBlock, index: int = -1) -> TableDraft | None:
    header = [_cells(r.text) for r in block.header_rows]
    body = [(r.number, _cells(r.text)) for r in block.rows]
    width = max(len(c) for c in [*header, *(b for _, b in body)])
    header = [h + [""] * (width - len(h)) for h in header]
    body = [(n, b + [""] * (width - len(b))) for n, b in body]
    unit_at = next((j for j, c in enumerate(header[0] if header else []) if _name(c) in ("单位", "计量单位")), None)
    body, groups = regroup(header, body, unit_at)  # rows that lost their empty cells under repeated groups
    width = max(len(c) for c in [*header, *(b for _, b in body)])
    _shifted_groups(header)
    # spans: an empty header cell under-filled by a lower row belongs to the cell on its left
    origin = [[j if header[r][j] else -1 for j in range(width)] for r in range(len(header))]
    for r in range(len(header) - 1):
        for j in range(1, width):
            if not header[r][j] and header[r][j - 1] and any(header[k][j] for k in range(r + 1, len(header))):
                header[r][j] = header[r][j - 1]
                origin[r][j] = origin[r][j - 1]
    paths = []
    nodes: list[list[tuple[int, int]]] = []  # the header cells over each column, as (row, first column)
    for j in range(width):
        path: list[str] = []
        node: list[tuple[int, int]] = []
        for r in range(len(header)):
            if header[r][j]:
                node.append((r, origin[r][j]))  # every cell: 全县 over 全县 is a group and its first column
            if header[r][j] and (not path or path[-1] != header[r][j]):
                path.append(header[r][j])
        paths.append(path)
        nodes.append(node)
    body = _left_aligned(body, header, nodes)
    table_unit = block.unit if block.unit and unit_ok(block.unit) else None
    unit_col = next(
        (j for j, p in enumerate(paths) if p and _name(p[-1]) in ("单位", "计量单位")),
        None,
    )
    label_units = any(_unit_of(c) for _, b in body for c in b[:2])  # rows named with their unit: 示范基地 (个)
    numeric: list[int] = []
    figured = [b for _, b in body if any(_NUM.fullmatch(c) for c in b)]  # not a header repeated in the body
    for j in range(width):
        if j == unit_col or (paths[j] and any(w in _name(paths[j][-1]) for w in ("序号", "编号"))):
            continue
        filled = [b[j] for b in figured if b[j] and b[j] not in ("-", "—", "/")]
        nums = [c for c in filled if _NUM.fullmatch(c)]
        if filled and len(nums) * 2 >= len(filled) and len(nums) >= 1:
            numeric.append(j)
    columns: list[Column] = []
    keep: list[int] = []
    names_seen: dict[str, int] = {}
    for j in numeric:
        path = [p for p in paths[j] if _name(p) and not _PAREN_UNIT.fullmatch(p.replace(" ", ""))] or [f"列{j + 1}"]
        units_path = paths[j] or path
        unit = next((u for u in (_unit_of(p) for p in reversed(units_path)) if u), None)
        if unit is None:
            unit = _listed_unit(j, nodes, header)  # 建设规模（公里、台、万千伏安） over three sub-columns
        if unit is None and unit_col is None and table_unit is None:
            unit = _counted(_name(path[-1]))  # 就业人数: a number of 人
        if unit is None and unit_col is not None and any(w in _name(path[-1]) for w in ("单价", "造价", "标准")):
            money = table_unit if table_unit in ("元", "万元", "亿元") else "万元"
            unit = money + "/{row}"
        if unit is None and unit_col is None and table_unit is None and not label_units:
            continue
        if unit is None and unit_col is not None and table_unit is None:
            unit = "{row}"  # 建设规模 beside a 计量单位 column: each row's own unit
        name = (
            "".join(_name(p) for p in path[-2:]) if len(path) > 1 and _name(path[-1]) in _SUM_CHILD else _name(path[-1])
        )
        if name in names_seen:
            name = "".join(_name(p) for p in path) or name
        while name in names_seen:
            name += "'"
        names_seen[name] = j
        foot = not any(w in name for w in _NO_FOOT) and not (unit and ("/" in unit or unit == "%"))
        parent = _name(path[-2]) if len(path) > 1 else None
        columns.append(Column(name, unit, foot, parent))
        keep.append(j)
    if not columns:
        return None
    rows: list[TableRow] = []
    levels: list[int] = []  # each row's outline level from its numbering (一 1, (一) 2, 1 3, (1) 4; none 9)
    for number, cells in body:
        cells = _unshifted(cells, keep, columns)
        label_cells = [cells[j] for j in range(width) if j not in keep and j != unit_col and cells[j]]
        label = " ".join(label_cells)
        row_unit = None
        if unit_col is not None:
            u = cells[unit_col].replace(" ", "")
            row_unit = u if unit_ok(u) else None
        elif label_cells:
            row_unit = next((u for u in map(_unit_of, reversed(label_cells)) if u), None)
        values = []
        for j, col in zip(keep, columns, strict=True):
            text = cells[j]
            if (_NUM.fullmatch(text) and not text.startswith("-") and writable(text)) or text in ("-", "—"):
                values.append(text)
            else:
                m = re.fullmatch(r"([0-9]+(?:\.[0-9]+)?)\s*(\S+)", text)
                if m and (unit_after(m.group(2)) == m.group(2)) and (col.unit or row_unit) == m.group(2):
                    values.append(m.group(1))
                else:
                    values.append("")
        if not any(v and v not in ("-", "—") for v in values):
            continue
        if row_unit is None and table_unit is None:
            # no unit for the row: keep it only when its figures stand in columns with their own unit
            unitless = [j for j, c in enumerate(columns) if c.unit is None or "{row}" in c.unit]
            if any(values[j] not in ("", "-", "—") for j in unitless):
                continue
            values = ["" if j in unitless else v for j, v in enumerate(values)]
        named = _NUMBERED.sub("", label).replace(" ", "")  # 6 合计: a total that kept its 序号
        role = "subtotal" if _SUBTOTAL.search(label) else "total" if _TOTAL.match(named) else "detail"
        rows.append(TableRow(label, number, tuple(values), row_unit, role))
        levels.append(_row_level(label_cells))
    if not rows:
        return None
    rows = _whole_last(rows, block.title)
    rows = _roles(rows, columns)
    rows = _outline(rows, columns, levels, unit_col is not None)
    across, whole_sums = _across_groups(groups, header, keep, columns, rows)
    sums = _holding(_column_sums(columns, _tree_sums(nodes, header, keep, columns) + across), columns, rows)
    return TableDraft(
        block.title,
        block.title_line,
        table_unit,
        tuple(columns),
        tuple(rows),
        sums,
        index,
        "tables",
        _quarters(columns),
        _products(columns, rows),
        whole_sums + _places(rows, levels),
    )


def _counts_broken(cells: list[str], keep: list[int], columns: list[Column]) -> int | None:
    """The first cell that holds a fraction under a column of whole things (个, 户), if any."""
    for j, col in zip(keep, columns, strict=True):
        if col.unit and "/" not in col.unit and "{" not in col.unit and "." in cells[j] and _NUM.fullmatch(cells[j]):
            unit = parse_unit(col.unit)
            if unit.dimension.startswith("count:") and unit.pow10 == 0:
                return j
    return None


def _unshifted(cells: list[str], keep: list[int], columns: list[Column]) -> list[str]:
    """A row that lost an empty cell: a fraction under 个 (3.58 under 贫困县摘帽 before 发生率)
    means the cells from there on stand one column left of their own; they move right by one
    when that leaves no such fraction."""
    j = _counts_broken(cells, keep, columns)
    if j is None or cells[-1]:
        return cells
    moved = [*cells[:j], "", *cells[j:-1]]
    return moved if _counts_broken(moved, keep, columns) is None else cells


def _whole_last(rows: list[TableRow], title: str) -> list[TableRow]:
    """A last row named by the area the title names (资阳市 under 资阳市 …计划表) is the total of
    the rows above it, when no row is a total already."""
    if len(rows) < 3 or any(r.role != "detail" for r in rows):
        return rows
    place = rows[-1].label.split(" ")[0]
    plain = re.sub(r"\s+", "", title)
    if len(place) >= 2 and re.fullmatch(r"[\u4e00-\u9fff]+[市县区州省]", place) and plain.startswith(place):
        return [*rows[:-1], replace(rows[-1], role="total")]
    return rows


def _roles(rows: list[TableRow], columns: list[Column]) -> list[TableRow]:
    """A total written first sums the rows below it when nothing else in the table is a total.

    A total (or subtotal) whose rows, in its first summed column, add up to less than half or
    more than twice its own figure is not their sum as read (a hierarchy of projects and their
    county rows, say): it is kept as a detail row, unrelated.
    """
    totals = [k for k, r in enumerate(rows) if r.role != "detail"]
    if totals == [0] and len(rows) > 2:
        rows = [replace(rows[0], role="detail", sums=tuple(range(1, len(rows)))), *rows[1:]]
    elif totals and totals[0] == 0:
        rows = [replace(rows[0], role="detail"), *rows[1:]]  # a first total among others: unsure
    out = list(rows)
    start = 0
    for k, row in enumerate(rows):
        if row.role == "detail" and not row.sums:
            continue
        members = list(row.sums) if row.sums else [i for i in range(start, k) if rows[i].role == "detail"]
        if row.role == "total" or row.sums:
            start = k + 1
        if row.unit and not row.sums and any(rows[i].unit != row.unit for i in members):
            members = [i for i in members if rows[i].unit == row.unit]  # a 合计 in 万亩 sums the rows in 万亩
            out[k] = replace(row, sums=tuple(members))
        if not _adds_up(row, [rows[i] for i in members], columns):
            out[k] = replace(row, role="detail", sums=())
    return out


_ROW_NUMBER = (
    (1, re.compile(r"^[一二三四五六七八九十]+(?:[、.．]|\s|$)")),
    (2, re.compile(r"^[(（][一二三四五六七八九十]+[)）]")),
    (3, re.compile(r"^[0-9]{1,3}(?:[、.．](?![0-9])|\s|$)")),
    (4, re.compile(r"^[(（][0-9]{1,3}[)）]")),
)
_TOTAL_WORD = re.compile(r"合\s*计|总\s*计|共\s*计|总投资|^全[市县区省州]$")


def _row_level(label_cells: list[str]) -> int:
    """A row's outline level from the numbering its label starts with (9: none)."""
    first = label_cells[0] if label_cells else ""
    return next((level for level, pattern in _ROW_NUMBER if pattern.match(first)), 9)


def _outline(rows: list[TableRow], columns: list[Column], levels: list[int], unit_col: bool) -> list[TableRow]:
    """Rows that sum the rows below them, read from the outline of the table's numbering or places.

    - Numbered rows (一、 (一) 1 (1)) over rows numbered one level deeper, or unnumbered: a row
      sums the rows after it down to the next row of its own level or above, those of the
      first level below it that is present. A total row written first sums the rows of the
      table's first level; a last row of the first level named 总投资/合计/全市 sums the rows
      of its level before it.
    - In a table with a 单位 column, rows with no unit of their own (a place: 巴州区) among
      rows that have one are group rows, each summing the rows after it down to the next.

    Every reading is kept only where its first summed column adds up to between half and
    twice its figure (:func:`_adds_up`).
    """
    out = list(rows)
    n = len(rows)

    def claim(k: int, members: list[int]) -> None:
        if members and not out[k].sums and _adds_up(out[k], [rows[i] for i in members], columns):
            out[k] = replace(out[k], sums=tuple(members))

    if len(set(levels)) > 1 and min(levels) < 9:
        for i in range(n):
            if rows[i].role != "detail" or levels[i] == 9:
                continue
            end = next((k for k in range(i + 1, n) if levels[k] <= levels[i] or rows[k].role != "detail"), n)
            below = range(i + 1, end)
            if below:
                first = min(levels[k] for k in below)
                claim(i, [k for k in below if levels[k] == first])
            elif levels[i] == min(levels) and _TOTAL_WORD.search(rows[i].label.replace(" ", "")):
                claim(i, [k for k in range(i) if levels[k] == levels[i] and rows[k].role == "detail"])
        top = min(levels)
        if _TOTAL.match(rows[0].label.replace(" ", "")):
            heads = [k for k in range(1, n) if levels[k] == top]
            if heads and len(heads) < n - 1:
                first_total = replace(out[0], sums=())
                if _adds_up(first_total, [rows[k] for k in heads], columns):
                    out[0] = replace(out[0], role="detail", sums=tuple(heads))
    if unit_col:
        groups = [k for k, r in enumerate(rows) if r.unit is None and r.role == "detail" and not out[k].sums]
        if groups and len(groups) * 2 <= n:
            for g, k in enumerate(groups):
                end = groups[g + 1] if g + 1 < len(groups) else n
                claim(k, [i for i in range(k + 1, end) if rows[i].role == "detail"])
    return out


def _adds_up(total: TableRow, members: list[TableRow], columns: list[Column]) -> bool:
    for j, col in enumerate(columns):
        if not col.foot or not _NUM.fullmatch(total.cells[j]):
            continue
        cells = [m.cells[j] for m in members if _NUM.fullmatch(m.cells[j])]
        if not cells:
            return False
        whole = Decimal(total.cells[j])
        got = sum((Decimal(c) for c in cells), Decimal(0))
        return whole == got or (whole > 0 and whole / 2 <= got <= whole * 2)
    return False


def _holding(
    sums: tuple[tuple[str, tuple[str, ...]], ...], columns: list[Column], rows: list[TableRow]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Header sums that hold exactly on at least half of the rows that fill them (else a misread header)."""
    index = {c.name: j for j, c in enumerate(columns)}
    kept = []
    for parent, children in sums:
        checked = held = 0
        for row in rows:
            whole = row.cells[index[parent]]
            parts = [row.cells[index[c]] for c in children]
            if not _NUM.fullmatch(whole) or not any(_NUM.fullmatch(p) for p in parts):
                continue
            checked += 1
            held += Decimal(whole) == sum((Decimal(p) for p in parts if _NUM.fullmatch(p)), Decimal(0))
        if checked and held * 2 >= checked:
            kept.append((parent, children))
    return tuple(kept)


def _is_sum_name(text: str) -> bool:
    return _name(text) in ("合计", "小计", "总计", "全市合计")


def _shifted_groups(header: list[list[str]]) -> None:
    """A group header one cell right of its own 合计 (the conversion shifted it) moves onto it.

    ``资金投入 … | 秦巴片区`` over ``合计 … 合计 | 政府性投入``: the second 合计 stands left of
    秦巴片区, whose first sub-column it is (资金投入 has its own 合计 already).
    """
    for r in range(len(header) - 1):
        row, below = header[r], header[r + 1]
        starts = [j for j, c in enumerate(row) if c]
        for prev, p in pairwise(starts):
            if p - 1 <= prev or row[p - 1] or not below[p - 1] or not below[p] or _is_sum_name(below[p]):
                continue
            if _is_sum_name(below[p - 1]) and any(_is_sum_name(below[j]) for j in range(prev, p - 1)):
                row[p - 1], row[p] = row[p], ""


def _left_aligned(
    body: list[tuple[int, list[str]]], header: list[list[str]], nodes: list[list[tuple[int, int]]]
) -> list[tuple[int, list[str]]]:
    """Figures of a column group read from its 合计 on, where a row leaves the 合计 empty.

    A group of the top header row whose first sub-column is a 合计: a row whose first figure
    in the group stands after an empty 合计 cell (the conversion dropped the empty cells
    before it) is read from the 合计 on, when other rows fill that 合计.
    """
    if len(header) < 2:
        return body
    groups: dict[tuple[int, int], list[int]] = {}
    for j, node in enumerate(nodes):
        if node and node[0][0] == 0:
            groups.setdefault(node[0], []).append(j)
    out = []
    for number, cells in body:
        cells = list(cells)
        for cols in groups.values():
            first = cols[0]
            if len(cols) < 3 or not _is_sum_name(header[-1][first] or header[1][first]) or cells[first]:
                continue
            filled = [j for j in cols if _NUM.fullmatch(cells[j])]
            if not filled or not any(_NUM.fullmatch(b[first]) for _, b in body):
                continue
            shift = cols.index(filled[0])
            values = [cells[j] for j in cols]
            moved = values[shift:] + [""] * shift
            for j, v in zip(cols, moved, strict=True):
                cells[j] = v
        out.append((number, cells))
    return out


def _tree_sums(
    nodes: list[list[tuple[int, int]]], header: list[list[str]], keep: list[int], columns: list[Column]
) -> list[tuple[str, tuple[str, ...]]]:
    """Header sums from the header tree: a group's first sub-column named 合计/小计 sums the rest.

    Each later sub-column counts as itself, a sub-group by its own 合计/小计 (``行业资金 小计``)
    or, when it has none, by those of its sub-groups (政府性投入 → 行业资金小计 + 财政资金小计).
    """
    kids: dict[tuple[int, int], list[tuple[int, int]]] = {}
    column_of: dict[tuple[int, int], int] = {}
    for k, j in enumerate(keep):
        if nodes[j]:
            column_of[nodes[j][-1]] = k
    for path in nodes:
        for a, b in pairwise(path):
            kids.setdefault(a, [])
            if b not in kids[a]:
                kids[a].append(b)

    def total_of(node: tuple[int, int], parent: tuple[int, int] | None = None) -> int | None:
        """The column of a leaf named 合计/小计 (or any first leaf under a 全市/全县 header)."""
        k = column_of.get(node)
        if k is None or node in kids or not columns[k].foot:
            return None
        named = _is_sum_name(header[node[0]][node[1]])
        under_whole = parent is not None and bool(_WHOLE.fullmatch(_name(header[parent[0]][parent[1]])))
        return k if named or under_whole else None

    def rep(node: tuple[int, int]) -> list[int]:
        if node not in kids:
            k = column_of.get(node)
            return [k] if k is not None and columns[k].foot else []
        first = kids[node][0]
        if total_of(first) is not None:
            return rep(first)
        return [k for child in kids[node] for k in rep(child)]

    out = []
    for parent, children in kids.items():
        head = total_of(children[0], parent)
        if head is None or len(children) < 2:
            continue
        parts = [k for child in children[1:] for k in rep(child) if columns[k].unit == columns[head].unit]
        if parts:
            out.append((columns[head].name, tuple(columns[k].name for k in parts)))
    return out


def _column_sums(
    columns: list[Column], tree: list[tuple[str, tuple[str, ...]]]
) -> tuple[tuple[str, tuple[str, ...]], ...]:
    out = list(tree)
    # flat headers: a 合计/全市 column sums the run of columns after it (or before it, when last)
    names = [c.name for c in columns]
    is_sum = [c.foot and bool(_FLAT_SUM.search(c.name)) and not c.parent for c in columns]
    for k, c in enumerate(columns):
        if not is_sum[k]:
            continue
        for run in (range(k + 1, len(columns)), range(k - 1, -1, -1)):
            kids: list[str] = []
            for i in run:
                if is_sum[i] or columns[i].unit != c.unit or not columns[i].foot or columns[i].parent:
                    break
                kids.append(names[i])
            if len(kids) >= 2:
                out.append((c.name, tuple(sorted(kids, key=names.index))))
                break
    # quarters: the column just before 一季度…四季度 is their sum (kept only where it holds)
    quarters = [next((n for n in names if _quarter(n) == q), "") for q in range(1, 5)]
    if all(quarters):
        first = names.index(quarters[0])
        if first > 0 and columns[first - 1].foot and not any(p == names[first - 1] for p, _ in out):
            out.append((names[first - 1], tuple(quarters)))
    return tuple(dict(out).items())


CellSum = tuple[tuple[int, int], tuple[tuple[int, int], ...]]


def _across_groups(
    groups: list[list[int]], header: list[list[str]], keep: list[int], columns: list[Column], rows: list[TableRow]
) -> tuple[list[tuple[str, tuple[str, ...]]], tuple[CellSum, ...]]:
    """Repeated column groups headed by a whole area (全市 …) and its parts (each 区县): each of
    the whole's sub-columns is the sum of the parts' same sub-column; its 合计 (already the sum
    of its own sub-columns) is the sum of the parts' 合计 in every row, as cell sums."""
    if len(groups) < 3 or not _WHOLE.search(_name(header[-2][groups[0][0]] if len(header) > 1 else "")):
        return [], ()
    at = {j: k for k, j in enumerate(keep)}
    out: list[tuple[str, tuple[str, ...]]] = []
    cells: list[CellSum] = []
    for i, whole in enumerate(groups[0]):
        parts = [at[g[i]] for g in groups[1:] if g[i] in at]
        if whole not in at or not parts:
            continue
        w = at[whole]
        if i > 0:
            out.append((columns[w].name, tuple(columns[k].name for k in parts)))
            continue
        for row in rows:
            filled = [k for k in parts if _NUM.fullmatch(row.cells[k])]
            if _NUM.fullmatch(row.cells[w]) and filled:
                cells.append(((row.line, w), tuple((row.line, k) for k in filled)))
    return out, tuple(cells)


def _places(rows: list[TableRow], levels: list[int]) -> tuple[CellSum, ...]:
    """A breakdown by place under a first total (巴州区, 恩阳区 … before the numbered projects):
    each place row sums, column by column, the rows of that place under the projects."""
    numbered = [k for k, level in enumerate(levels) if level < 9]
    if not numbered or not rows or not _TOTAL.match(rows[0].label.replace(" ", "")):
        return ()
    out: list[CellSum] = []
    places = [k for k in range(1, numbered[0]) if not rows[k].sums]
    for j, total in enumerate(rows[0].cells):  # the total is the sum of its places, too
        filled = [k for k in places if _NUM.fullmatch(rows[k].cells[j])]
        if _NUM.fullmatch(total) and len(filled) >= 2:
            out.append(((rows[0].line, j), tuple((rows[k].line, j) for k in filled)))
    for k in range(1, numbered[0]):
        place = rows[k].label.split(" ")[0]
        if not place or rows[k].sums:
            continue
        mine = [i for i in range(numbered[0], len(rows)) if rows[i].label.startswith(place) and not rows[i].sums]
        if not mine:
            continue
        for j, total in enumerate(rows[k].cells):
            filled = [i for i in mine if _NUM.fullmatch(rows[i].cells[j])]
            if _NUM.fullmatch(total) and filled:
                out.append(((rows[k].line, j), tuple((rows[i].line, j) for i in filled)))
    return tuple(out)


_PRICE = ("单价", "造价", "标准")
_QUANTITY = ("规模", "数量", "工程量", "面积", "任务")
_MONEY = ("元", "万元", "亿元")


def _products(columns: list[Column], rows: list[TableRow]) -> tuple[tuple[str, str, str], ...]:
    """A price column (单价/造价/标准, a unit per something) × a quantity column (规模/数量) = the
    first money column after the price: kept where the product is within half and twice the
    amount on at least half of the rows that fill all three."""
    price = next(
        (j for j, c in enumerate(columns) if any(w in c.name for w in _PRICE) and c.unit and "/" in c.unit), None
    )
    quantity = next(
        (j for j, c in enumerate(columns) if any(w in c.name for w in _QUANTITY) and c.unit and "/" not in c.unit), None
    )
    if price is None or quantity is None:
        return ()
    amount = next((j for j in range(price + 1, len(columns)) if columns[j].unit in _MONEY), None)
    if amount is None:
        return ()
    checked = held = 0
    for row in rows:
        a, p, n = row.cells[amount], row.cells[price], row.cells[quantity]
        if not (_NUM.fullmatch(a) and _NUM.fullmatch(p) and _NUM.fullmatch(n)):
            continue
        checked += 1
        got, want = Decimal(p) * Decimal(n), Decimal(a)
        held += want > 0 and want / 2 <= got <= want * 2
    if not checked or held * 2 < checked:
        return ()
    return ((columns[amount].name, columns[price].name, columns[quantity].name),)


def _quarter(name: str) -> int:
    m = re.match(r"(?:第)?([一二三四1-4])\s*季度", name)
    return "一二三四".index(m.group(1)) + 1 if m and m.group(1) in "一二三四" else int(m.group(1)) if m else 0


def _quarters(columns: list[Column]) -> tuple[str, ...]:
    names = [c.name for c in columns]
    found = []
    for q in _QUARTERS:
        hit = [
            c.name
            for c in columns
            if (c.name.startswith(q) or (c.parent or "").startswith(q) or f"{q}" in c.name)
            and ("累计" in c.name or "支出" in c.name or "进度" in c.name)
        ]
        if len(hit) != 1:
            return ()
        found.append(hit[0])
    first = names.index(found[0])
    if first == 0:
        return ()
    return (names[first - 1], *found)


EXTRACTOR = Extractor(
    "tables",
    "Tables: columns, units, totals, header hierarchy",
    frozenset({"table"}),
    frozenset(),
    frozenset({"table"}),
    extract,
    __doc__ or "",
)
