"""The corpus of hostile and broken inputs in tests/bad: each gets its exact errors, exit 2.

Each ``NAME.yaml`` has a ``NAME.expected`` with the errors the loader must report, one
``file:line: message`` a line. Nothing may raise anything but ``InvalidData``, and the CLI
must answer every one with exit code 2 and no traceback.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from fundaudit.errors import InvalidData, LoadError
from fundaudit.loader import load

BAD = Path(__file__).parent / "bad"
CASES = sorted(BAD.glob("*.yaml"))


def shown(error: LoadError) -> str:
    """The error as printed, with the file's name only."""
    return str(replace(error, file=Path(error.file).name))


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 250
    assert all(p.with_suffix(".expected").is_file() for p in CASES)


@pytest.mark.parametrize("path", CASES, ids=[p.stem for p in CASES])
def test_bad_input(path: Path) -> None:
    with pytest.raises(InvalidData) as exc:
        load(path)
    got = [shown(e) for e in exc.value.errors]
    expected = path.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    assert got == expected


def test_cli_answers_every_bad_input_with_exit_2() -> None:
    script = (
        "import sys\n"
        "from fundaudit.cli import app\n"
        "codes = []\n"
        "for p in sys.argv[1:]:\n"
        "    try:\n"
        "        codes.append(app(['check', p], standalone_mode=False))\n"
        "    except SystemExit as e:\n"
        "        codes.append(e.code)\n"
        "print(codes)\n"
    )
    proc = subprocess.run([sys.executable, "-c", script, *map(str, CASES)], capture_output=True, text=True, timeout=600)
    assert "Traceback" not in proc.stderr
    codes = proc.stdout.strip().splitlines()[-1]
    assert codes == str([2] * len(CASES)), codes


def test_bad_input_errors_in_chinese() -> None:
    """Every error of the corpus reads in Chinese by default, at the same file and line as in English."""
    from fundaudit import i18n

    for path in CASES:
        said: dict[str, list[LoadError]] = {}
        for lang in ("en", "zh"):
            with i18n.using(lang), pytest.raises(InvalidData) as exc:
                load(path)
            said[lang] = exc.value.errors
        english, chinese = said["en"], said["zh"]
        assert sorted((e.file, e.line) for e in chinese) == sorted((e.file, e.line) for e in english), path
        for error in chinese:
            assert any("\u4e00" <= c <= "\u9fff" for c in error.message), (path, error)
            assert error.message not in {e.message for e in english}, (path, error)


def test_cli_says_bad_data_in_the_chosen_language() -> None:
    env = {k: v for k, v in os.environ.items() if k != "FUNDAUDIT_LANG"}
    case = "tests/bad/figure-line-zero.yaml"
    root = BAD.parent.parent

    def check(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "fundaudit", "check", *args, case]
        return subprocess.run(command, capture_output=True, text=True, env=env, cwd=root)

    zh, en = check(), check("--lang", "en")
    assert zh.returncode == en.returncode == 2
    assert f"{case}:9: 专项 total：原文行号 '0' 必须是正整数" in zh.stderr and "1 处错误：数据未经核对" in zh.stderr
    assert f"{case}:9: 专项 total: source line '0' must be a positive whole number" in en.stderr
    assert "1 error: the data was not audited" in en.stderr
