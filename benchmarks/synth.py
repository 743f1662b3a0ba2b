"""A synthetic national budget, deterministic for a seed, with known planted slips.

Shaped like the real documents: provinces (documents) → counties → special programs, each
program with a total split by funding source (中央/省级/市县), sub-projects with their own
totals and splits, a cumulative quarterly schedule, and a project table (投资 in 万元, 里程 in
公里, a quantity) with its 合计 row. Amounts are 万元 with two decimals.

Two outputs of the same budget:
- :func:`columns` builds the figures/relations tables directly (vectorized; any size,
  10^3 to 10^7 figures), exactly as ``fundaudit export`` would write them for the YAML;
- :func:`write_yaml` writes the budget in the fundaudit data format.

Planted slips (one per program at most, in every ``SLIP_EVERY``-th program):
``item-total`` (a sub-project total off by a whole amount, in prose and table: its program's
foot, its own cross-foot and the table's 投资 column fail), ``unit-slip`` (a sub-project's 市县 amount written in 元 with the digits of
万元: its cross-foot and the program's 市县 column-foot fail), ``rounding`` (the program's 中央
one cent off: cross-foot and 中央 column-foot hold within rounding), ``table-total`` (the
合计 of 投资 off: table-foot fails), ``schedule-drop`` (the third quarter's running total
below the second: the schedule fails).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

SOURCES = ("中央", "省级", "市县")
QUARTERS = ("一季度", "二季度", "三季度", "四季度")
SLIPS = ("item-total", "unit-slip", "rounding", "table-total", "schedule-drop")
SLIP_EVERY = 7
ITEMS = 4  # sub-projects per program
# figures per program: total, 3 sources, 4 quarters, items × (total + 3 sources), table (items + 合计) × 2
PER_PROGRAM = 1 + 3 + 4 + ITEMS * 4 + (ITEMS + 1) * 2
PROGRAMS_PER_COUNTY = 5
COUNTIES_PER_PROVINCE = 100
# expected findings of each slip: (rule id suffix pattern, verdict)
EFFECTS = {
    "item-total": ("mismatch", 3),  # foot, its cross-foot, and the table's 投资 column
    "unit-slip": ("mismatch", 2),
    "rounding": ("rounding", 2),
    "table-total": ("mismatch", 1),
    "schedule-drop": ("mismatch", 1),
}


@dataclass(frozen=True)
class Shape:
    programs: int
    figures: int


def shape(figures: int) -> Shape:
    programs = max(1, round(figures / PER_PROGRAM))
    return Shape(programs, programs * PER_PROGRAM)


@dataclass(frozen=True)
class Budget:
    """The synthetic budget's numbers (coefficients in 0.01 万元; 里程 in 0.1 公里)."""

    seed: int
    programs: int
    items: np.ndarray[Any, Any]  # (P, ITEMS, 3) item source amounts
    km: np.ndarray[Any, Any]  # (P, ITEMS)
    quarters: np.ndarray[Any, Any]  # (P, 3) running totals of the first three quarters
    slip: np.ndarray[Any, Any]  # (P,) index into SLIPS, or -1

    def expected(self) -> dict[str, int]:
        """How many findings of each verdict the planted slips make."""
        out = {"mismatch": 0, "rounding": 0}
        for k, name in enumerate(SLIPS):
            verdict, n = EFFECTS[name]
            out[verdict] += n * int(np.count_nonzero(self.slip == k))
        return out


def generate(figures: int, seed: int = 2018) -> Budget:
    """A budget of about ``figures`` figures (rounded to whole programs)."""
    p = shape(figures).programs
    rng = np.random.default_rng(seed)
    items = rng.integers(1_000, 5_000_000, size=(p, ITEMS, 3), dtype=np.int64)
    km = rng.integers(1, 2_000, size=(p, ITEMS), dtype=np.int64)
    totals = items.sum(axis=(1, 2))
    fractions = np.sort(rng.integers(1, 1000, size=(p, 3)), axis=1)
    quarters = totals[:, None] * fractions // 1000
    slip = np.full(p, -1, dtype=np.int64)
    planted = np.arange(3, p, SLIP_EVERY)
    slip[planted] = np.arange(len(planted)) % len(SLIPS)
    return Budget(seed, p, items, km, quarters, slip)


