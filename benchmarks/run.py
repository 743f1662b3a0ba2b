"""Benchmark fundaudit at national scale, end to end, against DuckDB, polars and pandas peers.

    python benchmarks/run.py                          # both shapes at 10^5 and 10^6; writes RESULTS.md
    python benchmarks/run.py --sizes 10000000         # 10^7 when asked
    python benchmarks/run.py --smoke                  # 10^4 only, checks every planted slip (CI)

Two shapes of data, the same sizes:

- ``budget`` (synth.py): a national budget with a few planted slips (≈ 2 % of relations fail);
- ``heavy`` (heavy.py): ≈ 40 % of relations fail, unit-cost products and shares, mixed decimals.

Each stage runs in a fresh child process, which reports its time and its peak memory (VmHWM):
load YAML (budget shape), load Parquet, evaluate, diagnose the failing relations, word and
write the findings (µs per finding), and end to end (`fundaudit check DIR --format json`, interpreter start and imports
included). In the same run, on the same files, the peer scripts of peers.py (DuckDB, polars,
pandas) read both tables, judge every relation and write the failing ones as JSON — also end
to end, in fresh processes. Every planted slip must be found and every peer must give the same
verdict counts as fundaudit.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import bytecode  # noqa: E402
import heavy  # noqa: E402
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


class _Workers:
    """The memory of this process's children (worker processes) while a stage runs: the largest
    sum, polled every 0.2 s, of their private pages (Private_Clean + Private_Dirty of
    /proc/PID/smaps_rollup), and the largest sum of that and this process's own resident memory
    at the same moment (:attr:`together`: what the stage holds at once).

    Private, not resident: a worker forked from this process (fundaudit.forked) shares the pages
    it only reads with this one, and they are counted once, in this process's own peak; a
    worker started afresh (the loader's) has only private pages. ``ru_maxrss`` of the children
    would be no use either way: a child started by fork + exec reports its parent's size.
    """

    def __init__(self) -> None:
        self.peak = 0.0
        self.together = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)
        self._thread.start()

    def _poll(self) -> None:
        me = str(os.getpid())
        while not self._done.wait(0.2):
            total = 0
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    status = (entry / "status").read_text()
                    if f"\nPPid:\t{me}\n" not in status:
                        continue
                    rollup = (entry / "smaps_rollup").read_text()
                except OSError:
                    continue
                for line in rollup.splitlines():
                    if line.startswith(("Private_Clean:", "Private_Dirty:")):
                        total += int(line.split()[1])
            self.peak = max(self.peak, total / 1024)
            if total:
                try:
                    own = next(
                        int(line.split()[1])
                        for line in Path("/proc/self/status").read_text().splitlines()
                        if line.startswith("VmRSS:")
                    )
                except (OSError, StopIteration):
                    continue
                self.together = max(self.together, (own + total) / 1024)

    def stop(self) -> float:
        self._done.set()
        self._thread.join()
        return self.peak


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
        from fundaudit.columnar import read as reading

        t = time.perf_counter()
        cols = reading.read(tables)
        return {"seconds": time.perf_counter() - t, "result": len(cols.figures)}
    if name == "evaluate":
        from fundaudit.columnar import read as reading
        from fundaudit.columnar.numpy_engine import VERDICTS, verdicts

        cols = reading.read(tables)
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
        from fundaudit.columnar import read as reading
        from fundaudit.report import jsonout
        from fundaudit.runner import judge

        audit = judge(reading.read(tables))
        t = time.perf_counter()
        _ = audit.bulk if audit._in_groups else audit.diagnoses  # the diagnosis, timed on its own
        diagnose = time.perf_counter() - t

        class Counting:  # a sink that counts what the writer streams into it
            size = 0
            results = 0

            def write(self, s: str) -> int:
                self.size += len(s)
                self.results += s.count('{"id": ')  # each result opens so (a write holds many)
                return len(s)

        sink = Counting()
        t = time.perf_counter()
        jsonout.write(audit, False, sink)  # type: ignore[arg-type]
        seconds = time.perf_counter() - t
        return {"seconds": seconds, "diagnose": diagnose, "result": sink.size, "findings": sink.results}
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
    if name.startswith("peer:"):
        import peers

        t = time.perf_counter()
        counts = peers.PEERS[name.split(":")[1]](tables, data / f"{name.split(':')[1]}.json")
        return {"seconds": time.perf_counter() - t, "result": counts}
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

    from fundaudit.columnar import read as reading
    from fundaudit.columnar.numpy_engine import _scaled, _terms

    cols = reading.read(tables)
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
    if data.name.startswith("heavy"):
        h = heavy.generate(size)
        heavy.write(h, data / "tables")
        return {"mismatch": h.failing, "figures": h.figures.num_rows}
    budget = synth.generate(size)
    yaml_path = data / "yaml" / "budgets.yaml"
    synth.write_tables(budget, data / "tables", str(yaml_path))
    if with_yaml:
        synth.write_yaml(budget, data / "yaml")
    return budget.expected()


PEERS = ("duckdb", "polars", "pandas")


def bench(shape: str, size: int, work: Path, yaml_max: int) -> dict[str, Any]:
    data = work / f"{shape}{size}"
    with_yaml = shape == "budget" and size <= yaml_max
    # generated in a child, so that this process stays small while it times the stages
    generated = _child(f"generate:{size}:{int(with_yaml)}", data)["result"]
    stages = ["load_parquet", "evaluate", "write_findings", "end_to_end", *(f"peer:{p}" for p in PEERS)]
    if with_yaml:
        stages.insert(0, "load_yaml")
    figures = generated.pop("figures", None) or synth.shape(size).figures
    row: dict[str, Any] = {"shape": shape, "figures": figures, "expected": generated}
    for stage in stages:
        row[stage] = _child(stage, data)
        print(
            f"  {shape:<6} {size:>10,} {stage:<15} {row[stage]['seconds']:8.3f} s  wall {row[stage]['wall']:7.2f} s"
            f"  peak {row[stage]['peak_mb']:7.1f} MB",
            flush=True,
        )
    found = row["evaluate"]["result"]
    row["relations"] = sum(found.values())
    row["slips_found"] = all(found.get(k, 0) == v for k, v in row["expected"].items())
    native = {k: v for k, v in found.items() if v}
    row["peers_agree"] = all({k: v for k, v in row[f"peer:{p}"]["result"].items() if v} == native for p in PEERS)
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
        "| shape | figures | relations | findings | load YAML | load Parquet | evaluate (first / best of 5) "
        "| diagnose | word + write JSON (µs/finding) | fundaudit e2e: wall, peak MB (workers) | DuckDB e2e "
        "| polars e2e | pandas e2e | e2e / DuckDB | peak / DuckDB | slips found | peers agree |"
    )
    lines = [head, "|" + "---|" * 17]
    for r in rows:
        ev, wf, e2e = r["evaluate"], r["write_findings"], r["end_to_end"]
        n = max(wf["findings"], 1)
        yaml = (
            f"{r['load_yaml']['seconds']:.2f} s ({r['figures'] / r['load_yaml']['seconds']:,.0f}/s)"
            if "load_yaml" in r
            else "-"
        )
        peer = {p: r[f"peer:{p}"] for p in PEERS}
        lines.append(
            f"| {r['shape']} | {r['figures']:,} | {r['relations']:,} | {wf['findings']:,} | {yaml} "
            f"| {r['load_parquet']['seconds']:.3f} s | {ev['seconds']:.3f} / {ev['warm']:.3f} s "
            f"| {wf.get('diagnose', 0):.2f} s | {wf['seconds']:.2f} s ({wf['seconds'] / n * 1e6:.0f}) "
            f"| {e2e['wall']:.2f} s, {e2e['peak_mb']:.0f}{_workers(e2e)} "
            + " ".join(f"| {peer[p]['wall']:.2f} s, {peer[p]['peak_mb']:.0f}" for p in PEERS)
            + f" | {e2e['wall'] / peer['duckdb']['wall']:.2f}× | {_held(e2e) / peer['duckdb']['peak_mb']:.2f}× "
            f"| {r['slips_found']} | {r['peers_agree']} |"
        )
    if start is not None:
        lines += [
            "",
            f'Real data (`fundaudit check data/budgets.yaml --format json`) against `python -c "import pandas"`, '
            f"alternating, median of {start['runs']}: {start['check']:.3f} s and {start['pandas']:.3f} s.",
        ]
    lines += ["", "Targets of the issue, for the largest size run of each shape:", ""]
    lines += [f"- {t}" for t in targets(rows, start)]
    return "\n".join(lines)


def _workers(stage: dict[str, Any]) -> str:
    """`` (+ 180; 520 at once)``: the workers' own memory at its largest, and with the main process's
    at the same moment at its largest (:class:`_Workers`), when the stage had workers."""
    mb = stage.get("workers_mb", 0)
    return f" (+ {mb:.0f}; {stage.get('together_mb', 0):.0f} at once)" if mb > 1 else ""


def _held(stage: dict[str, Any]) -> float:
    """The stage's peak memory: the main process's, or its and its workers' at one moment if larger."""
    return max(stage["peak_mb"], stage.get("together_mb", 0))


def _load(rows: list[dict[str, Any]]) -> str:
    """The range of the 1-minute load average at the starts and ends of every stage."""
    loads = [x for r in rows for v in r.values() if isinstance(v, dict) and "load" in v for x in v["load"]]
    return f"{min(loads):.1f}–{max(loads):.1f}" if loads else "unknown"


def targets(rows: list[dict[str, Any]], start: dict[str, float] | None = None) -> list[str]:
    """Each target of the performance issue against the largest size of each shape: met or not."""

    def verdict(ok: bool) -> str:
        return "met" if ok else "not met"

    out = []
    for shape in dict.fromkeys(r["shape"] for r in rows):
        r = max((row for row in rows if row["shape"] == shape), key=lambda row: row["figures"])
        e2e, duck = r["end_to_end"], r["peer:duckdb"]
        peak = _held(e2e)  # with the workers' memory at the same moment
        ratio, mem = e2e["wall"] / duck["wall"], peak / duck["peak_mb"]
        per = r["write_findings"]["seconds"] / max(r["write_findings"]["findings"], 1) * 1e6
        out += [
            f"{shape}, {r['figures']:,} figures: end to end ≤ 1.0× the DuckDB script: {ratio:.2f}× "
            f"({e2e['wall']:.2f} s vs {duck['wall']:.2f} s) — {verdict(ratio <= 1.0)}",
            f"{shape}, {r['figures']:,} figures: peak memory ≤ the DuckDB script's: {peak:.0f} MB vs "
            f"{duck['peak_mb']:.0f} MB ({mem:.2f}×) — {verdict(mem <= 1.0)}",
            f"{shape}, {r['figures']:,} figures: wording and writing < 5 µs per finding: {per:.0f} µs "
            f"({r['write_findings']['findings']:,} findings) — {verdict(per < 5)}",
        ]
    out.append(
        "every planted slip found, DuckDB, polars and pandas agreeing: "
        + verdict(all(x["slips_found"] and x["peers_agree"] for x in rows))
    )
    yaml_rows = [row for row in rows if "load_yaml" in row]
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
    ap.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    ap.add_argument("--shapes", nargs="+", default=["budget", "heavy"], choices=["budget", "heavy"])
    ap.add_argument("--yaml-max", type=int, default=1_000_000, help="largest size whose YAML load is timed")
    ap.add_argument("--work", type=Path, default=ROOT / "build" / "bench")
    ap.add_argument("--smoke", action="store_true", help="10^4 only; fail unless every planted slip is found")
    ap.add_argument("--out", type=Path, default=HERE / "RESULTS.md")
    ap.add_argument("--startup-runs", type=int, default=21, help="runs of the real-data check against import pandas")
    args = ap.parse_args()
    if args.child:
        stage, data = args.child
        load = os.getloadavg()[0]
        watch = _Workers()
        result = _stage(stage, Path(data))
        result["peak_mb"] = _peak_mb()
        result["workers_mb"] = watch.stop()  # the diagnosis and the wording of large data: one worker per core
        result["together_mb"] = watch.together
        result["load"] = (load, os.getloadavg()[0])
        print(json.dumps(result))
        return
    compiled = bytecode.compiled()
    print(compiled, flush=True)
    sizes = [10_000] if args.smoke else args.sizes
    rows = [bench(shape, n, args.work, args.yaml_max) for shape in args.shapes for n in sizes]
    start = None if args.smoke else startup(args.startup_runs)
    table = report(rows, start)
    print(table)
    if not all(r["slips_found"] and r["peers_agree"] for r in rows):
        raise SystemExit("planted slips not found exactly, or a peer disagrees")
    if not args.smoke:
        args.out.write_text(
            "# fundaudit benchmark\n\n"
            f"Machine: {_machine()}.\n\nCommand: `python benchmarks/run.py {' '.join(sys.argv[1:])}`"
            f" ({time.strftime('%Y-%m-%d')}). Load average (1 minute) at the stages' starts and ends: "
            f"{_load(rows)} on {os.cpu_count()} cores; {compiled} before anything was timed "
            f"(benchmarks/bytecode.py says why).\n\n{table}\n\n"
            "Times are of the stage alone in a fresh process; end to end (fundaudit and the peers) is the "
            "wall time of the whole process, interpreter start and imports included, and its peak resident "
            "memory. The peers (benchmarks/peers.py) judge every relation kind exactly on each relation's grid "
            "(DuckDB in HUGEINT, polars and pandas in int64) and write the failing relations as JSON with ids, "
            "locations and the difference; they check no dimensions or missing parts and word no message, "
            "which fundaudit does for every finding it writes. Slips found: the mismatch (and, for the budget "
            "shape, rounding) counts equal the planted ones; peers agree: each peer's verdict counts equal "
            "fundaudit's. Diagnose: the diagnosis of every failing relation (fundaudit.causes), timed alone; "
            "word + write JSON: the findings worded and streamed as the JSON document after it, per finding. "
            "End to end, the diagnosis's groups and the JSON's chunks are shared among worker processes "
            "forked from the main one, one per core (fundaudit.forked; the diagnose and word + write columns "
            "are timed in one process): e2e peak memory is the main process's, with the workers' own memory "
            "in parentheses (the largest sum of their private pages: what they share with the main process "
            "is counted once, in its memory) and the largest of the main process's resident memory and the "
            "workers' at the same moment (polled every 0.2 s); the peak-memory target and ratio take the "
            "larger of that and the main process's own peak. The budget shape's relations "
            "table carries row keys (`total_row`, `part_rows`, as `fundaudit export` writes them; `synth.py`); "
            "the heavy shape's, an independent writer's, does not.\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
