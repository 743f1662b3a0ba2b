from __future__ import annotations

import os
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fundaudit.i18n import set_language
from fundaudit.loader import load
from fundaudit.model import Budget
from fundaudit.runner import Audit, run

# The suite's assertions on wording are in English; tests of the Chinese outputs (the default)
# ask for Chinese themselves (`i18n.using("zh")`, FUNDAUDIT_LANG=zh in a subprocess's env).
os.environ["FUNDAUDIT_LANG"] = "en"
# Every test computes its diagnoses (a test that patches a cause must see it run); the cache's
# own tests turn it on in a folder of their own (tests/causes/test_cache.py).
os.environ["FUNDAUDIT_CACHE"] = "off"

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data" / "budgets.yaml"

HEADER = """\
fundaudit: 1
documents:
  - id: t
    source: t.txt
    title: 测试
"""


def sources_dir() -> Path | None:
    value = os.environ.get("FUNDAUDIT_SOURCES")
    return Path(value) if value else None


@pytest.fixture(autouse=True)
def _language_restored() -> Iterator[None]:
    """``--lang`` (a command run in this process) sets the language for the rest of the process:
    back to the suite's own (English, above) after each test."""
    yield
    set_language(None)


@pytest.fixture
def write(tmp_path: Path) -> Callable[[str], Path]:
    """Write an entry file whose single document 't' has the given body (indented YAML)."""

    def _write(body: str, raw: bool = False) -> Path:
        path = tmp_path / "budgets.yaml"
        text = textwrap.dedent(body) if raw else HEADER + textwrap.indent(textwrap.dedent(body), "    ")
        path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def budget_of(write: Callable[[str], Path]) -> Callable[[str], Budget]:
    return lambda body: load(write(body))


@pytest.fixture
def audit_of(budget_of: Callable[[str], Budget]) -> Callable[[str], Audit]:
    return lambda body: run(budget_of(body))


@pytest.fixture(scope="session")
def real_budget() -> Budget:
    """The project's real data, loaded once."""
    return load(DATA)