def _money(c: int) -> str:
    return f"{c // 100}.{c % 100:02d}"


def _km(c: int) -> str:
    return f"{c // 10}.{c % 10}"


@dataclass(frozen=True)
class Program:
    """One program's figures as written (text), after planting its slip."""

    doc: str
    id: str
    name: str
    total: str
    sources: tuple[str, ...]
    quarters: tuple[str, ...]
    items: tuple[tuple[str, tuple[str, ...]], ...]  # (total, sources) per item
    item_units: tuple[tuple[str, ...], ...]
    km: tuple[str, ...]
    table_total: str
    km_total: str
    line: int  # first source line of the program


def programs(b: Budget) -> Iterator[Program]:
    """Every program, slips planted, as the document would write it."""
    for j in range(b.programs):
        items = b.items[j]
        slip = SLIPS[b.slip[j]] if b.slip[j] >= 0 else None
        src = items.sum(axis=0)
        total = int(src.sum())
        item_totals = [int(t) for t in items.sum(axis=1)]
        quarters = [int(q) for q in b.quarters[j]] + [total]
        units = [["万元"] * 3 for _ in range(ITEMS)]
        written_items = [[int(v) for v in row] for row in items]
        written_src = [int(v) for v in src]
        table_total = total
        if slip == "item-total":
            item_totals[1] += 123_400
        elif slip == "unit-slip":
            units[2][2] = "元"
        elif slip == "rounding":
            written_src[0] += 1
        elif slip == "table-total":
            table_total += 10_000
        elif slip == "schedule-drop":
            quarters[2] = quarters[1] - 100
        county, g = divmod(j, PROGRAMS_PER_COUNTY)
        province, c = divmod(county, COUNTIES_PER_PROVINCE)
        yield Program(
            doc=f"p{province:03d}",
            id=f"c{c:03d}-g{g}",
            name=f"县{c:03d} 专项{g}",
            total=_money(total),
            sources=tuple(_money(v) for v in written_src),
            quarters=tuple(_money(q) for q in quarters),
            items=tuple((_money(item_totals[i]), tuple(_money(v) for v in written_items[i])) for i in range(ITEMS)),
            item_units=tuple(tuple(u) for u in units),
            km=tuple(_km(int(v)) for v in b.km[j]),
            table_total=_money(table_total),
            km_total=_km(int(b.km[j].sum())),
            line=(j % (PROGRAMS_PER_COUNTY * COUNTIES_PER_PROVINCE)) * (4 + 2 * ITEMS) + 1,
        )


# ------------------------------------------------------------------------------------- YAML


def write_yaml(b: Budget, out: Path) -> Path:
    """Write the budget as fundaudit YAML: an entry file with one document per province."""
    out.mkdir(parents=True, exist_ok=True)
    docs: dict[str, list[str]] = {}
    for pr in programs(b):
        docs.setdefault(pr.doc, []).append(_program_yaml(pr))
    entry = ["fundaudit: 1", "documents:"]
    for doc, blocks in docs.items():
        entry += [f"  - id: {doc}", f"    source: {doc}.txt", f"    title: 省{doc} 扶贫专项", "    programs:"]
        entry += blocks
    path = out / "budgets.yaml"
    path.write_text("\n".join(entry) + "\n", encoding="utf-8")
    return path


