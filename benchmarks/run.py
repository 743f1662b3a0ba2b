"""Benchmark fundaudit at national scale against DuckDB, pandas and a bare numpy floor.

    python benchmarks/run.py                      # 10^4, 10^5, 10^6 figures; writes RESULTS.md
    python benchmarks/run.py --sizes 10000000     # 10^7 when asked
    python benchmarks/run.py --smoke              # 10^4 only, checks the planted slips (CI)

Each stage runs in a fresh child process, which reports its time and its peak memory
(ru_maxrss): load YAML, load Parquet, evaluate, write findings, and end to end
(`fundaudit check DIR --format json`, interpreter start and imports included). On the same
data in the same run, the same relation evaluation is timed in DuckDB (the shared SQL of
fundaudit.columnar.sql_engine over tables already in DuckDB), in plain pandas (explode, merge,
groupby), and as a bare numpy segment sum over the prepared int64 terms (the floor).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import synth  # noqa: E402

ROOT = HERE.parent


def _peak_mb() -> float:
    """This process's peak resident memory (VmHWM: reset by exec, unlike ``ru_maxrss``, which a
    child started by fork + exec inherits from a large parent)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ------------------------------------------------------------------------------ child stages


def _stage(name: str, data: Path) -> dict[str, Any]:
    """Run one stage in this (fresh) process; return seconds, peak MB and a result."""
    from fundaudit.tolerance import Tolerance

    tables = data / "tables"
    if name.startswith("generate:"):
        _, size, with_yaml = name.split(":")
        return {"seconds": 0.0, "result": _generate(int(size), data, with_yaml == "1")}
    if name == "load_yaml":
        from fundaudit.loader import load

        t = time.perf_counter()
        budget = load(data / "yaml" / "budgets.yaml")
        return {"seconds": time.perf_counter() - t, "result": len(budget.figures)}
    if name == "load_parquet":
        from fundaudit.columnar import files as columnar

        t = time.perf_counter()
        cols = columnar.read(tables)
        return {"seconds": time.perf_counter() - t, "result": len(cols.figures)}
    if name == "evaluate":
        from fundaudit.columnar import files as columnar
        from fundaudit.columnar.numpy_engine import VERDICTS, verdicts

        cols = columnar.read(tables)
        runs = []
        for _ in range(5):  # the first run is cold (fresh pages); the best is warm, like the floor's
            t = time.perf_counter()
            codes = verdicts(cols, Tolerance())
            runs.append(time.perf_counter() - t)
        import numpy as np

        counts = np.bincount(codes.astype(np.int64), minlength=len(VERDICTS))
        return {
            "seconds": runs[0],
            "warm": min(runs),
            "result": {v.value: int(counts[i]) for i, v in enumerate(VERDICTS)},
        }
    if name == "write_findings":
        from fundaudit.columnar import files as columnar
        from fundaudit.report import jsonout
        from fundaudit.runner import judge

        audit = judge(columnar.read(tables))
        t = time.perf_counter()
        text = jsonout.render(audit, False)
        return {"seconds": time.perf_counter() - t, "result": len(text)}
    if name == "end_to_end":
        from fundaudit.cli import app

        t = time.perf_counter()
        with open(os.devnull, "w") as sink:
            stdout, sys.stdout = sys.stdout, sink
            try:
                app(["check", str(tables), "--format", "json"], standalone_mode=False)
            except SystemExit:
                pass
            finally:
                sys.stdout = stdout
        return {"seconds": time.perf_counter() - t, "result": None}
    if name == "duckdb":
        import duckdb

        from fundaudit.columnar import sql_engine as sqlengine

        con = duckdb.connect()
        t = time.perf_counter()
        con.execute(f"CREATE TABLE figures AS SELECT * FROM read_parquet('{tables / 'figures.parquet'}')")
        con.execute(f"CREATE TABLE relations AS SELECT * FROM read_parquet('{tables / 'relations.parquet'}')")
        con.register("pow10", sqlengine._pow10())
        load_s = time.perf_counter() - t
        runs = []
        for _ in range(3):
            t = time.perf_counter()
            rows = con.sql(
                f"SELECT verdict, count(*) FROM ({sqlengine.query('duckdb', Tolerance())}) GROUP BY verdict"
            ).fetchall()
            runs.append(time.perf_counter() - t)
        return {
            "seconds": runs[0],
            "warm": min(runs),
            "load_seconds": load_s,
            "result": {str(k): v for k, v in rows},
        }
    if name == "pandas":
        return _pandas(tables)
    if name == "numpy":
        return _numpy_floor(tables)
    raise SystemExit(f"unknown stage {name}")


