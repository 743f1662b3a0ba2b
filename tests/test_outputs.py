"""Every file fundaudit writes: atomic, mode-keeping, cleaned up on any exit, errors as ``path: what``.

The full-disk and read-only cases run twice: injected (``ENOSPC``/``EROFS`` from the write,
everywhere) and, where the test may mount (root on Linux), on a real 64 KiB tmpfs.
"""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import signal
import stat
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from fundaudit import outputs
from fundaudit.cli import run
from fundaudit.errors import os_reason
from fundaudit.report import bundle

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "report.yaml"
REPORTS = ("audit.md", "audit.html", "findings.csv", "findings.json", "audit.xlsx")


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = run(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "data" / "budgets.yaml"
    path.parent.mkdir()
    shutil.copy(FIXTURE, path)
    return path


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# ------------------------------------------------------------------------------- one file


def test_an_interrupted_write_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "audit.md"
    target.write_bytes(b"old report")

    def interrupted(src: str, dst: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(outputs.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        outputs.write_atomic(target, b"new report")
    assert target.read_bytes() == b"old report"
    assert [p.name for p in tmp_path.iterdir()] == ["audit.md"]


def test_an_existing_file_keeps_its_mode_and_a_new_one_gets_the_umask(tmp_path: Path) -> None:
    old = tmp_path / "kept.json"
    old.write_text("{}")
    old.chmod(0o640)
    outputs.write_text(old, "[]\n")
    assert stat.S_IMODE(old.stat().st_mode) == 0o640 and old.read_text() == "[]\n"
    previous = os.umask(0o027)
    try:
        outputs._umask = None  # the helper caches the umask of the process
        new = tmp_path / "new.json"
        outputs.write_text(new, "[]\n")
        assert stat.S_IMODE(new.stat().st_mode) == 0o640
    finally:
        os.umask(previous)
        outputs._umask = None
    outputs.write_text(tmp_path / "other.json", "[]\n")
    assert stat.S_IMODE((tmp_path / "other.json").stat().st_mode) == 0o666 & ~previous


def test_a_symbolic_link_is_followed_and_kept(tmp_path: Path) -> None:
    real = tmp_path / "real.json"
    real.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(real)
    outputs.write_text(link, "new")
    assert link.is_symlink() and real.read_text() == "new"


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("under-a-file", "file: is not a folder"),
        ("dangling-link", "is a symbolic link to"),
        ("dangling-link-in-folder", "is a symbolic link that names no file"),
        ("a-folder", "is a folder"),
    ],
)
def test_unwritable_targets_are_errors_naming_the_path(tmp_path: Path, setup: str, expected: str) -> None:
    if setup == "under-a-file":
        (tmp_path / "file").write_text("x")
        target = tmp_path / "file" / "out.json"
    elif setup == "dangling-link":
        target = tmp_path / "out.json"
        target.symlink_to(tmp_path / "missing" / "x.json")
    elif setup == "dangling-link-in-folder":
        target = tmp_path / "out.json"
        target.symlink_to(tmp_path / "x.json")
    else:
        target = tmp_path / "out.json"
        target.mkdir()
    with pytest.raises(outputs.OutputError) as info:
        outputs.write_text(target, "{}")
    assert expected in str(info.value)
    assert not [p for p in tmp_path.rglob(".*.tmp")]


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS, errno.EDQUOT])
def test_a_failing_disk_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    files = {tmp_path / name: f"new {name}".encode() for name in REPORTS}
    for path in list(files)[:3]:
        path.write_bytes(b"old")
    before = _tree(tmp_path)
    real_fsync = os.fsync
    calls = []

    def failing(fd: int) -> None:
        calls.append(fd)
        if len(calls) == 4:  # the fourth file of five: three temporaries are already written
            raise OSError(code, os.strerror(code))
        real_fsync(fd)

    monkeypatch.setattr(outputs.os, "fsync", failing)
    with pytest.raises(outputs.OutputError) as info:
        outputs.write_all(files)
    assert str(info.value) == f"{tmp_path / REPORTS[3]}: {os_reason(OSError(code, os.strerror(code)))}"
    assert os_reason(OSError(code, os.strerror(code))) != os.strerror(code)  # in the catalogue's words
    assert _tree(tmp_path) == before  # no file changed, no temporary left


