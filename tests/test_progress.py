"""Progress lines appear on a terminal's stderr only, and never change what is written."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from fundaudit import progress

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))


@pytest.fixture(scope="module")
def big_tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import heavy

    out = tmp_path_factory.mktemp("big") / "tables"
    heavy.write(heavy.generate(4_000), out)
    return out


def _run(args: list[str], tty: bool, env: dict[str, str]) -> tuple[int, bytes, bytes]:
    """Run fundaudit with stdout to a pipe and stderr to a pipe or a pseudo-terminal."""
    cmd = [sys.executable, "-m", "fundaudit", *args]
    if not tty:
        proc = subprocess.run(cmd, capture_output=True, env=env, timeout=300)
        return proc.returncode, proc.stdout, proc.stderr
    leader, follower = pty.openpty()
    # stdout to a file, not a pipe: a pipe nobody reads while the terminal is drained fills
    # up (64 KiB) and the child blocks for ever
    with tempfile.TemporaryFile() as stdout:
        proc2 = subprocess.Popen(cmd, stdout=stdout, stderr=follower, env=env)
        os.close(follower)
        seen = b""
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        code = proc2.wait(timeout=300)
        os.close(leader)
        stdout.seek(0)
        out = stdout.read()
    return code, out, seen


def test_a_terminal_sees_the_stages_and_the_output_is_byte_identical(big_tables: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "FUNDAUDIT_NO_PROGRESS")}
    env["PYTHONPATH"] = str(ROOT / "src")
    env["FUNDAUDIT_PROGRESS_BYTES"] = "0"
    code_pipe, out_pipe, err_pipe = _run(["check", str(big_tables), "--format", "json"], False, env)
    code_tty, out_tty, err_tty = _run(["check", str(big_tables), "--format", "json"], True, env)
    assert code_pipe == code_tty == 1
    assert out_pipe == out_tty  # stdout byte-identical
    assert b"reading" in err_tty and b"judging" in err_tty  # the stages, on the terminal
    assert b"reading" not in err_pipe and b"\x1b[" not in err_pipe  # nothing when piped
    env["CI"] = "1"
    _, out_ci, err_ci = _run(["check", str(big_tables), "--format", "json"], True, env)
    assert out_ci == out_pipe and b"reading" not in err_ci


def test_small_work_and_pipes_show_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    assert not progress.wanted(False)
    assert not progress.wanted(True)  # pytest's stderr is no terminal


def test_a_stage_says_how_far_the_diagnosis_and_the_writing_have_come(
    big_tables: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The status line shown (a stand-in here) gets the failing relations diagnosed and the findings written."""
    import io

    from fundaudit import runner
    from fundaudit.columnar import read as reading
    from fundaudit.report import jsonout

    said: list[str] = []

    class Status:
        def update(self, words: str) -> None:
            said.append(words)

    progress.note("nothing is shown: nothing happens")  # no stage on a terminal
    monkeypatch.setattr(runner, "SMALL", 1)
    monkeypatch.setattr(runner, "CHUNK", 100)
    monkeypatch.setattr(progress, "_shown", [(Status(), "wording")])
    audit = runner.judge(reading.read(big_tables))
    failing = audit.counts["mismatch"]
    jsonout.write(audit, False, io.StringIO())
    assert said[0].startswith("wording — ")
    assert any(f"{failing:,} of {failing:,}" in s for s in said)  # every failing relation diagnosed
    assert sum("0 of" in s or "00 of" in s for s in said) >= 2  # a line per chunk of findings


@pytest.mark.parametrize(
    ("command", "words"),
    [
        (["check", "{data}", "--format", "json"], [b"reading", b"judging the relations of"]),
        (["report", "{data}", "--out", "{tmp}/reports"], [b"reading", b"writing the reports into"]),
        (["export", "{data}", "--to", "{tmp}/tables"], [b"reading", b"writing the tables into"]),
        (["check", "{doc}", "--format", "json"], [b"drafting"]),
        (["draft", "{doc}", "--out", "{tmp}/draft"], [b"drafting"]),
    ],
)
def test_yaml_documents_reports_and_exports_show_their_stages_on_a_terminal(
    tmp_path: Path, command: list[str], words: list[bytes]
) -> None:
    doc = tmp_path / "plan.txt"
    doc.write_text("全年计划投资10亿元，其中：中央5亿元、省级4亿元。\n", encoding="utf-8")
    args = [a.format(data=ROOT / "data" / "budgets.yaml", tmp=tmp_path, doc=doc) for a in command]
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "FUNDAUDIT_NO_PROGRESS")}
    env["PYTHONPATH"] = str(ROOT / "src")
    env["FUNDAUDIT_PROGRESS_BYTES"] = "0"
    code_tty, out_tty, err_tty = _run(args, True, env)
    for folder in ("reports", "tables", "draft"):
        if (tmp_path / folder).exists():
            (tmp_path / folder).rename(tmp_path / f"{folder}-tty")
    code_pipe, out_pipe, err_pipe = _run(args, False, env)
    assert code_tty == code_pipe
    assert out_tty.replace(b"-tty", b"") == out_pipe  # stdout the same (the folders named aside)
    for word in words:
        assert word in err_tty, err_tty
        assert word not in err_pipe


def test_yaml_size_is_not_even_walked_without_a_terminal(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def walk(*args: object) -> None:
        raise AssertionError("walked")

    monkeypatch.setattr(os, "walk", walk)
    assert not progress.large_yaml(tmp_path / "budgets.yaml")  # pytest's stderr is no terminal


def test_a_huge_folder_around_the_entry_is_walked_only_so_far(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(progress, "wanted", lambda big: True)
    (tmp_path / "deep").mkdir()
    (tmp_path / "deep" / "never.yaml").write_bytes(b"#" * (1 << 20))  # large, if it were reached
    assert progress.large_yaml(tmp_path / "deep" / "budgets.yaml")
    folders = iter([(str(tmp_path), [], [f"f{i}.txt" for i in range(20_001)])])
    more = iter([(str(tmp_path / "deep"), [], ["never.yaml"])])
    monkeypatch.setattr(os, "walk", lambda root: (*folders, *more))
    assert not progress.large_yaml(tmp_path / "budgets.yaml")