def _program_yaml(p: Program) -> str:
    s = p.line
    lines = [
        f"      - id: {p.id}",
        f"        name: {p.name}",
        f"        line: {s}",
        f"        total: {p.total} 万元 @{s}",
        "        split: {" + ", ".join(f"{k}: {v} 万元 @{s}" for k, v in zip(SOURCES, p.sources, strict=True)) + "}",
        "        schedule:",
        "          kind: cumulative",
        "          periods: {"
        + ", ".join(f"{q}: {v} 万元 @{s + 1}" for q, v in zip(QUARTERS, p.quarters, strict=True))
        + "}",
        "        items:",
    ]
    for i, (total, sources) in enumerate(p.items):
        split = ", ".join(
            f"{k}: {v} {u} @{s + 2 + i}" for k, v, u in zip(SOURCES, sources, p.item_units[i], strict=True)
        )
        lines.append(
            f"          - {{id: i{i + 1}, name: 子项目{i + 1}, line: {s + 2 + i}, total: {total} 万元 @{s + 2 + i}, split: {{{split}}}}}"
        )
    t = s + 2 + ITEMS
    lines += [
        "        tables:",
        "          - id: t",
        "            title: 项目表",
        f"            line: {t}",
        "            unit: 万元",
        "            columns: [投资, {name: 里程, unit: 公里}]",
        "            rows:",
    ]
    for i, (total, _) in enumerate(p.items):
        lines.append(f'              - {{label: 子项目{i + 1}, line: {t + 1 + i}, cells: ["{total}", "{p.km[i]}"]}}')
    lines.append(
        f'              - {{label: 合计, line: {t + 1 + ITEMS}, role: total, cells: ["{p.table_total}", "{p.km_total}"]}}'
    )
    return "\n".join(lines)


# ------------------------------------------------------------------------------ tables direct

PROGRAM_LINES = 17 + 2 * ITEMS  # YAML lines of one program in write_yaml's layout
PROGRAMS_PER_DOC = PROGRAMS_PER_COUNTY * COUNTIES_PER_PROVINCE


