"""The diagnosis cache: the same diagnoses warm as cold, and a cache that cannot serve is passed over."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from fundaudit.causes import cache
from fundaudit.loader import load
from fundaudit.runner import run
from tests.conftest import DATA, ROOT


def _json(tmp: Path, **env: str) -> str:
    full = {**os.environ, "FUNDAUDIT_LANG": "en", **env}
    proc = subprocess.run(
        [sys.executable, "-m", "fundaudit", "check", str(DATA), "--format", "json"],
        capture_output=True,
        text=True,
        env=full,
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    return proc.stdout


def test_warm_and_cold_give_the_same_document_and_the_cache_is_json(tmp_path: Path) -> None:
    where = tmp_path / "cache"
    cold = _json(tmp_path, FUNDAUDIT_CACHE="on", FUNDAUDIT_CACHE_DIR=str(where))
    entries = sorted(where.glob("*.json"))
    assert len(entries) == 1 and (where / ".gitignore").is_file()
    stored = json.loads(entries[0].read_text(encoding="utf-8"))
    assert stored["format"] == cache.FORMAT and len(stored["diagnoses"]) > 90
    warm = _json(tmp_path, FUNDAUDIT_CACHE="on", FUNDAUDIT_CACHE_DIR=str(where))
    assert warm == cold == _json(tmp_path, FUNDAUDIT_CACHE="off")


def test_a_cache_hit_skips_the_diagnosis(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FUNDAUDIT_CACHE", "on")
    monkeypatch.setenv("FUNDAUDIT_CACHE_DIR", str(tmp_path))
    budget = load(DATA)
    first = run(budget).diagnoses.diagnoses

    def fail(*_args: object, **_kw: object) -> None:
        raise AssertionError("diagnosed again")

    monkeypatch.setattr("fundaudit.causes.localise.diagnose", fail)
    again = run(budget).diagnoses.diagnoses
    assert again == first


@pytest.mark.parametrize("damage", ["not json", '{"format": 1, "diagnoses": {"x": {"cause": 1}}}', "[]", ""])
def test_a_damaged_entry_is_passed_over(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str) -> None:
    monkeypatch.setenv("FUNDAUDIT_CACHE", "on")
    monkeypatch.setenv("FUNDAUDIT_CACHE_DIR", str(tmp_path))
    budget = load(DATA)
    first = run(budget).diagnoses.diagnoses
    (entry,) = tmp_path.glob("*.json")
    entry.write_text(damage, encoding="utf-8")
    assert run(budget).diagnoses.diagnoses == first  # computed again, same


def test_off_writes_nothing_and_a_linked_or_read_only_folder_is_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    budget = load(DATA)
    monkeypatch.setenv("FUNDAUDIT_CACHE", "off")
    monkeypatch.setenv("FUNDAUDIT_CACHE_DIR", str(tmp_path / "off"))
    run(budget).diagnoses  # noqa: B018
    assert not (tmp_path / "off").exists()
    monkeypatch.setenv("FUNDAUDIT_CACHE", "on")
    target = tmp_path / "elsewhere"
    target.mkdir()
    (tmp_path / "link").symlink_to(target)
    monkeypatch.setenv("FUNDAUDIT_CACHE_DIR", str(tmp_path / "link"))
    run(budget).diagnoses  # noqa: B018
    assert list(target.iterdir()) == []
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    monkeypatch.setenv("FUNDAUDIT_CACHE_DIR", str(locked))
    try:
        assert run(budget).diagnoses.diagnoses  # no error, diagnosed all the same
    finally:
        locked.chmod(0o700)


def test_the_key_moves_with_a_figure_and_the_language(monkeypatch: pytest.MonkeyPatch) -> None:
    from dataclasses import replace

    from fundaudit.numbers import Written
    from fundaudit.tolerance import DEFAULT

    budget = load(DATA)
    audit = run(budget)
    failing = audit.columns.relations_at(audit._failing_rows())[:3]
    base = cache.key(failing, {}, {}, DEFAULT, "zh")
    assert base == cache.key(failing, {}, {}, DEFAULT, "zh")
    assert base != cache.key(failing, {}, {}, DEFAULT, "en")
    moved = replace(failing[0], total=replace(failing[0].total, value=Written(1, 0)))
    assert base != cache.key([moved, *failing[1:]], {}, {}, DEFAULT, "zh")


def test_only_the_newest_entries_are_kept_and_a_huge_one_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in range(cache.KEEP + 5):
        stale = tmp_path / f"{n:064x}.json"
        stale.write_text("{}", encoding="utf-8")
        os.utime(stale, (n, n))
    monkeypatch.setenv("FUNDAUDIT_CACHE", "on")
    monkeypatch.setenv("FUNDAUDIT_CACHE_DIR", str(tmp_path))
    budget = load(DATA)
    first = run(budget).diagnoses.diagnoses
    kept = sorted(tmp_path.glob("*.json"))
    assert len(kept) == cache.KEEP and not (tmp_path / f"{0:064x}.json").exists()
    (entry,) = [p for p in kept if not p.name.startswith("0000")]
    with entry.open("a", encoding="utf-8") as grow:
        grow.truncate(cache.LIMIT + 1)  # a sparse file past the limit: passed over, not read
    assert run(budget).diagnoses.diagnoses == first


def test_a_folder_of_the_users_keeps_its_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # FUNDAUDIT_CACHE_DIR pointed at a folder that holds other JSON files: none is deleted or
    # changed, and no .gitignore is put there (only a folder the cache creates gets one)
    mine = [tmp_path / f"report-{n}.json" for n in range(cache.KEEP + 3)]
    for n, path in enumerate(mine):
        path.write_text('{"mine": true}', encoding="utf-8")
        os.utime(path, (n, n))
    monkeypatch.setenv("FUNDAUDIT_CACHE", "on")
    monkeypatch.setenv("FUNDAUDIT_CACHE_DIR", str(tmp_path))
    run(load(DATA)).diagnoses  # noqa: B018
    assert all(p.read_text(encoding="utf-8") == '{"mine": true}' for p in mine)
    assert not (tmp_path / ".gitignore").exists()
    assert len([p for p in tmp_path.glob("*.json") if cache.ENTRY.fullmatch(p.name)]) == 1


def test_the_default_folder_is_the_users_cache_not_the_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FUNDAUDIT_CACHE_DIR", raising=False)
    monkeypatch.setenv("FUNDAUDIT_CACHE", "on")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    data = tmp_path / "data"
    import shutil

    shutil.copytree(DATA.parent, data)
    before = sorted(p.relative_to(data) for p in data.rglob("*"))
    run(load(data / "budgets.yaml")).diagnoses  # noqa: B018
    assert sorted(p.relative_to(data) for p in data.rglob("*")) == before  # nothing added beside the data
    assert len(list((tmp_path / "xdg" / "fundaudit").glob("*.json"))) == 1
