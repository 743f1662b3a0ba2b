"""Identical output under different hash seeds, locales and time zones."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = "tests/fixtures/report.yaml"


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "junit", "github"])
def test_cli_output_is_byte_identical(fmt: str) -> None:
    outputs = []
    for seed, lang, tz in (("0", "C.UTF-8", "UTC"), ("12345", "zh_CN.UTF-8", "Asia/Shanghai")):
        env = {**os.environ, "PYTHONHASHSEED": seed, "LANG": lang, "LC_ALL": lang, "TZ": tz}
        proc = subprocess.run(
            [sys.executable, "-m", "fundaudit", "check", FIXTURE, "--all", "--format", fmt],
            cwd=ROOT,
            env=env,
            capture_output=True,
        )
        assert proc.returncode == 1, proc.stderr
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1]