def test_a_failing_rename_keeps_the_rest_unchanged_and_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = {tmp_path / name: b"new" for name in REPORTS}
    real = os.replace
    done: list[str] = []

    def replace(src: str, dst: object) -> None:
        if len(done) == 2:
            raise OSError(errno.EBUSY, os.strerror(errno.EBUSY))
        done.append(str(dst))
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(outputs.os, "replace", replace)
    with pytest.raises(outputs.OutputError, match="Device or resource busy"):
        outputs.write_all(files)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(Path(d).name for d in done)


def test_a_signal_during_the_renames_waits_for_the_last_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    files = {tmp_path / name: b"new" for name in REPORTS}
    for path in files:
        path.write_bytes(b"old")
    real = os.replace
    previous = signal.getsignal(signal.SIGTERM)
    outputs.terminate_as_exception()

    def replace(src: str, dst: object) -> None:
        if Path(str(dst)).name == REPORTS[0]:
            os.kill(os.getpid(), signal.SIGTERM)  # arrives between the first and the second rename
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(outputs.os, "replace", replace)
    try:
        with pytest.raises(outputs.Terminated):
            outputs.write_all(files)
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == dict.fromkeys(REPORTS, b"new")


def test_a_signal_right_after_the_temporary_is_made_leaves_none(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The window the fuzzer found: SIGTERM between creating a temporary and knowing it."""
    real = outputs.tempfile.mkstemp
    previous = signal.getsignal(signal.SIGTERM)
    outputs.terminate_as_exception()

    def mkstemp(**kwargs: object) -> tuple[int, str]:
        made = real(**kwargs)  # type: ignore[call-overload]
        os.kill(os.getpid(), signal.SIGTERM)
        return made  # type: ignore[no-any-return]

    monkeypatch.setattr(outputs.tempfile, "mkstemp", mkstemp)
    try:
        with pytest.raises(outputs.Terminated):
            outputs.write_all({tmp_path / "new" / "a.json": b"{}"})
    finally:
        signal.signal(signal.SIGTERM, previous)
    assert list(tmp_path.iterdir()) == []  # no temporary, and the folder it made is gone


# ------------------------------------------------------------------------------- commands


@pytest.mark.parametrize("command", ["report", "export", "baseline"])
def test_out_under_a_file_is_exit_2_with_the_path(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path, command: str
) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("keep")
    option = {"report": "--out", "export": "--to", "baseline": "--out"}[command]
    target = blocker / "x" if command != "baseline" else blocker / "x" / "b.json"
    code, _, err = cli(capsys, command, str(data), option, str(target))
    assert code == 2, err
    assert "Traceback" not in err and str(blocker) in err and "a part of the path is not a folder" in err
    assert blocker.read_text() == "keep"


@pytest.mark.parametrize("command", ["report", "export", "baseline"])
def test_full_disk_on_every_writing_command_is_exit_2_and_keeps_old_files(
    capsys: pytest.CaptureFixture[str], data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    out = tmp_path / "out"
    option = {"report": "--out", "export": "--to", "baseline": "--out"}[command]
    target = out / "b.json" if command == "baseline" else out
    assert cli(capsys, command, str(data), option, str(target))[0] in (0, 1)
    before = _tree(out)
    data.write_text(data.read_text(encoding="utf-8").replace("6 万元 @9", "5 万元 @9"), encoding="utf-8")

    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(outputs.os, "fsync", full)
    code, _, err = cli(capsys, command, str(data), option, str(target))
    assert code == 2 and "no space left on the device" in err and "Traceback" not in err
    assert _tree(out) == before


def _can_mount() -> bool:
    return sys.platform == "linux" and os.geteuid() == 0 and shutil.which("mount") is not None


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    if not _can_mount():
        pytest.skip("needs root to mount a small tmpfs")
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(disk)]).returncode:
        pytest.skip("mount refused")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)])


def _previous_report(name: str) -> bytes:
    """A small file that ``report`` recognises as one it wrote (each begins as a real one does)."""
    if name == "audit.xlsx":
        sink = io.BytesIO()
        with zipfile.ZipFile(sink, "w") as book:
            core = "<cp:coreProperties><dc:creator>fundaudit</dc:creator></cp:coreProperties>"
            book.writestr("docProps/core.xml", core)
        return sink.getvalue()
    heads = {
        "audit.md": b"# fundaudit previous\n",
        "audit.html": b"<!DOCTYPE html><title>fundaudit previous</title>",
        "findings.txt": b"previous\n",
        "findings.csv": b"\xef\xbb\xbfid,rule,verdict,previous\n",
        "findings.json": b'{\n  "version": 1,\n  "tolerance": "digits"\n}\n',
    }
    return heads[name]


def test_a_real_full_disk_keeps_the_previous_report_set(
    capsys: pytest.CaptureFixture[str], data: Path, small_disk: Path
) -> None:
    out = small_disk / "reports"
    out.mkdir()
    previous = {name: _previous_report(name) for name in bundle.FILES}
    for name, old in previous.items():
        (out / name).write_bytes(old)
    filler = small_disk / "filler"
    with filler.open("wb") as fh:  # leave about 8 KiB: not enough for audit.xlsx
        fh.write(b"\0" * (64 * 1024 - 4 * 4096 - 8 * 1024))
    code, _, err = cli(capsys, "report", str(data), "--out", str(out))
    assert code == 2 and "no space left on the device" in err, err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == previous
    code, _, err = cli(capsys, "report", str(data), "--out", str(small_disk / "new" / "reports"))
    assert code == 2 and "no space left on the device" in err, err
    assert not (small_disk / "new").exists()  # the folders it made are removed again


def test_a_real_read_only_mount(capsys: pytest.CaptureFixture[str], data: Path, small_disk: Path) -> None:
    (small_disk / "reports").mkdir()
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    code, _, err = cli(capsys, "report", str(data), "--out", str(small_disk / "reports"))
    assert code == 2 and "the file system is read-only" in err, err
    code, _, err = cli(capsys, "baseline", str(data), "--out", str(small_disk / "b.json"))
    assert code == 2 and f"{small_disk / 'b.json'}: the file system is read-only" in err, err


def test_sigterm_during_report_leaves_no_temporary_and_no_mixed_set(data: Path, tmp_path: Path) -> None:
    """SIGTERM at many points of `report` over two alternating versions of the data."""
    out = tmp_path / "reports"
    cmd = [sys.executable, "-m", "fundaudit", "report", str(data), "--out", str(out)]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    versions = [data.read_text(encoding="utf-8")]
    versions.append(versions[0].replace("6 万元 @9", "5 万元 @9"))
    trees = []
    for text in versions:
        data.write_text(text, encoding="utf-8")
        subprocess.run(cmd, env=env, capture_output=True, check=True)
        trees.append(_tree(out))
    for i, delay in enumerate((0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0)):
        data.write_text(versions[i % 2], encoding="utf-8")
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        time.sleep(delay)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate()
        assert proc.returncode in (0, 143, -signal.SIGTERM), err
        assert b"Traceback" not in err
        assert not list(out.glob(".*")), list(out.iterdir())
        assert _tree(out) in trees


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["report", "DATA", "--out", ""], "argument 4, after --out, is empty"),
        (["report", "DATA", "--out="], "--out is given an empty value"),
        (["export", "DATA", "--to", ""], "argument 4, after --to, is empty"),
        (["baseline", "DATA", "--out", ""], "argument 4, after --out, is empty"),
        (["check", ""], "argument 2 is empty"),
        (["check", "DATA", "--format", "json", "--baseline", ""], "argument 6, after --baseline, is empty"),
    ],
)
def test_an_empty_argument_is_exit_2_and_writes_nothing(
    capsys: pytest.CaptureFixture[str],
    data: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    argv: list[str],
    said: str,
) -> None:
    """``--out "$DIR"`` with DIR unset: "" is the working folder to pathlib, and `report` wrote its
    six files there (over any audit.md it held); `export` its tables; `check ""` audited it."""
    here = tmp_path / "here"
    here.mkdir()
    (here / "audit.md").write_text("mine", encoding="utf-8")
    monkeypatch.chdir(here)
    monkeypatch.setenv("FUNDAUDIT_LANG", "en")
    code, out, err = cli(capsys, *[str(data) if a == "DATA" else a for a in argv])
    assert code == 2 and err == f"error: {said} (an unset shell variable?)\n", err
    assert [p.name for p in here.iterdir()] == ["audit.md"] and (here / "audit.md").read_text("utf-8") == "mine"
    if "json" in argv:
        assert json.loads(out)["errors"]  # the machine format's error document, as for any usage error


def test_sigterm_before_the_command_starts_is_exit_143(
    capsys: pytest.CaptureFixture[str], data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM while the command line reads its help texts, before typer runs the command: the
    window CI met (the exception escaped `run`: a traceback and exit 1)."""
    import fundaudit.cli

    real = fundaudit.cli._localise_help

    def localise(argv: list[str]) -> None:
        os.kill(os.getpid(), signal.SIGTERM)
        real(argv)

    monkeypatch.setattr(fundaudit.cli, "_localise_help", localise)
    previous = signal.getsignal(signal.SIGTERM)
    code, _, err = cli(capsys, "report", str(data), "--out", str(data.parent / "reports"), "--lang", "en")
    assert (code, err) == (143, "terminated\n")
    assert not (data.parent / "reports").exists()
    assert signal.getsignal(signal.SIGTERM) == previous  # the handler is put back when `run` ends


@pytest.mark.parametrize("how", ["cleared", "wrapped"])
def test_a_signal_whose_exception_was_lost_still_ends_the_command_with_its_code(
    capsys: pytest.CaptureFixture[str], data: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """Where the signal's exception is raised, Python may lose it: C code that clears every error
    (CPython's compiler during an import, an extension module's start) and the command ran on to
    exit 0; or wrap it (a class statement's ``__set_name__``: RuntimeError) and the command ended
    with a traceback and 1. A real `report` met all three. The code is 143 either way."""
    real = bundle.write

    def write(audit: object, out: Path) -> list[Path]:
        try:  # as such code would: the exception is raised here, then cleared or wrapped
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(10**5):
                pass
        except BaseException as exc:
            if how == "wrapped":
                raise RuntimeError("Error calling __set_name__ on 'Field' instance") from exc
        return real(audit, out)  # type: ignore[arg-type]

    monkeypatch.setattr(bundle, "write", write)
    out = data.parent / "reports"
    code, _, err = cli(capsys, "report", str(data), "--out", str(out), "--lang", "en")
    assert (code, err) == (143, "terminated\n")
    if how == "cleared":  # the command ran on: its files are whole, as without the signal
        assert sorted(p.name for p in out.iterdir()) == sorted(bundle.FILES)
    else:
        assert not out.exists()
    monkeypatch.undo()
    code, _, err = cli(capsys, "report", str(data), "--out", str(out), "--lang", "en")
    assert (code, err) == (0, "")  # nothing of the lost signal is left for the next command


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github", "jsonl"])
def test_standard_output_on_a_full_device_is_exit_2_and_one_line(fmt: str) -> None:
    """``check > /dev/full``: the reason in the reader's words, never a traceback."""
    env = {**os.environ, "FUNDAUDIT_LANG": "en"}
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "fundaudit", "check", "data/budgets.yaml", "--format", fmt],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            env=env,
            timeout=120,
        )
    assert proc.returncode == 2, proc.stderr[-500:]
    assert proc.stderr.strip().splitlines() == ["error: standard output: no space left on the device"]


