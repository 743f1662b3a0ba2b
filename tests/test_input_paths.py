"""Every input path stays inside the data root (the entry file's folder), symlinks resolved.

An include of a file outside the folder is refused before it is opened, so nothing of it can
be quoted in a message; an include that is not a file says what it is.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fundaudit.errors import InvalidData
from fundaudit.loader import load

SECRET = "s3cr3t-marker-kw9"
ENTRY = """\
fundaudit: 1
documents:
  - id: t
    source: t.txt
    title: 测试
    include: [{include}]
"""
PART = "programs:\n  - {id: p, name: 专项, total: 1 亿元 @1}\n"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A data folder ``data/`` beside a secret file that must never be read."""
    (tmp_path / "secret.yaml").write_text(f"programs: {SECRET}\n", encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "part.yaml").write_text(PART, encoding="utf-8")
    return tmp_path / "data"


def errors_with(root: Path, include: str) -> list[str]:
    entry = root / "budgets.yaml"
    entry.write_text(ENTRY.format(include=include), encoding="utf-8")
    with pytest.raises(InvalidData) as exc:
        load(entry)
    got = [str(e).replace(str(root) + os.sep, "") for e in exc.value.errors]
    assert not any(SECRET in e for e in got)
    return got


OUTSIDE = "budgets.yaml:6: included file {} is outside the data folder (the entry file's folder)"


@pytest.mark.parametrize(
    "include",
    ["/etc/passwd", "../../../etc/hostname", "../secret.yaml", "sub/../../secret.yaml", "'{abs}'"],
)
def test_includes_outside_the_data_folder_are_refused(root: Path, include: str) -> None:
    include = include.replace("{abs}", str(root.parent / "secret.yaml"))
    assert errors_with(root, include) == [OUTSIDE.format(repr(include.strip("'")))]


def test_a_symlink_out_of_the_folder_is_refused(root: Path) -> None:
    (root / "link.yaml").symlink_to(root.parent / "secret.yaml")
    assert errors_with(root, "link.yaml") == [OUTSIDE.format("'link.yaml'")]


def test_a_symlinked_folder_out_is_refused(root: Path) -> None:
    (root / "up").symlink_to(root.parent)
    assert errors_with(root, "up/secret.yaml") == [OUTSIDE.format("'up/secret.yaml'")]


def test_a_symlink_inside_the_folder_is_followed(root: Path) -> None:
    (root / "alias.yaml").symlink_to(root / "part.yaml")
    entry = root / "budgets.yaml"
    entry.write_text(ENTRY.format(include="alias.yaml"), encoding="utf-8")
    assert [f.ref for f in load(entry).figures] == ["t::p:total"]


def test_a_symlink_loop_is_an_error(root: Path) -> None:
    (root / "a.yaml").symlink_to(root / "b.yaml")
    (root / "b.yaml").symlink_to(root / "a.yaml")
    got = errors_with(root, "a.yaml")
    assert got in (
        ["budgets.yaml:6: included file 'a.yaml' cannot be resolved"],
        ["budgets.yaml:6: included file 'a.yaml': cannot read file: Too many levels of symbolic links"],
    )


def test_including_a_folder_says_it_is_a_folder(root: Path) -> None:
    (root / "sub").mkdir()
    assert errors_with(root, "sub") == ["budgets.yaml:6: included file 'sub': is a folder, not a file"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
def test_including_a_fifo_says_it_is_a_fifo_and_does_not_hang(root: Path) -> None:
    os.mkfifo(root / "pipe.yaml")
    entry = root / "budgets.yaml"
    entry.write_text(ENTRY.format(include="pipe.yaml"), encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "fundaudit", "check", str(entry)], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 2
    assert "budgets.yaml:6: included file 'pipe.yaml': is a named pipe (FIFO), not a file" in proc.stderr


def test_including_a_missing_file(root: Path) -> None:
    assert errors_with(root, "nope.yaml") == ["budgets.yaml:6: included file 'nope.yaml': file does not exist"]


def test_the_cli_never_echoes_an_outside_file(root: Path) -> None:
    entry = root / "budgets.yaml"
    for include in ("../secret.yaml", "/etc/passwd", "/etc/hostname"):
        entry.write_text(ENTRY.format(include=include), encoding="utf-8")
        proc = subprocess.run(
            [sys.executable, "-m", "fundaudit", "check", str(entry)], capture_output=True, text=True, timeout=60
        )
        assert proc.returncode == 2
        assert SECRET not in proc.stdout + proc.stderr
        assert "root:" not in proc.stdout + proc.stderr
        if Path("/etc/hostname").exists():
            host = Path("/etc/hostname").read_text(encoding="utf-8").strip()
            assert not host or host not in proc.stderr.replace(str(entry), "")


@pytest.mark.parametrize("source", ["/etc/passwd", "../x.txt", "a/../../x.txt", "C:\\\\x.txt", "a\\\\..\\\\x.txt"])
def test_a_source_outside_the_sources_folder_is_refused(root: Path, source: str) -> None:
    entry = root / "budgets.yaml"
    entry.write_text(ENTRY.format(include="part.yaml").replace("t.txt", f'"{source}"'), encoding="utf-8")
    with pytest.raises(InvalidData) as exc:
        load(entry)
    shown = source.replace("\\\\", "\\")
    assert [e.message for e in exc.value.errors] == [f"source {shown!r} must name a file inside the sources folder"]