def _pandas(tables: Path) -> dict[str, Any]:
    """The same sums and cumulative schedules in plain pandas (explode, merge, groupby), int64."""
    import numpy as np
    import pandas as pd

    fig = pd.read_parquet(tables / "figures.parquet", columns=["ref", "coefficient", "exponent", "unit_pow10"])
    rel = pd.read_parquet(tables / "relations.parquet", columns=["id", "kind", "total_ref", "part_refs"])
    t = time.perf_counter()
    parts = rel[["id", "part_refs"]].explode("part_refs").rename(columns={"part_refs": "ref"})
    parts["pos"] = parts.groupby("id").cumcount() + 1
    parts["sign"] = -1
    totals = pd.DataFrame({"id": rel["id"], "ref": rel["total_ref"], "pos": 0, "sign": 1})
    terms = pd.concat([totals, parts], ignore_index=True).merge(fig, on="ref", how="left")
    terms["e"] = terms["exponent"] + terms["unit_pow10"]
    terms["grid"] = terms.groupby("id")["e"].transform("min") - 1
    shift = (terms["e"] - terms["grid"]).to_numpy()
    pow10 = np.array([10**k for k in range(19)], dtype=np.int64)
    terms["v"] = terms["coefficient"].to_numpy() * pow10[shift]
    terms["a"] = np.where(terms["exponent"].to_numpy() < 0, 5 * pow10[shift - 1], 0)
    terms["sv"] = terms["v"] * terms["sign"]
    agg = terms.groupby("id").agg(diff=("sv", "sum"), tol=("a", "sum"))
    terms = terms.sort_values(["id", "pos"])
    g = terms.groupby("id")
    drop = g["v"].shift(1) - terms["v"]
    band = g["a"].shift(1) + terms["a"]
    terms["bad"] = (terms["pos"] >= 2) & (drop > band)
    last = g.tail(1).set_index("id")
    first = terms[terms["pos"] == 0].set_index("id")
    cum = pd.DataFrame({"bad": g["bad"].any(), "diff": first["v"] - last["v"], "tol": first["a"] + last["a"]})
    kinds = rel.set_index("id")["kind"]
    d = agg.join(kinds)
    d.loc[d["kind"] == "cumulative", ["diff", "tol"]] = cum.loc[d.index[d["kind"] == "cumulative"], ["diff", "tol"]]
    verdict = np.where(d["diff"] == 0, "match", np.where(d["diff"].abs() <= d["tol"], "rounding", "mismatch"))
    bad = cum["bad"].reindex(d.index, fill_value=False).to_numpy()
    verdict = np.where(bad, "mismatch", verdict)
    seconds = time.perf_counter() - t
    values, counts = np.unique(verdict, return_counts=True)
    return {"seconds": seconds, "result": {str(v): int(c) for v, c in zip(values, counts, strict=True)}}