def _check_into(monkeypatch: pytest.MonkeyPatch, encoding: str, *argv: str) -> tuple[int, bytes, io.TextIOWrapper]:
    """``check`` of the real data with standard output a stream in ``encoding`` (strict, as
    ``PYTHONIOENCODING=ascii`` or a GBK locale makes it); its bytes, and the stream after."""
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding, errors="strict", newline="\n", write_through=True)
    monkeypatch.setattr(sys, "stdout", stream)
    monkeypatch.setenv("FUNDAUDIT_CACHE", "off")
    code = run(["check", str(ROOT / "data" / "budgets.yaml"), *argv])
    stream.flush()
    monkeypatch.undo()
    return code, raw.getvalue(), stream


@pytest.mark.parametrize("fmt", ["json", "sarif", "junit", "jsonl", "github"])
def test_machine_formats_are_utf8_whatever_the_locale(monkeypatch: pytest.MonkeyPatch, fmt: str) -> None:
    """JSON and SARIF must be UTF-8 and the JUnit XML says it is: on an ASCII, Latin-1 or GBK
    standard output they were a traceback (UnicodeEncodeError) or a document in GBK."""
    code, utf8, _ = _check_into(monkeypatch, "utf-8", "--format", fmt)
    assert code == 1 and "南江县".encode() in utf8
    for encoding in ("ascii", "gbk"):
        code, got, stream = _check_into(monkeypatch, encoding, "--format", fmt)
        assert (code, got) == (1, utf8), encoding
        assert (stream.encoding, stream.errors) == (encoding, "strict")  # put back as it was
    if fmt in ("json", "sarif"):
        assert json.loads(utf8)


