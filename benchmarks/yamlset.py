"""The synthetic budget (:mod:`synth`) as YAML in many files, and the load cache timed on it.

``write(figures, out, files)`` writes an entry file whose documents (one per province)
include ``files`` files of programs between them; the same programs, figures and lines as
:func:`synth.write_yaml` writes into one file. ``python benchmarks/yamlset.py --figures N
--files K --work DIR`` times ``load()`` (imports excluded), each in a fresh process: with
the cache off, the first load with an empty cache (it stores every file), a load with every
file cached, and a load after one file was edited (a figure's digits changed); ``--check``
also times ``fundaudit check --format json``: once (it stores every group's diagnoses), after
another edit (only the edited file's group is diagnosed), again with nothing edited, and with
the cache off.
``--startup N`` times the real data's check against ``python -c "import pandas"`` instead.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import bytecode
import synth


def write(figures: int, out: Path, files: int) -> Path:
    """Write the budget of ``figures`` figures as an entry file including ``files`` program files."""
    out.mkdir(parents=True, exist_ok=True)
    by_doc: dict[str, list[str]] = {}
    for pr in synth.programs(synth.generate(figures)):
        block = synth._program_yaml(pr)
        by_doc.setdefault(pr.doc, []).append("\n".join(line[4:] for line in block.split("\n")))
    blocks = sum(len(v) for v in by_doc.values())
    per_file = max(1, -(-blocks // files))
    entry = ["fundaudit: 1", "documents:"]
    n = 0
    for doc, programs in by_doc.items():
        entry += [f"  - id: {doc}", f"    source: {doc}.txt", f"    title: 省{doc} 扶贫专项", "    include:"]
        for start in range(0, len(programs), per_file):
            name = f"{doc}-{n:04d}.yaml"
            n += 1
            (out / name).write_text("programs:\n" + "\n".join(programs[start : start + per_file]) + "\n", "utf-8")
            entry.append(f"      - {name}")
    path = out / "budgets.yaml"
    path.write_text("\n".join(entry) + "\n", encoding="utf-8")
    return path


def edit_one(out: Path) -> None:
    """Change the digits of the first 公里 cell of one program file (the middle one)."""
    names = sorted(p for p in out.glob("*.yaml") if p.name != "budgets.yaml")
    path = names[len(names) // 2]
    text = path.read_text("utf-8")
    at = text.index('cells: ["') + len('cells: ["')
    at = text.index('", "', at) + 4
    text = text[:at] + "9" + text[at:]
    path.write_text(text, "utf-8")


# "cpu": this process's CPU time; "all": with its workers' (reaped when the load ends)
_LOAD = """
import json, resource, sys, time
from fundaudit.loader import load
def used():
    return sum(getattr(resource.getrusage(w), f) for w in (0, -1) for f in ("ru_utime", "ru_stime"))
t = time.perf_counter(); c = time.process_time(); a = used()
b = load(sys.argv[1])
wall, cpu, every = time.perf_counter() - t, time.process_time() - c, used() - a
print(json.dumps({"wall": wall, "cpu": cpu, "all": every, "figures": len(b.figures)}))
"""


# the load stage of `fundaudit check` on large data: its Columns from the cache's blocks (see
# fundaudit.loader.fast), or None when it takes the usual way (load(), then the rules)
_INPUT = """
import json, sys, time
from fundaudit.loader.fast import audit_input
t = time.perf_counter(); c = time.process_time()
got = audit_input(sys.argv[1])
figures = len(got[0].figures) if got is not None else 0
print(json.dumps({"wall": time.perf_counter() - t, "cpu": time.process_time() - c, "figures": figures}))
"""


def _load(entry: Path, env: dict[str, str], script: str = _LOAD) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", script, str(entry)], env=env, capture_output=True, check=True)
    out: dict[str, float] = json.loads(done.stdout)
    return out


# `fundaudit check` run from a process of its own, so that the peak memory of its children is the check's
_TIMED = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, check=False)
wall = time.perf_counter() - start
used = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": used.ru_utime + used.ru_stime, "peak": used.ru_maxrss / 1024}))
"""


def _check(entry: Path, env: dict[str, str]) -> str:
    """Wall clock, CPU time (user + system) and peak memory of `fundaudit check --format json`."""
    script = Path(sys.executable).with_name("fundaudit")
    argv = [str(script)] if script.exists() else [sys.executable, "-m", "fundaudit"]
    done = subprocess.run(
        [sys.executable, "-c", _TIMED, *argv, "check", str(entry), "--format", "json"],
        env=env,
        capture_output=True,
        check=True,
    )
    got = json.loads(done.stdout)
    return f"{got['wall']:.3f} s wall, {got['cpu']:.3f} s CPU, {got['peak']:.0f} MB peak"