def _numpy_floor(tables: Path) -> dict[str, Any]:
    """A bare segment sum over prepared int64 terms: the memory-bandwidth floor of the evaluation."""
    import numpy as np

    from fundaudit.columnar import files as columnar
    from fundaudit.columnar.numpy_engine import _scaled, _terms

    cols = columnar.read(tables)
    sel = np.arange(len(cols.relations))
    unit_pow = np.array([u.pow10 for u in cols.figures.units], dtype=np.int64)
    base = cols.figures.exponent + unit_pow[cols.figures.unit_code]
    terms, starts, is_total = _terms(cols, sel)
    value, allow, _ = _scaled(cols, terms, starts, base, cols.figures.exponent < 0)
    signed = np.where(is_total, value, -value)
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        np.add.reduceat(signed, starts)
        np.add.reduceat(allow, starts)
        best = min(best, time.perf_counter() - t)
    # for reference: the stored figure amounts gathered by part and segment-summed, totals
    # subtracted -- the least any evaluation of the stored arrays reads (no scaling, no allowance)
    rel = cols.relations
    coef = cols.figures.coefficient
    filled = rel.offsets[:-1][np.diff(rel.offsets) > 0]
    gather = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        np.add.reduceat(coef[rel.parts], filled)
        coef[rel.total] - 0
        gather = min(gather, time.perf_counter() - t)
    return {"seconds": best, "gather_seconds": gather, "result": len(starts)}


# ----------------------------------------------------------------------------------- parent


def _child(stage: str, data: Path) -> dict[str, Any]:
    t = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", stage, str(data)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )
    wall = time.perf_counter() - t
    if proc.returncode != 0:
        raise SystemExit(f"stage {stage} failed:\n{proc.stderr[-3000:]}")
    out: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    out["wall"] = wall
    return out


def _generate(size: int, data: Path, with_yaml: bool) -> dict[str, int]:
    """Write the synthetic budget's tables (and YAML); return the planted verdict counts."""
    budget = synth.generate(size)
    yaml_path = data / "yaml" / "budgets.yaml"
    synth.write_tables(budget, data / "tables", str(yaml_path))
    if with_yaml:
        synth.write_yaml(budget, data / "yaml")
    return budget.expected()


def bench(size: int, work: Path, yaml_max: int) -> dict[str, Any]:
    data = work / f"n{size}"
    # generated in a child, so that this process stays small while it times the stages
    generated = _child(f"generate:{size}:{int(size <= yaml_max)}", data)
    stages = ["load_parquet", "evaluate", "write_findings", "end_to_end", "duckdb", "pandas", "numpy"]
    if size <= yaml_max:
        stages.insert(0, "load_yaml")
    row: dict[str, Any] = {"figures": synth.shape(size).figures, "expected": generated["result"]}
    for stage in stages:
        row[stage] = _child(stage, data)
        print(
            f"  {size:>9,} {stage:<15} {row[stage]['seconds']:8.3f} s  peak {row[stage]['peak_mb']:7.1f} MB", flush=True
        )
    found = row["evaluate"]["result"]
    row["slips_found"] = (found["mismatch"], found["rounding"]) == (
        row["expected"]["mismatch"],
        row["expected"]["rounding"],
    )
    duck = {k: v for k, v in row["duckdb"]["result"].items() if v}
    native = {k: v for k, v in found.items() if v}
    row["duckdb_agrees"] = duck == native
    return row