def test_text_is_in_the_locales_encoding_and_escapes_what_it_cannot_hold(monkeypatch: pytest.MonkeyPatch) -> None:
    """The text for people in the terminal's encoding (GBK reads the Chinese as it is); a
    character it cannot hold (GBK: "›"; ASCII: every Chinese one) as its escape, not a traceback."""
    _, utf8, _ = _check_into(monkeypatch, "utf-8")
    text = utf8.decode()
    for encoding in ("gbk", "ascii"):
        code, got, _ = _check_into(monkeypatch, encoding)
        assert code == 1 and got == text.encode(encoding, "backslashreplace"), encoding
    assert "南江县" in text and "\\u5357\\u6c5f\\u53bf" in text.encode("ascii", "backslashreplace").decode()


def test_an_ascii_standard_output_is_never_a_traceback() -> None:
    env = {**os.environ, "PYTHONIOENCODING": "ascii", "FUNDAUDIT_CACHE": "off"}
    for argv in (["check", "data/budgets.yaml"], ["rules"], ["check", "--help"]):
        proc = subprocess.run(
            [sys.executable, "-m", "fundaudit", *argv], capture_output=True, cwd=ROOT, env=env, timeout=120
        )
        assert b"Traceback" not in proc.stderr and proc.returncode in (0, 1, 2), (argv, proc.stderr[-500:])
        assert proc.stdout.isascii() and b"\\u" in proc.stdout, argv


