"""The message catalogue: complete, compiled, chosen by --lang / FUNDAUDIT_LANG, Chinese by default."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from fundaudit import i18n
from fundaudit.i18n.terms import verdict_name

from .conftest import ROOT


def test_catalogue_is_complete_and_compiled() -> None:
    build = pytest.importorskip("fundaudit.i18n.build")
    assert build.problems() == []


def test_language_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FUNDAUDIT_LANG", raising=False)
    i18n.set_language(None)
    assert i18n.language() == "zh" and verdict_name("mismatch") == "不符"
    monkeypatch.setenv("FUNDAUDIT_LANG", "en_US.UTF-8")
    assert i18n.language() == "en" and verdict_name("mismatch") == "mismatch"
    with i18n.using("zh-CN"):
        assert verdict_name("rounding") == "尾差"
    assert verdict_name("rounding") == "rounding"
    with pytest.raises(i18n.LanguageError, match="unknown language 'fr'"):
        i18n.set_language("fr")


def test_every_verdict_has_a_chinese_name() -> None:
    from fundaudit.findings import Verdict

    with i18n.using("zh"):
        names = {verdict_name(v.value) for v in Verdict}
    assert len(names) == len(Verdict) and not names & {v.value for v in Verdict}


def test_the_mo_files_ship_in_the_wheel() -> None:
    """The compiled catalogue is package data: hatchling takes every file of the package."""
    mo = ROOT / "src" / "fundaudit" / "i18n" / "locale" / "zh" / "LC_MESSAGES" / "fundaudit.mo"
    assert mo.is_file()
    tracked = subprocess.run(
        ["git", "ls-files", "--error-unmatch", str(mo.relative_to(ROOT))], cwd=ROOT, capture_output=True
    )
    assert tracked.returncode == 0 or not (ROOT / ".git").exists()


def test_unknown_language_in_the_environment_is_a_usage_error() -> None:
    env = {**os.environ, "FUNDAUDIT_LANG": "klingon"}
    proc = subprocess.run(
        [sys.executable, "-m", "fundaudit", "check", "tests/fixtures/mini.yaml"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2 and "unknown language 'klingon'" in proc.stderr