def tables(b: Budget, yaml_file: str) -> tuple[Any, Any, int]:
    """The figures and relations tables ``fundaudit export`` writes for :func:`write_yaml`'s YAML.

    ``yaml_file`` is the entry path as it will be given to fundaudit. Returns the two Arrow
    tables and the number of documents.
    """
    import pyarrow as pa

    from fundaudit.columnar.schema import FIGURES, RELATIONS

    f: dict[str, list[Any]] = {name: [] for name in FIGURES.names}
    r: dict[str, list[Any]] = {name: [] for name in RELATIONS.names}
    docs = 0

    def fig(ref: str, doc: str, pid: str, label: str, text: str, unit: str, src: int, yl: int) -> str:
        whole, _, frac = text.partition(".")
        f["ref"].append(ref)
        f["document"].append(doc)
        f["program"].append(pid)
        f["label"].append(label)
        f["coefficient"].append(int(whole + frac))
        f["exponent"].append(-len(frac))
        f["unit"].append(unit)
        f["dimension"].append("length" if unit == "公里" else "money")
        f["unit_pow10"].append({"万元": 4, "元": 0, "公里": 3}[unit])
        f["bound"].append(None)
        f["note"].append(None)
        f["source_file"].append(f"{doc}.txt")
        f["source_line"].append(src)
        f["yaml_file"].append(yaml_file)
        f["yaml_line"].append(yl)
        f["stated"].append(True)
        f["drafted"].append(None)
        return ref

    def rel(
        rid: str,
        rule: str,
        kind: str,
        doc: str,
        name: str,
        subject: str,
        what: str,
        total: str,
        parts: list[str],
        yl: int = 0,
    ) -> None:
        for key, value in (
            ("id", rid),
            ("rule", rule),
            ("kind", kind),
            ("document", doc),
            ("program", name),
            ("subject", subject),
            ("what", what),
            ("total_ref", total),
            ("part_refs", parts),
            ("missing", []),
            ("empty", []),
            ("names", []),
            ("yaml_file", yaml_file),
            ("yaml_line", yl),
            ("note", None),
        ):
            r[key].append(value)

    for j, p in enumerate(programs(b)):
        k = j % PROGRAMS_PER_DOC
        d = j // PROGRAMS_PER_DOC
        docs = d + 1
        start = 2 + d * (4 + PROGRAMS_PER_DOC * PROGRAM_LINES) + 5 + k * PROGRAM_LINES
        base = f"{p.doc}::{p.id}"
        s = p.line
        total = fig(f"{base}:total", p.doc, p.id, f"{p.name} total", p.total, "万元", s, start + 3)
        sources = [
            fig(f"{base}:{key}", p.doc, p.id, key, v, "万元", s, start + 4) for key, v in zip(SOURCES, p.sources)
        ]
        item_totals, item_sources = [], []
        for i, (t, srcs) in enumerate(p.items):
            ib = f"{base}/i{i + 1}"
            yl, sl = start + 9 + i, s + 2 + i
            item_totals.append(fig(f"{ib}:total", p.doc, p.id, f"子项目{i + 1} total", t, "万元", sl, yl))
            item_sources.append(
                [
                    fig(f"{ib}:{key}", p.doc, p.id, key, v, u, sl, yl)
                    for key, v, u in zip(SOURCES, srcs, p.item_units[i])
                ]
            )
        quarters = [
            fig(f"{base}:schedule/{q}", p.doc, p.id, q, v, "万元", s + 1, start + 7)
            for q, v in zip(QUARTERS, p.quarters)
        ]
        t0 = s + 2 + ITEMS
        cells = []
        rows = [(t, p.km[i]) for i, (t, _) in enumerate(p.items)] + [(p.table_total, p.km_total)]
        for row, (money, km) in enumerate(rows):
            rb, yl = f"{base}/t/{row + 1}", start + 16 + ITEMS + row
            cells.append(
                (
                    fig(f"{rb}:投资", p.doc, p.id, "投资", money, "万元", t0 + 1 + row, yl),
                    fig(f"{rb}:里程", p.doc, p.id, "里程", km, "公里", t0 + 1 + row, yl),
                )
            )
        rel(f"{base}#foot", "foot", "sum", p.doc, p.name, p.name, "items sum to the total", total, item_totals)
        rel(
            f"{base}#cross-foot",
            "cross-foot",
            "sum",
            p.doc,
            p.name,
            p.name,
            "funding sources sum to the total",
            total,
            sources,
        )
        for i in range(ITEMS):
            rel(
                f"{base}/i{i + 1}#cross-foot",
                "cross-foot",
                "sum",
                p.doc,
                p.name,
                f"{p.name} › 子项目{i + 1}",
                "funding sources sum to the total",
                item_totals[i],
                item_sources[i],
            )
        for c, key in enumerate(SOURCES):
            rel(
                f"{base}#column-foot:{key}",
                "column-foot",
                "sum",
                p.doc,
                p.name,
                p.name,
                f"items' {key} amounts sum to the {key} total",
                sources[c],
                [item_sources[i][c] for i in range(ITEMS)],
            )
        rel(
            f"{base}#schedule",
            "schedule",
            "cumulative",
            p.doc,
            p.name,
            p.name,
            "cumulative schedule of total",
            total,
            quarters,
            start + 6,
        )
        for c, col in enumerate(("投资", "里程")):
            rel(
                f"{base}/t/{ITEMS + 1}#table-foot:{col}",
                "table-foot",
                "sum",
                p.doc,
                p.name,
                f"{p.name} › 项目表 › 合计",
                f"column {col} foots to the total row",
                cells[ITEMS][c],
                [cells[i][c] for i in range(ITEMS)],
            )
    return pa.table(f, schema=FIGURES), pa.table(r, schema=RELATIONS), docs


def row_keys(fig: Any, rel: Any) -> Any:
    """``rel`` with the figure rows of its refs, as ``fundaudit export`` writes them."""
    import pyarrow as pa

    row = {ref: i for i, ref in enumerate(fig["ref"].to_pylist())}
    total_row = pa.array([row[t] for t in rel["total_ref"].to_pylist()], pa.int64())
    part_rows = pa.array([[row[p] for p in ps] for ps in rel["part_refs"].to_pylist()], pa.list_(pa.int64()))
    return rel.append_column("total_row", total_row).append_column("part_rows", part_rows)


def write_tables(b: Budget, out: Path, yaml_file: str) -> None:
    """Write the budget's tables as Parquet, with the manifest ``fundaudit export`` writes."""
    import json

    import pyarrow.parquet as pq

    fig, rel, docs = tables(b, yaml_file)
    rel = row_keys(fig, rel)
    out.mkdir(parents=True, exist_ok=True)
    pq.write_table(fig, out / "figures.parquet", compression="zstd")
    pq.write_table(rel, out / "relations.parquet", compression="zstd")
    manifest = {"fundaudit_tables": 1, "data": yaml_file, "documents": docs, "format": "parquet"}
    (out / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