@pytest.mark.parametrize("how", ["closed", "read-only"])
@pytest.mark.parametrize("argv", [["check", "data/budgets.yaml"], ["check", "data/budgets.yaml", "--format", "json"]])
def test_a_closed_standard_output_is_exit_2_and_one_line(argv: list[str], how: str) -> None:
    """``fundaudit check >&-``: Python starts with no sys.stdout (None); it was a traceback.
    ``>&0`` with stdin read-only: the same error from the write."""

    def unwritable() -> None:
        os.close(1)
        if how == "read-only":
            os.dup2(os.open(os.devnull, os.O_RDONLY), 1)

    proc = subprocess.run(
        [sys.executable, "-m", "fundaudit", *argv],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
        env={**os.environ, "FUNDAUDIT_LANG": "en"},
        preexec_fn=unwritable,
        timeout=120,
    )
    assert proc.returncode == 2, proc.stderr[-500:]
    said = "error: standard output: it is not open for writing (closed, or opened read-only)"
    assert proc.stderr.splitlines() == [said]


def test_a_closed_standard_error_keeps_the_json_document_whole() -> None:
    """``fundaudit check ... --format json 2>&-``: what stderr would say was printed into
    standard output (``print(file=None)``), before the JSON document, which no reader could parse."""
    proc = subprocess.run(
        [sys.executable, "-m", "fundaudit", "check", "no-such-file.yaml", "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        preexec_fn=lambda: os.close(2),
        timeout=120,
    )
    assert proc.returncode == 2
    assert [e["file"] for e in json.loads(proc.stdout)["errors"]] == ["no-such-file.yaml"]


@pytest.mark.parametrize("columns", ["99999999999999999999", "abc"])
def test_no_width_in_columns_is_never_a_traceback(columns: str) -> None:
    """``$COLUMNS`` that is no width (rich lays the help out in it: an OverflowError traceback)."""
    for argv in (["--help"], ["check", "--bogus"]):
        proc = subprocess.run(
            [sys.executable, "-m", "fundaudit", *argv],
            capture_output=True,
            text=True,
            cwd=ROOT,
            env={**os.environ, "COLUMNS": columns, "FUNDAUDIT_LANG": "en"},
            timeout=120,
        )
        assert proc.returncode == (0 if argv == ["--help"] else 2) and "Traceback" not in proc.stderr, proc.stderr
        assert "Usage" in proc.stdout + proc.stderr


def test_a_deleted_working_folder_is_exit_2_and_one_line(tmp_path: Path) -> None:
    """The shell's folder deleted under it: every command would meet it (a relative path, the
    folder paths are shown from); it was a FileNotFoundError traceback."""
    gone = tmp_path / "gone"
    gone.mkdir()

    def leave() -> None:
        os.chdir(gone)
        os.rmdir(gone)

    proc = subprocess.run(
        [str(Path(sys.executable).parent / "fundaudit"), "check", str(ROOT / "data" / "budgets.yaml")],
        capture_output=True,
        text=True,
        env={**os.environ, "FUNDAUDIT_LANG": "en"},
        preexec_fn=leave,
        timeout=120,
    )
    assert (proc.returncode, proc.stdout) == (2, ""), proc.stderr[-500:]
    assert proc.stderr.splitlines() == [
        "error: the working folder cannot be read (no such file or folder): change into a folder that exists"
    ]


def test_ctrl_c_while_the_command_line_starts_ends_it_without_a_traceback() -> None:
    """While the command line imports (about 0.2 s), Ctrl-C ends it as the system would (before:
    KeyboardInterrupt's traceback of whatever import it met, 12 of 40 tries in the first 0.3 s);
    `run` gives it back to Python; a library import leaves it alone."""
    probe = (
        "import signal, sys; sys.argv[0] = {name!r}; import fundaudit; "
        "held = signal.getsignal(signal.SIGINT) is signal.SIG_DFL; "
        "from fundaudit.cli import run; run(['rules']) if {name!r} else None; "
        "print(held, signal.getsignal(signal.SIGINT) is signal.default_int_handler)"
    )
    for name, held in (("/usr/bin/fundaudit", "True"), ("", "False")):
        proc = subprocess.run(
            [sys.executable, "-c", probe.format(name=name)], capture_output=True, text=True, cwd=ROOT, timeout=120
        )
        assert proc.stdout.split()[-2:] == [held, "True"], proc.stderr[-500:]
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "fundaudit"), "check", "data/budgets.yaml"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        cwd=ROOT,
        env={**os.environ, "PYTHONPROFILEIMPORTTIME": "1"},  # each import says so on stderr
    )
    assert proc.stderr is not None
    for line in proc.stderr:  # fundaudit's own imports have begun: its package ran
        if b"| fundaudit." in line:
            break
    proc.send_signal(signal.SIGINT)
    err = proc.stderr.read()
    assert proc.wait() in (-signal.SIGINT, 130)
    assert b"Traceback" not in err and b"KeyboardInterrupt" not in err