def _size(folder: Path) -> str:
    """The bytes of the YAML cache's entries (.json, .arrow) and of everything in ``folder``."""
    files = [p for p in folder.rglob("*") if p.is_file()]
    mb = {
        kind: sum(p.stat().st_size for p in files if p.parent.name == "yaml" and p.suffix == kind) / 1e6
        for kind in (".json", ".arrow")
    }
    every = sum(p.stat().st_size for p in files) / 1e6
    return f"{mb['.json']:.1f} MB of .json and {mb['.arrow']:.1f} MB of .arrow entries, {every:.1f} MB in all"


def startup(runs: int) -> str:
    """`fundaudit check data/budgets.yaml --format json` against `python -c "import pandas"`.

    As ``startup()`` of benchmarks/run.py (alternating, fresh processes, one warm-up run each
    that may write bytecode), with the medians of wall clock and of CPU time (user + system of
    the child): on a machine other work keeps busy, CPU time says more.
    """
    import resource

    root = Path(__file__).resolve().parent.parent
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    script = Path(sys.executable).with_name("fundaudit")
    check = [str(script)] if script.exists() else [sys.executable, "-m", "fundaudit"]
    commands = {
        "check": [*check, "check", str(root / "data" / "budgets.yaml"), "--format", "json"],
        "pandas": [sys.executable, "-c", "import pandas"],
    }
    for argv in commands.values():
        subprocess.run(argv, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    wall: dict[str, list[float]] = {k: [] for k in commands}
    cpu: dict[str, list[float]] = {k: [] for k in commands}
    load = os.getloadavg()[0]
    for _ in range(runs):
        for name, argv in commands.items():
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(argv, cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
            wall[name].append(time.perf_counter() - start)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu[name].append(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime)
    w = {k: sorted(v)[len(v) // 2] for k, v in wall.items()}
    c = {k: sorted(v)[len(v) // 2] for k, v in cpu.items()}
    return (
        f"wall: check {w['check']:.3f} s, pandas {w['pandas']:.3f} s, {w['check'] / w['pandas']:.2f}x; "
        f"CPU: check {c['check']:.3f} s, pandas {c['pandas']:.3f} s, {c['check'] / c['pandas']:.2f}x "
        f"(median of {runs}, load average {load:.1f}-{os.getloadavg()[0]:.1f})"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--figures", type=int, default=100_000)
    ap.add_argument("--files", type=int, default=20)
    ap.add_argument("--work", type=Path, default=Path("/tmp/fundaudit-yamlset"))
    ap.add_argument("--check", action="store_true", help="time `fundaudit check` too")
    ap.add_argument("--jobs", default="1", help="$FUNDAUDIT_JOBS of the loads (1: no worker processes)")
    ap.add_argument("--startup", type=int, default=0, help="only: the real data's check against import pandas, N runs")
    args = ap.parse_args()
    print(bytecode.compiled())
    if args.startup:
        print(startup(args.startup))
        return
    data = args.work / f"yaml-{args.figures}-{args.files}"
    cache = args.work / f"cache-{args.figures}-{args.files}"
    entry = write(args.figures, data, args.files)
    subprocess.run(["rm", "-rf", str(cache)], check=True)
    jobs = {"FUNDAUDIT_JOBS": args.jobs}
    on = {**os.environ, **jobs, "FUNDAUDIT_CACHE_DIR": str(cache), "FUNDAUDIT_CACHE": "on"}
    off = {**os.environ, **jobs, "FUNDAUDIT_CACHE": "off"}
    print(f"load average {os.getloadavg()[0]:.1f} at the start; FUNDAUDIT_JOBS={args.jobs}")
    rows = {
        "off": _load(entry, off),
        "first (stores)": _load(entry, on),
        "all cached": _load(entry, on),
    }
    edit_one(data)
    rows["one file edited"] = _load(entry, on)
    rows["check's columns"] = _load(entry, on, _INPUT)  # stores the blocks
    edit_one(data)
    rows["... one edited"] = _load(entry, on, _INPUT)
    for name, r in rows.items():
        print(
            f"{name:16} {r['wall']:.3f} s wall, {r['cpu']:.3f} s CPU ({r.get('all', r['cpu']):.3f} s with workers), "
            f"{r['figures'] / r['wall']:,.0f} figures/s ({r['figures']:,} figures, {args.files} files)"
            if r["figures"]
            else f"{name:16} {r['wall']:.3f} s wall: the usual way (no blocks)"
        )
    print(f"load average {os.getloadavg()[0]:.1f} at the end; the cache: {_size(cache)}")
    if args.check:
        print(f"check, first (stores every group's diagnoses): {_check(entry, on)}")
        edit_one(data)
        print(f"check, one file edited (only its group diagnosed): {_check(entry, on)}")
        print(f"check, nothing edited since: {_check(entry, on)}")
        print(f"check, cache off: {_check(entry, off)}")
        print(f"the cache after the checks: {_size(cache)}")


if __name__ == "__main__":
    main()
