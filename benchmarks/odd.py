"""Data shapes the two generators never make, timed at two sizes: does the time grow with the size?

``synth.py`` and ``heavy.py`` make relations of a few parts, each figure in one or two of
them. Real documents also hold a 合计 of thousands of table rows, a total or a unit cost that
thousands of relations repeat, long chains of subtotals. Each shape here fails in a way the
diagnosis must work on:

- ``wide``: one sum of ``n`` parts, all 10, whose total says 10n + 3 (each part may be the 13);
- ``hub``: ``n`` one-part sums that repeat one total, each off by 1–7;
- ``chain``: a_i = a_{i+1} + b_i for i < n, every third a_i one more than that;
- ``star``: ``n`` sums of three of 50 shared parts, every total off by 1;
- ``prodhub``: one unit cost (万元/人) times ``n`` head counts, a third of the amounts off.

``python benchmarks/odd.py --sizes 4000 16000 --work DIR`` writes each as tables (as ``fundaudit
export`` would, without row keys) and times ``fundaudit check DIR --format json`` in a fresh
process: wall and CPU seconds, and the growth of the CPU time against the growth of ``n``. A
quadratic step shows as a growth near the square of the size ratio (16 for 4×).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

Fig = tuple[str, int, int, int, str]  # ref, coefficient, exponent, line, unit
Rel = tuple[str, str, str, list[str], int]  # id, kind, total ref, part refs, line


def wide(n: int) -> tuple[list[Fig], list[Rel]]:
    figs = [("T", 10 * n + 3, 0, 1, "万元")] + [(f"p{i}", 10, 0, i + 2, "万元") for i in range(n)]
    return figs, [("r", "sum", "T", [f"p{i}" for i in range(n)], 1)]


def hub(n: int) -> tuple[list[Fig], list[Rel]]:
    figs = [("T", 1000, 0, 1, "万元")] + [(f"p{i}", 999 - i % 7, 0, i + 2, "万元") for i in range(n)]
    return figs, [(f"r{i}", "sum", "T", [f"p{i}"], i + 2) for i in range(n)]


def chain(n: int) -> tuple[list[Fig], list[Rel]]:
    figs = [(f"a{i}", 1000 * (n - i) + (i % 3 == 0), 0, 2 * i + 1, "万元") for i in range(n + 1)]
    figs += [(f"b{i}", 1000, 0, 2 * i + 2, "万元") for i in range(n)]
    return figs, [(f"r{i}", "sum", f"a{i}", [f"a{i + 1}", f"b{i}"], 2 * i + 1) for i in range(n)]


def star(n: int) -> tuple[list[Fig], list[Rel]]:
    figs = [(f"t{i}", 3001, 0, i + 1, "万元") for i in range(n)] + [
        (f"p{j}", 1000, 0, n + j + 1, "万元") for j in range(50)
    ]
    parts = [[f"p{i % 50}", f"p{(i + 1) % 50}", f"p{(i + 2) % 50}"] for i in range(n)]
    return figs, [(f"r{i}", "sum", f"t{i}", parts[i], i + 1) for i in range(n)]


def prodhub(n: int) -> tuple[list[Fig], list[Rel]]:
    figs: list[Fig] = [("U", 15, -1, 1, "万元/人")]
    rels: list[Rel] = []
    for i in range(n):
        people = 100 + i % 50
        figs += [
            (f"n{i}", people, 0, 2 * i + 2, "人"),
            (f"a{i}", 15 * people + 700 * (i % 3 == 0), -1, 2 * i + 3, "万元"),
        ]
        rels.append((f"r{i}", "product", f"a{i}", ["U", f"n{i}"], 2 * i + 3))
    return figs, rels


SHAPES: dict[str, Callable[[int], tuple[list[Fig], list[Rel]]]] = {
    "wide": wide,
    "hub": hub,
    "chain": chain,
    "star": star,
    "prodhub": prodhub,
}


def write(out: Path, figs: list[Fig], rels: list[Rel]) -> None:
    """The tables of ``figs`` and ``rels`` in ``out``, in the schema ``check DIR`` reads."""
    from fundaudit.columnar.schema import FIGURES, RELATIONS
    from fundaudit.units import parse_unit

    out.mkdir(parents=True, exist_ok=True)
    units = {u: parse_unit(u) for u in {f[4] for f in figs}}
    f: dict[str, list[object]] = {n: [] for n in FIGURES.names}
    for ref, coef, exp, line, unit in figs:
        u = units[unit]
        row = {
            "ref": ref, "document": "d", "program": "p", "label": ref, "coefficient": coef, "exponent": exp,
            "unit": u.text, "dimension": u.dimension, "unit_pow10": u.pow10, "bound": None, "note": None,
            "source_file": "d.txt", "source_line": line, "yaml_file": "odd.yaml", "yaml_line": line,
            "stated": True, "drafted": None,
        }  # fmt: skip
        for name in FIGURES.names:
            f[name].append(row[name])
    r: dict[str, list[object]] = {n: [] for n in RELATIONS.names}
    for rid, kind, total, parts, line in rels:
        row = {
            "id": rid, "rule": "program-foot", "kind": kind, "document": "d", "program": "p", "subject": "s",
            "what": "w", "total_ref": total, "part_refs": parts, "missing": [], "empty": [], "names": [],
            "yaml_file": "odd.yaml", "yaml_line": line, "note": None,
        }  # fmt: skip
        for name in RELATIONS.names:
            r[name].append(row[name])
    pq.write_table(pa.table(f, schema=FIGURES), out / "figures.parquet")
    pq.write_table(pa.table(r, schema=RELATIONS), out / "relations.parquet")
    manifest = {"fundaudit_tables": 1, "data": "odd", "documents": 1, "format": "parquet"}
    (out / "manifest.json").write_text(json.dumps(manifest) + "\n", encoding="utf-8")


def timed(tables: Path) -> tuple[float, float, int]:
    """Wall and CPU seconds of ``fundaudit check TABLES --format json`` in a fresh process, and its exit code."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "fundaudit", "check", str(tables), "--format", "json"],
        stdout=subprocess.DEVNULL,
        env={**os.environ, "FUNDAUDIT_CACHE": "off"},
    )
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.returncode


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=int, nargs=2, default=[4000, 16000], metavar="N")
    ap.add_argument("--shapes", nargs="+", default=list(SHAPES), choices=list(SHAPES))
    ap.add_argument("--work", type=Path, required=True)
    args = ap.parse_args()
    small, large = args.sizes
    print(f"| shape | n | wall s | CPU s | n | wall s | CPU s | CPU growth (size ×{large / small:g}) |")
    print("|---|---|---|---|---|---|---|---|")
    for name in args.shapes:
        row = [name]
        cpus = []
        for n in (small, large):
            out = args.work / f"{name}{n}"
            write(out, *SHAPES[name](n))
            wall, cpu, code = timed(out)
            if code not in (0, 1):
                raise SystemExit(f"{name} {n}: fundaudit check exited with {code}")
            row += [f"{n:,}", f"{wall:.2f}", f"{cpu:.2f}"]
            cpus.append(cpu)
        row.append(f"×{cpus[1] / cpus[0]:.1f}")
        print("| " + " | ".join(row) + " |", flush=True)


if __name__ == "__main__":
    main()
