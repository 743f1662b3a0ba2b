"""The command fuzzer: every command and option combination against the contract of issue 17.

Each example builds a fresh tree (data folder, sources folder, a secret outside the data
root, odd file names, symbolic links in and out, a dangling link, a FIFO, a sparse 100 MB
file, an existing report folder and baseline), mutates the data (hostile names, encodings,
random edits, includes out of the folder), draws one command line (command, paths, formats,
sizes, junk options) and sometimes a SIGTERM or SIGINT at a random moment, then runs it
in-process through ``fundaudit.cli.run``. The contract:

- the exit code is 0, 1 or 2 (130 / 143 when a signal was sent), and no traceback;
- no file outside the command's own output changed (the tree is snapshotted before/after);
- no temporary is left anywhere, and an output set is all old or all new (never mixed);
- nothing from outside the data root is echoed (the secret's marker is never printed);
- stderr and text/github stdout hold no control character and no forged workflow command;
- machine formats (json, sarif, junit) on stdout are valid whenever anything is written,
  and a data error still writes the format's error document.

``pytest`` runs a short job (FUZZ_CLI_QUICK, default 40 examples); ``pytest -m fuzz``
the long one (FUZZ_CLI_EXAMPLES, default 100,000).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import itertools
import json
import os
import re
import shutil
import signal
import subprocess
import threading
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundaudit.cli import run
from fundaudit.outputs import Terminated, terminate_as_exception
from fundaudit.report import bundle

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = (ROOT / "tests" / "fixtures" / "report.yaml").read_text(encoding="utf-8")
SECRET = "SECRET-7f3a9c-OUTSIDE-THE-DATA-ROOT"
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
MACHINE = ("json", "sarif", "junit")

QUICK = settings(
    max_examples=int(os.environ.get("FUZZ_CLI_QUICK", "40")),
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
LONG = settings(
    max_examples=int(os.environ.get("FUZZ_CLI_EXAMPLES", "100000")),
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

HOSTILE = [
    r"\e[2J\e[31m",
    r"\a\0\x7f\x9b",
    r"x\n::error file=data/budgets.yaml,line=1::forged",
    "::add-mask::s3cr3t",
    "::error file=a,line=1::forged",
    "a`<img src=x onerror=alert(1)>`",
    "[x](javascript:alert(1))",
    "=HYPERLINK(1)",
    r"\u202eevil",
    "中\u200b央",
    "ｆｕｌｌ",
    "%0A%25",
]

# ------------------------------------------------------------------------------- the tree


def _base(folder: Path) -> None:
    """The tree every example starts from (built once, copied per example)."""
    data = folder / "data"
    (data / "sub").mkdir(parents=True)
    (folder / "sources").mkdir()
    (folder / "sources" / "demo.txt").write_text("".join(f"第{i}行 10 万元\n" for i in range(1, 40)), "utf-8")
    outside = folder / "outside"
    outside.mkdir()
    (outside / "secret.yaml").write_text(f"programs: [{SECRET}]\n{SECRET}: 1\n", encoding="utf-8")
    (outside / "secret.txt").write_text(SECRET + "\n", encoding="utf-8")
    (data / "budgets.yaml").write_text(FIXTURE, encoding="utf-8")
    (data / "odd name -x ::error.yaml").write_text(FIXTURE, encoding="utf-8")
    (data / "sub" / "copy.yaml").write_text(FIXTURE, encoding="utf-8")
    (data / "link-out.yaml").symlink_to("../outside/secret.yaml")  # relative: the copies keep their meaning
    (data / "link-in.yaml").symlink_to("budgets.yaml")
    (data / "dangling.yaml").symlink_to("../nowhere.yaml")
    os.mkfifo(data / "fifo.yaml")
    with (data / "sparse.yaml").open("wb") as fh:
        fh.truncate(100 * 1024 * 1024)
    (folder / "reports").mkdir()
    for name in bundle.FILES:
        (folder / "reports" / name).write_text(f"previous {name}\n", encoding="utf-8")
    (folder / "baseline.json").write_text('{"version": 2, "entries": []}\n', encoding="utf-8")
    (folder / "a-file").write_text("not a folder\n", encoding="utf-8")
    (folder / "out-link").symlink_to("missing/out")
    (folder / "coverage-ignore.yaml").write_text("demo: []\n", encoding="utf-8")


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz-base")
    _base(folder)
    git = ["git", "-c", "user.name=f", "-c", "user.email=f@f", "-c", "commit.gpgsign=false"]
    if shutil.which("git"):
        subprocess.run([*git, "init", "-q"], cwd=folder, check=True)
        subprocess.run([*git, "add", "data/budgets.yaml", "sources"], cwd=folder, check=True)
        subprocess.run([*git, "commit", "-qm", "base"], cwd=folder, check=True)
    return folder


def _snapshot(folder: Path) -> dict[str, tuple[Any, ...]]:
    out: dict[str, tuple[Any, ...]] = {}
    for p in folder.rglob("*"):
        rel = str(p.relative_to(folder))
        if rel.startswith(".git/") or rel == ".git":
            continue
        st_ = p.lstat()
        if p.is_symlink():
            out[rel] = ("link", os.readlink(p))
        elif p.is_dir():
            out[rel] = ("dir", st_.st_mode)
        elif p.is_fifo() or st_.st_size > 1024 * 1024:
            out[rel] = ("special", st_.st_mode, st_.st_size)
        else:
            out[rel] = ("file", st_.st_mode, hashlib.sha256(p.read_bytes()).hexdigest())
    return out


# ------------------------------------------------------------------------------- strategies

DATA_PATHS = [
    "data/budgets.yaml",
    "data/odd name -x ::error.yaml",
    "data/sub/copy.yaml",
    "data/link-out.yaml",
    "data/link-in.yaml",
    "data/dangling.yaml",
    "data/fifo.yaml",
    "data/sparse.yaml",
    "data",
    "data/",
    "outside/secret.yaml",
    "outside/secret.txt",
    "/dev/null",
    "/dev/zero",
    "missing.yaml",
    "-",
    "--",
    "",
    "data/budgets.yaml\x00x",
    "data/../outside/secret.yaml",
    "tables",
]
# paths on the command line that name a file outside the data folder themselves
EXPLICIT_OUTSIDE = {
    "outside/secret.yaml", "outside/secret.txt", "data/link-out.yaml", "data/../outside/secret.yaml", "outside",
}  # fmt: skip
OUT_PATHS = ["out", "reports", "a-file", "a-file/x", "out-link", "data", "new/deep/er", ".", "out\nx", "-out"]
BASELINES = ["baseline.json", "/dev/zero", "outside/secret.txt", "missing.json", "data", "a-file", "big.json"]
FORMATS = ["text", "json", "github", "sarif", "junit", "markdown", "xml", "parquet", "csv", "", "JSON", "--all"]
REVS = ["HEAD", "--output=data/budgets.yaml", "-o", "HEAD:data", "nope", "", "HEAD~9", "--", "@{-1}", "HEAD^{tree}"]


@st.composite
def command(draw: st.DrawFn) -> list[str]:
    name = draw(
        st.sampled_from(
            ["check"] * 6
            + ["baseline"] * 2
            + ["diff"] * 3
            + ["report", "fmt", "fmt", "export", "verify-sources", "coverage", "schema", "rules", "nonsense"]
        )
    )
    path = draw(st.sampled_from(DATA_PATHS))
    fmt = draw(st.sampled_from(FORMATS))
    argv = [name]
    if name == "check":
        argv += [path, "--format", fmt]
        if draw(st.booleans()):
            argv.append("--all")
        if draw(st.booleans()):
            argv += ["--tolerance", draw(st.sampled_from(["digits", "digits-all", "exact", "bogus"]))]
        if draw(st.integers(0, 3)) == 0:
            argv += ["--baseline", draw(st.sampled_from(BASELINES))]
        if draw(st.integers(0, 9)) == 0:
            argv += ["--engine", draw(st.sampled_from(["native", "nope"]))]
    elif name == "baseline":
        argv += [path, "--out", draw(st.sampled_from(["baseline.json", "new.json", *OUT_PATHS]))]
    elif name == "diff":
        if draw(st.booleans()):
            argv += [f"--git={draw(st.sampled_from(REVS))}", path]
        else:
            argv += [path, draw(st.sampled_from(DATA_PATHS))]
        argv += ["--format", fmt]
    elif name == "report":
        argv += [path, "--out", draw(st.sampled_from(OUT_PATHS))]
        if draw(st.integers(0, 3)) == 0:
            argv.append("--check")
    elif name == "fmt":
        argv.append(path)
        if draw(st.booleans()):
            argv.append("--check")
    elif name == "export":
        argv += [path, "--to", draw(st.sampled_from(["tables", *OUT_PATHS])), "--format", fmt]
    elif name in ("verify-sources", "coverage"):
        argv += [path, "--format", fmt]
        if draw(st.booleans()):
            argv += ["--sources", draw(st.sampled_from(["sources", "outside", "missing", "data/budgets.yaml"]))]
        if name == "coverage" and draw(st.booleans()):
            argv += ["--ignore", draw(st.sampled_from(["coverage-ignore.yaml", "outside/secret.yaml", "/dev/zero"]))]
    if draw(st.integers(0, 9)) == 0:
        argv.insert(draw(st.integers(0, len(argv))), draw(st.sampled_from(["--bogus", "-x", "--help", "--format"])))
    return argv


EDITS = st.one_of(
    st.just(("none", "")),
    st.tuples(st.just("name"), st.sampled_from(HOSTILE)),
    st.tuples(
        st.just("replace"),
        st.sampled_from(
            [
                ("6 万元 @9", "7 万元 @9"),
                ("6 万元 @9", "-0 万元 @9"),
                ("6 万元 @9", "1" + "0" * 5000 + " 万元 @9"),
                ("6 万元 @9", "6 万元 @" + "9" * 60),
                ("6 万元 @9", "6 万万元 @9"),
                ("title: 演示文件", "title:\t演示文件"),
                ("title: 演示文件", "title: 演示文件\n    include: [../../outside/secret.yaml]"),
                ("title: 演示文件", "title: 演示文件\n    include: [/etc/hostname]"),
                ("title: 演示文件", "title: 演示文件\n    include: [link-out.yaml]"),
                (
                    "        split: {中央: 6 万元 @9, 省级: 5 万元 @9}",
                    "        note: 12 亿元 @ 7\n        split: {中央: 6 万元 @9, 省级: 5 万元 @9}",
                ),
                ("中央: 125.82", "中\u200b央: 125.82"),
                ("省级: 54.68", "省级级: 54.68"),
                ("fundaudit: 1", "fundaudit: 1\n" + "[" * 2000),
            ]
        ),
    ),
    st.tuples(st.just("encoding"), st.sampled_from(["utf-16", "latin-1-bytes", "bom", "empty", "nul"])),
    st.tuples(
        st.just("mutate"),
        st.lists(
            st.tuples(
                st.integers(0, 10**6),
                st.sampled_from(
                    [
                        ":",
                        "- ",
                        "{",
                        "[",
                        "&a ",
                        "*a",
                        "!!python/object ",
                        "\t",
                        "\n",
                        "#",
                        "'",
                        '"',
                        "@",
                        "\x00",
                        "\x1b",
                        "%",
                    ]
                ),
            ),
            min_size=1,
            max_size=4,
        ),
    ),
)


def _edit(path: Path, edit: tuple[str, Any]) -> None:
    kind, arg = edit
    text = FIXTURE
    if kind == "name":
        path.write_text(text.replace("name: <script>alert(1)</script>", f'name: "{arg}"'), encoding="utf-8")
    elif kind == "replace":
        path.write_text(text.replace(arg[0], arg[1]), encoding="utf-8")
    elif kind == "encoding":
        raw = {
            "utf-16": text.encode("utf-16"),
            "latin-1-bytes": text.encode("utf-8").replace("演示".encode(), b"\xe9\xff"),
            "bom": b"\xef\xbb\xbf" + text.encode("utf-8"),
            "empty": b"",
            "nul": b"\x00" * 100,
        }[arg]
        path.write_bytes(raw)
    elif kind == "mutate":
        for pos, piece in arg:
            i = pos % (len(text) + 1)
            text = text[:i] + piece + text[i:]
        path.write_text(text, encoding="utf-8")


@dataclass
class Outcome:
    code: int
    out: str
    err: str


class _Hang(Exception):
    pass


def _alarm(signum: int, frame: object) -> None:
    raise _Hang("the command did not finish in 30 s")


@contextlib.contextmanager
def _cwd(folder: Path) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(old)


def _invoke(argv: list[str], signal_after: float | None) -> Outcome:
    out, err = io.StringIO(), io.StringIO()
    previous = signal.signal(signal.SIGALRM, _alarm)
    terminate_as_exception()  # before the timer starts: `run` installs it too, a little later
    timer = None
    signal.alarm(30)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            if signal_after is not None:
                sig = signal.SIGTERM if signal_after * 1000 % 2 < 1 else signal.SIGINT
                timer = threading.Timer(signal_after, os.kill, (os.getpid(), sig))
                timer.start()
            try:
                code = run(argv)
            finally:
                if timer is not None:
                    timer.cancel()
                    timer.join()
                    for _ in range(1000):  # let a signal the timer sent arrive here, not later
                        pass
    except Terminated:  # the signal arrived after `run` returned: nothing was running
        code = 143
    except KeyboardInterrupt:
        code = 130
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    return Outcome(code, out.getvalue(), err.getvalue())


# ------------------------------------------------------------------------------- the contract


REPORT_FILES = bundle.FILES
TABLE_FILES = ("figures.parquet", "relations.parquet", "figures.csv", "relations.csv", "manifest.json")


def _allowed_changes(argv: list[str], code: int) -> tuple[str, ...]:
    """The paths a command may change (its output; a trailing / allows a whole folder)."""
    name = argv[0]
    opts = dict(itertools.pairwise(argv))
    if "--check" in argv or "--help" in argv:
        return ()

    def inside(folder: str, names: tuple[str, ...]) -> tuple[str, ...]:
        folder = os.path.normpath(folder)
        return (folder, *(os.path.normpath(os.path.join(folder, n)) for n in names))

    if name == "report":
        return inside(opts.get("--out", "reports"), REPORT_FILES)
    if name == "export":
        return inside(opts.get("--to", "build/tables"), TABLE_FILES)
    if name == "baseline":
        return (os.path.normpath(opts.get("--out", "fundaudit-baseline.json")),)
    if name == "fmt":
        return ("data/",)
    return ()


def _check_contract(
    argv: list[str], outcome: Outcome, before: dict[str, Any], after: dict[str, Any], sent: bool
) -> None:
    codes = {0, 1, 2} | ({130, 143} if sent else set())
    assert outcome.code in codes, (argv, outcome)
    assert "Traceback" not in outcome.err and "Traceback" not in outcome.out, (argv, outcome.err)
    if not set(argv) & EXPLICIT_OUTSIDE:  # a file the user names on the command line may be quoted
        assert SECRET not in outcome.out and SECRET not in outcome.err, (argv, outcome)
    assert not CONTROL.search(outcome.err.replace("\t", " ")), (argv, outcome.err)
    for line in outcome.err.splitlines():
        assert not line.lstrip().startswith("::"), (argv, line)
    fmt = argv[argv.index("--format") + 1] if "--format" in argv[:-1] else "text"
    if argv[0] in ("check", "diff") and fmt in ("text", "github"):
        assert not CONTROL.search(outcome.out.replace("\t", " ")), (argv, outcome.out)
        for line in outcome.out.splitlines():
            assert not line.lstrip().startswith("::") or (
                fmt == "github" and re.match(r"::(error|warning|notice) file=", line)
            ), line
    machine = "--help" not in argv and argv[0] in ("check", "diff", "verify-sources", "coverage")
    if outcome.out and outcome.code in (0, 1, 2) and machine:
        if fmt in ("json", "sarif"):
            json.loads(outcome.out)
        elif fmt == "junit" and argv[0] == "check":
            ET.fromstring(outcome.out.split("\n", 1)[1])
    if argv[0] == "check" and fmt in (*MACHINE, "github") and outcome.code == 2 and "--help" not in argv:
        assert outcome.out, (argv, "an error left a machine format's stdout empty")
    # files: no temporary anywhere, nothing changed outside the command's own output
    assert not [k for k in after if re.search(r"(^|/)\..*\.fundaudit-.*\.tmp$", k)], (argv, sorted(after))
    allowed = _allowed_changes(argv, outcome.code)
    changed = {k for k in before.keys() | after.keys() if before.get(k) != after.get(k)}
    made = {k for k in changed if k not in before and after.get(k, ("",))[0] == "dir"}  # parents of the output

    def own(k: str) -> bool:
        return any(
            k == a or (a.endswith("/") and k.startswith(a)) or (k in made and a.startswith(k + "/")) for a in allowed
        )

    outside = {k for k in changed if not own(k)}
    assert not outside, (argv, outcome.code, sorted(outside))
    if argv[0] == "report" and "reports" in allowed:  # all five old, or all five new
        new = [n for n in REPORT_FILES if before.get(f"reports/{n}") != after.get(f"reports/{n}")]
        assert len(new) in (0, len(REPORT_FILES)), (argv, outcome, new)
    if outcome.code == 2 and argv[0] in ("report", "export", "baseline") and not sent:
        assert not changed, (argv, outcome.err, sorted(changed))


def _restore(base: Path, work: Path, paths: set[str]) -> None:
    """Put the paths a command changed back as they are in ``base`` (the rest was untouched)."""
    for rel in sorted(paths, key=lambda r: -r.count("/")):
        p = work / rel
        if p.is_symlink() or p.is_file() or p.is_fifo():
            p.unlink()
        elif p.is_dir():
            shutil.rmtree(p)
    for rel in sorted(paths, key=lambda r: r.count("/")):
        src, dest = base / rel, work / rel
        if dest.exists() or dest.is_symlink() or not (src.exists() or src.is_symlink()):
            continue
        dest.parent.mkdir(parents=True, exist_ok=True)
        if src.is_symlink():
            dest.symlink_to(os.readlink(src))
        elif src.is_fifo():
            os.mkfifo(dest)
        elif src.is_dir():
            shutil.copytree(src, dest, symlinks=True)
        elif src.stat().st_size > 1024 * 1024:
            with dest.open("wb") as fh:
                fh.truncate(src.stat().st_size)
        else:
            shutil.copy2(src, dest)


def _one(base: Path, work: Path, argv: list[str], edit: tuple[str, Any], signal_after: float | None) -> None:
    data = work / "data" / "budgets.yaml"
    data.write_text(FIXTURE, encoding="utf-8")
    _edit(data, edit)
    if "big.json" in argv:
        (work / "big.json").write_bytes(b"[" * (5 * 1024 * 1024))
    before = _snapshot(work)
    after = None
    try:
        with _cwd(work):
            outcome = _invoke(argv, signal_after)
        after = _snapshot(work)
        _check_contract(argv, outcome, before, after, signal_after is not None)
    finally:
        pristine = PRISTINE[str(base)]
        now = after if after is not None else _snapshot(work)
        _restore(base, work, {k for k in pristine.keys() | now.keys() if pristine.get(k) != now.get(k)})


PRISTINE: dict[str, dict[str, Any]] = {}


@pytest.fixture(scope="module")
def work(base: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One working copy for all examples, restored after each (copying per example is slow)."""
    folder = tmp_path_factory.mktemp("fuzz-work")
    shutil.rmtree(folder)
    shutil.copytree(base, folder, symlinks=True, ignore=lambda d, names: {"fifo.yaml", "sparse.yaml"} & set(names))
    os.mkfifo(folder / "data" / "fifo.yaml")
    with (folder / "data" / "sparse.yaml").open("wb") as fh:
        fh.truncate(100 * 1024 * 1024)
    PRISTINE[str(base)] = _snapshot(base)
    return folder


SIGNALS = st.one_of(st.none(), st.none(), st.none(), st.floats(0.0, 0.3))


def _contract(base: Path, work: Path, argv: list[str], edit: tuple[str, Any], signal_after: float | None) -> None:
    _one(base, work, argv, edit, signal_after)


_DRAWN = given(argv=command(), edit=EDITS, signal_after=SIGNALS)
test_every_command_keeps_the_contract = QUICK(_DRAWN(_contract))
test_every_command_keeps_the_contract_long = pytest.mark.fuzz(LONG(_DRAWN(_contract)))