def test_a_reader_that_leaves_early_ends_the_command_quietly() -> None:
    """``check | head``: the exit status SIGPIPE would give (141), nothing on stderr."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "fundaudit", "check", "data/budgets.yaml", "--all", "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)
    proc.stdout.close()
    err = proc.stderr.read().decode("utf-8")
    assert proc.wait(timeout=120) == 141
    assert err == ""


@pytest.mark.parametrize("where", ["__del__", "weakref", "gc"])
def test_a_signal_raised_where_python_swallows_exceptions_still_ends_the_command(where: str) -> None:
    """SIGTERM whose exception is raised inside a finaliser (or a weakref or collector callback,
    or an import lock's callback, as a real `report` once met) is sent again, not lost: the
    command still ends with 143, without a traceback (before: "Exception ignored in ...",
    the traceback, and the command ran on to exit 0)."""
    program = f"""
import gc, os, signal, sys, time, weakref
from fundaudit.outputs import Terminated, terminate_as_exception
terminate_as_exception()

def swallowing():
    os.kill(os.getpid(), signal.SIGTERM)
    for _ in range(10**5):  # the handler runs here, inside the finaliser
        pass

class Obj:
    def __del__(self):
        swallowing()

where = {where!r}
try:
    if where == "__del__":
        Obj()
    elif where == "weakref":
        class W: pass
        w = W(); ref = weakref.ref(w, lambda r: swallowing()); del w
    else:
        def once(phase, info):
            gc.callbacks.remove(once)
            swallowing()
        gc.callbacks.append(once)
        gc.collect()
    print("survived the swallowing", file=sys.stderr)
    time.sleep(5)
    sys.exit(0)
except Terminated as exc:
    sys.exit(128 + exc.signum)
"""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True, timeout=60)
    err = proc.stderr.decode()
    assert proc.returncode == 143, err
    assert "Traceback" not in err and "Exception ignored" not in err, err