def startup(runs: int) -> dict[str, float]:
    """`fundaudit check` of the real data against `python -c "import pandas"`, side by side.

    The two commands alternate ``runs`` times in fresh processes of this interpreter (the
    console script installed beside it when there is one), after one warm-up run each;
    medians, wall clock.
    """
    script = Path(sys.executable).with_name("fundaudit")
    check = [str(script)] if script.exists() else [sys.executable, "-m", "fundaudit"]
    commands = {
        "check": [*check, "check", str(ROOT / "data" / "budgets.yaml"), "--format", "json"],
        "pandas": [sys.executable, "-c", "import pandas"],
    }
    # one warm-up run each, allowed to write bytecode caches (as any pip install leaves them;
    # PYTHONDONTWRITEBYTECODE would otherwise make every run recompile the changed modules)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    for argv in commands.values():
        subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    times: dict[str, list[float]] = {k: [] for k in commands}
    for _ in range(runs):
        for name, argv in commands.items():
            start = time.perf_counter()
            done = subprocess.run(argv, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
            times[name].append(time.perf_counter() - start)
            if done.returncode not in (0, 1):
                raise SystemExit(f"{' '.join(argv)} failed: {done.stderr.decode()[-2000:]}")
    median = {k: sorted(v)[len(v) // 2] for k, v in times.items()}
    return {**median, "ratio": median["check"] / median["pandas"], "runs": runs}


def _machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    import duckdb
    import numpy
    import pandas
    import pyarrow

    return (
        f"{cpu}, {os.cpu_count()} cores, {mem:.0f} GiB; Python {platform.python_version()}, numpy {numpy.__version__}, "
        f"pyarrow {pyarrow.__version__}, pandas {pandas.__version__}, DuckDB {duckdb.__version__}"
    )


def report(rows: list[dict[str, Any]], start: dict[str, float] | None = None) -> str:
    head = (
        "| figures | load YAML | load Parquet | evaluate (first / best of 5) | write findings | end to end (wall) "
        "| peak MB (e2e) | DuckDB eval (first / best of 3) | pandas eval | numpy floor | eval / DuckDB | eval / floor "
        "| slips found | DuckDB agrees |"
    )
    lines = [head, "|" + "---|" * 14]
    for r in rows:
        ev, duck = r["evaluate"], r["duckdb"]
        yaml = (
            f"{r['load_yaml']['seconds']:.2f} s ({r['figures'] / r['load_yaml']['seconds']:,.0f}/s)"
            if "load_yaml" in r
            else "-"
        )
        lines.append(
            f"| {r['figures']:,} | {yaml} | {r['load_parquet']['seconds']:.3f} s "
            f"| {ev['seconds']:.4f} / {ev['warm']:.4f} s | {r['write_findings']['seconds']:.3f} s "
            f"| {r['end_to_end']['wall']:.2f} s | {r['end_to_end']['peak_mb']:.0f} "
            f"| {duck['seconds']:.3f} / {duck['warm']:.3f} s | {r['pandas']['seconds']:.3f} s "
            f"| {r['numpy']['seconds']:.5f} s | {ev['warm'] / duck['warm']:.3f} "
            f"| {ev['warm'] / r['numpy']['seconds']:.1f} "
            f"| {r['slips_found']} | {r['duckdb_agrees']} |"
        )
    by_size = {r["figures"]: r for r in rows}
    sizes = sorted(by_size)
    for small, big in itertools.pairwise(sizes):
        if big >= 9 * small:
            a, b = by_size[small], by_size[big]
            growth = {
                "load Parquet": b["load_parquet"]["seconds"] / a["load_parquet"]["seconds"],
                "evaluate (best)": b["evaluate"]["warm"] / a["evaluate"]["warm"],
                "write findings": b["write_findings"]["seconds"] / a["write_findings"]["seconds"],
                "end to end": b["end_to_end"]["wall"] / a["end_to_end"]["wall"],
                "peak MB": b["end_to_end"]["peak_mb"] / a["end_to_end"]["peak_mb"],
            }
            # the target is 10^5 -> 10^6; below 10^5 sub-millisecond stages are mostly noise
            judged = small >= 90_000
            verdict = "met" if max(growth.values()) <= 13 else "not met"
            lines.append("")
            lines.append(
                f"Growth {small:,} → {big:,} figures ({big / small:.1f}× the data): "
                + ", ".join(f"{k} {v:.1f}×" for k, v in growth.items())
                + (
                    f"; linear within 1.3× of tenfold: {verdict}."
                    if judged
                    else " (for information: the target is 10^5 → 10^6)."
                )
            )
    big_row = max(rows, key=lambda row: row["figures"])
    if "gather_seconds" in big_row["numpy"]:
        g = big_row["numpy"]["gather_seconds"]
        lines += [
            "",
            f"For reference at {big_row['figures']:,} figures: gathering the stored amounts by part and "
            f"segment-summing them (no scaling, no allowance, no dimension check) takes {g:.5f} s; the "
            f"evaluation (best) is {big_row['evaluate']['warm'] / g:.1f}× that.",
        ]
    if start is not None:
        lines += [
            "",
            f'Real data (`fundaudit check data/budgets.yaml --format json`) against `python -c "import pandas"`, '
            f"alternating, median of {start['runs']}: {start['check']:.3f} s and {start['pandas']:.3f} s.",
        ]
    lines += ["", "Targets of the issue, for the largest size run:", ""] + [f"- {t}" for t in targets(rows, start)]
    return "\n".join(lines)


def targets(rows: list[dict[str, Any]], start: dict[str, float] | None = None) -> list[str]:
    """Each target of the performance issue against the largest size of this run: met or not."""
    r = max(rows, key=lambda row: row["figures"])
    ev, duck, floor = r["evaluate"]["warm"], r["duckdb"]["warm"], r["numpy"]["seconds"]
    e2e, peak = r["end_to_end"]["wall"], r["end_to_end"]["peak_mb"]
    yaml_rows = [row for row in rows if "load_yaml" in row]

    def verdict(ok: bool) -> str:
        return "met" if ok else "not met"

    out = [
        f"evaluation ≤ 0.25× DuckDB: {ev / duck:.3f}× — {verdict(ev / duck <= 0.25)}",
        f"evaluation within 3× the numpy floor: {ev / floor:.1f}× — {verdict(ev / floor <= 3)}",
        f"end to end < 3 s: {e2e:.2f} s at {r['figures']:,} figures — {verdict(e2e < 3)}",
        f"peak memory < 600 MB: {peak:.0f} MB at {r['figures']:,} figures — {verdict(peak < 600)}",
        "every planted slip found, DuckDB agreeing: "
        + verdict(all(x["slips_found"] and x["duckdb_agrees"] for x in rows)),
    ]
    if yaml_rows:
        y = max(yaml_rows, key=lambda row: row["figures"])
        rate = y["figures"] / y["load_yaml"]["seconds"]
        out.append(f"YAML load ≥ 100,000 figures/s: {rate:,.0f}/s at {y['figures']:,} — {verdict(rate >= 100_000)}")
    if start is not None:
        ratio = start["ratio"]
        out.append(f"real data `fundaudit check` ≤ 0.7× `import pandas`: {ratio:.2f}× — {verdict(ratio <= 0.7)}")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--child", nargs=2, metavar=("STAGE", "DATA"), help=argparse.SUPPRESS)
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument("--yaml-max", type=int, default=1_000_000, help="largest size whose YAML load is timed")
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "bench")
    ap.add_argument("--smoke", action="store_true", help="10^4 only; fail unless every planted slip is found")
    ap.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    ap.add_argument("--startup-runs", type=int, default=21, help="runs of the real-data check against import pandas")
    args = ap.parse_args()
    if args.child:
        stage, data = args.child
        result = _stage(stage, Path(data))
        result["peak_mb"] = _peak_mb()
        print(json.dumps(result))
        return
    sizes = [10_000] if args.smoke else args.sizes
    rows = [bench(n, args.work, args.yaml_max) for n in sizes]
    start = None if args.smoke else startup(args.startup_runs)
    table = report(rows, start)
    print(table)
    if not all(r["slips_found"] and r["duckdb_agrees"] for r in rows):
        raise SystemExit("planted slips not found exactly, or DuckDB disagrees")
    if not args.smoke:
        args.out.write_text(
            "# fundaudit benchmark\n\n"
            f"Machine: {_machine()}.\n\nCommand: `python benchmarks/run.py {' '.join(sys.argv[1:])}`"
            f" ({time.strftime('%Y-%m-%d')}).\n\n{table}\n\n"
            "Times are of the stage alone in a fresh process (end to end: the whole `fundaudit check DIR "
            "--format json` process, interpreter start and imports included). DuckDB eval is the shared "
            "verdict query over tables already loaded into DuckDB; pandas eval the same sums and cumulative "
            "checks with explode/merge/groupby; numpy floor two bare `np.add.reduceat` over the prepared "
            "int64 terms (best of 5). The ratios compare best runs (warm) with best runs. Slips found: the "
            "evaluation's mismatch and rounding counts equal the planted ones (and nothing else fails).\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
