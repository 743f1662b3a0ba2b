"""The cache of loaded YAML files: the same model and errors warm, cold and off; a bad entry is passed over."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fundaudit.errors import InvalidData
from fundaudit.loader import cache, load
from fundaudit.model import Budget
from tests.conftest import DATA, ROOT
from tests.test_loader_fuzz import MUTATIONS, _mutate


def fingerprint(budget: Budget) -> list[str]:
    """Everything the model says, figures in their order, and which figure objects the nodes share."""
    index = {id(f): i for i, f in enumerate(budget.figures)}
    shared = [
        index[id(f)]
        for _doc, node in budget.nodes()
        for f in (node.total, *node.figures, *(c for t in node.tables for r in t.rows for c in r.cells))
        if f is not None
    ]
    return [repr(budget), *(repr(f) for f in budget.figures), repr(shared)]


@pytest.fixture
def cached(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The cache on, in a folder of this test's own."""
    where = tmp_path / "cache"
    monkeypatch.setenv("FUNDAUDIT_CACHE", "on")
    monkeypatch.setenv("FUNDAUDIT_CACHE_DIR", str(where))
    return where / "yaml"


def _composed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The included files the loader reads from YAML from now on (the others came from the cache):
    composed, or read by the quick path (fundaudit.loader.canonical)."""
    from fundaudit.loader import canonical, documents

    seen: list[str] = []
    real = documents._compose
    quick = canonical.read

    def spy(ctx: object, data: bytes, display: str) -> object:
        seen.append(display)
        return real(ctx, data, display)  # type: ignore[arg-type]

    def quick_spy(data: bytes, display: str, *args: object) -> object:
        got = quick(data, display, *args)  # type: ignore[arg-type]
        if got is not None and sys._getframe(1).f_globals["__name__"] == documents.__name__:  # not read ahead
            seen.append(display)
        return got

    monkeypatch.setattr(documents, "_compose", spy)
    monkeypatch.setattr(canonical, "read", quick_spy)
    return seen


def test_the_real_data_loads_the_same_cold_warm_and_off(cached: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    composed = _composed(monkeypatch)
    cold = fingerprint(load(DATA))
    entries = sorted(cached.glob("*.json"))
    assert len(entries) == len(composed) > 10 and (cached / ".gitignore").is_file()
    composed.clear()
    warm = fingerprint(load(DATA))
    assert composed == []  # every included file came from the cache
    monkeypatch.setenv("FUNDAUDIT_CACHE", "off")
    assert warm == cold == fingerprint(load(DATA))
    assert sorted(cached.glob("*.json")) == entries


def _check(lang: str, **env: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "fundaudit", "check", str(DATA), "--format", "json"],
        capture_output=True,
        text=True,
        env={**os.environ, "FUNDAUDIT_LANG": lang, **env},
        cwd=ROOT,
        check=False,
    )
    assert proc.returncode == 1, proc.stderr
    return proc.stdout


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_check_writes_the_same_json_cold_warm_and_off(tmp_path: Path, lang: str) -> None:
    on = {"FUNDAUDIT_CACHE": "on", "FUNDAUDIT_CACHE_DIR": str(tmp_path)}
    cold = _check(lang, **on)
    assert list((tmp_path / "yaml").glob("*.json"))
    assert _check(lang, **on) == cold == _check(lang, FUNDAUDIT_CACHE="off")


ENTRY = """\
fundaudit: 1
documents:
  - id: t
    source: t.txt
    title: 测试
    include: [a.yaml, b.yaml]
"""
A = """\
programs:
  - id: p1
    name: 甲
    total: 10 万元 @1
    split: {中央: 6 万元 @1, 省级: 4 万元 @1}
    items:
      - {id: i1, name: 子项目, total: 10 万元 @2}
    tables:
      - id: t
        title: 表
        line: 3
        unit: 万元
        columns: [投资]
        rows:
          - {label: 子项目, line: 4, cells: ["10"]}
          - {label: 合计, line: 5, role: total, cells: ["10"]}
relations:
  - {id: r1, kind: equal, total: "p1:total", parts: ["p1/i1:total"]}
"""
B = """\
programs:
  - id: p2
    name: 乙
    total: 5 万元 @6
"""


def _data(folder: Path) -> Path:
    folder.mkdir()
    (folder / "a.yaml").write_text(A, encoding="utf-8")
    (folder / "b.yaml").write_text(B, encoding="utf-8")
    entry = folder / "budgets.yaml"
    entry.write_text(ENTRY, encoding="utf-8")
    return entry


def _errors(entry: Path) -> list[str]:
    with pytest.raises(InvalidData) as caught:
        load(entry)
    return [str(e) for e in caught.value.errors]


@pytest.mark.parametrize(
    "b",
    [
        B.replace("p2", "p1"),  # a program id a cached file has, and so all its figures' references
        B + "relations:\n  - {id: r1, kind: equal, total: 'p1:total', parts: ['p2:total']}\n",  # a relation id twice
        B + "relations:\n  - {id: r2, kind: equal, total: 'p1:nothing', parts: ['p2:total']}\n",
        B.replace("5 万元", "-5 万元"),
        B + "  - id: p3\n    name: [x\n",  # not YAML
    ],
)
def test_errors_are_the_same_when_other_files_come_from_the_cache(
    tmp_path: Path, cached: Path, monkeypatch: pytest.MonkeyPatch, b: str
) -> None:
    entry = _data(tmp_path / "data")
    load(entry)
    assert len(list(cached.glob("*.json"))) == 2
    (tmp_path / "data" / "b.yaml").write_text(b, encoding="utf-8")
    composed = _composed(monkeypatch)
    warm = _errors(entry)
    assert not any(name.endswith("a.yaml") for name in composed)  # a.yaml came from the cache
    monkeypatch.setenv("FUNDAUDIT_CACHE", "off")
    assert warm == _errors(entry) and warm


def test_a_load_with_errors_stores_nothing_and_nothing_is_written_beside_the_data(tmp_path: Path, cached: Path) -> None:
    entry = _data(tmp_path / "data")
    (tmp_path / "data" / "b.yaml").write_text(B.replace("5 万元", "5 万"), encoding="utf-8")
    _errors(entry)
    assert not cached.exists()
    (tmp_path / "data" / "b.yaml").write_text(B, encoding="utf-8")
    load(entry)
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == ["a.yaml", "b.yaml", "budgets.yaml"]


def _entry_of(cached: Path, name: str) -> Path:
    """The entry of the included file whose YAML holds ``name``."""
    for path in cached.glob("*.json"):
        if name in _plain(path.read_bytes()).decode("utf-8"):
            return path
    raise AssertionError(name)


def _plain(raw: bytes) -> bytes:
    """An entry with its JSON inflated (it is stored compressed)."""
    head, _, body = raw.partition(b"\n")
    return head + b"\n" + zlib.decompress(body)


def _packed(plain: bytes) -> bytes:
    """An entry (with its JSON as :func:`_plain` gives it) as it is stored, its head as it is."""
    head, newline, body = plain.partition(b"\n")
    return head + newline + zlib.compress(body, 1) if newline else plain


def _restamp(path: Path, body: bytes) -> None:
    """Write the JSON ``body`` as the entry's payload under a matching checksum (an entry edited on purpose)."""
    head = json.loads(path.read_bytes().partition(b"\n")[0])
    packed = zlib.compress(body, 1)
    head[2] = hashlib.sha256(packed).hexdigest()
    path.write_bytes(json.dumps(head).encode() + b"\n" + packed)


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],  # cut short
        lambda raw: raw.replace("甲".encode(), "丙".encode()),  # a name changed, the checksum not
        lambda raw: raw.replace(b'"p1:total"', b'"p1:totax"'),
        lambda raw: b"",
        lambda raw: b"\xff\xfe not json",
        lambda raw: raw.partition(b"\n")[2],  # no head
        lambda raw: json.dumps([cache.FORMAT, "0" * 64, hashlib.sha256(b"{}").hexdigest()]).encode() + b"\n{}",
    ],
)
def test_a_damaged_entry_is_passed_over(
    tmp_path: Path, cached: Path, monkeypatch: pytest.MonkeyPatch, damage: object
) -> None:
    entry = _data(tmp_path / "data")
    cold = fingerprint(load(entry))
    path = _entry_of(cached, "甲")
    raw = path.read_bytes()
    damaged = damage(_plain(raw))  # type: ignore[operator]
    path.write_bytes(_packed(damaged))
    assert path.read_bytes() != raw
    composed = _composed(monkeypatch)
    assert fingerprint(load(entry)) == cold
    assert str(tmp_path / "data" / "a.yaml") in composed


def _column(payload: dict[str, Any], name: str, change: Callable[[Any], Any]) -> dict[str, Any]:
    figures = payload["figures"]
    return {**payload, "figures": {**figures, name: [change(x) for x in figures[name]]}}


@pytest.mark.parametrize(
    "edit",
    [
        lambda p: _column(p, "coefficient", float),  # an amount as a float
        lambda p: _column(p, "coefficient", str),
        lambda p: _column(p, "source", lambda _line: None),
        lambda p: _column(p, "unit", lambda _unit: "no such unit"),
        lambda p: _column(p, "ref", lambda _ref: None),
        lambda p: _column(p, "yaml", lambda _line: True),
        lambda p: {**p, "figures": {**p["figures"], "label": p["figures"]["label"][1:]}},  # a column short
        lambda p: {**p, "programs": [["x"]]},
        lambda p: {**p, "relations": ["z", "tag", "v", 0, 0, None]},
        lambda p: [],
    ],
)
def test_an_entry_that_does_not_say_a_model_is_passed_over(
    tmp_path: Path, cached: Path, monkeypatch: pytest.MonkeyPatch, edit: object
) -> None:
    entry = _data(tmp_path / "data")
    cold = fingerprint(load(entry))
    path = _entry_of(cached, "甲")
    payload = json.loads(_plain(path.read_bytes()).partition(b"\n")[2])
    _restamp(path, json.dumps(edit(payload), ensure_ascii=False).encode())  # type: ignore[operator]
    composed = _composed(monkeypatch)
    assert fingerprint(load(entry)) == cold
    assert str(tmp_path / "data" / "a.yaml") in composed


def test_a_linked_entry_or_folder_is_not_read_and_other_files_are_left_alone(
    tmp_path: Path, cached: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    entry = _data(tmp_path / "data")
    cold = fingerprint(load(entry))
    path = _entry_of(cached, "甲")
    elsewhere = tmp_path / "elsewhere.json"
    path.rename(elsewhere)
    path.symlink_to(elsewhere)
    (cached / "notes.txt").write_text("mine", encoding="utf-8")
    composed = _composed(monkeypatch)
    assert fingerprint(load(entry)) == cold
    assert str(tmp_path / "data" / "a.yaml") in composed
    assert (cached / "notes.txt").read_text(encoding="utf-8") == "mine" and elsewhere.is_file()


def test_an_oversized_entry_is_not_read(tmp_path: Path, cached: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = _data(tmp_path / "data")
    cold = fingerprint(load(entry))
    monkeypatch.setattr(cache, "LIMIT", 10)
    composed = _composed(monkeypatch)
    assert fingerprint(load(entry)) == cold
    assert len(composed) == 2  # both included files read from YAML again


def test_the_key_is_the_bytes_the_document_and_the_place(tmp_path: Path, cached: Path) -> None:
    entry = _data(tmp_path / "data")
    load(entry)
    (tmp_path / "data" / "a.yaml").write_text(A + "\n", encoding="utf-8")  # the same model, other bytes
    load(entry)
    assert len(list(cached.glob("*.json"))) == 3
    entry.write_text(ENTRY.replace("id: t", "id: u").replace("source: t.txt", "source: u.txt"), encoding="utf-8")
    budget = load(entry)
    assert {f.ref.split("::")[0] for f in budget.figures} == {"u"}
    assert {f.source.file for f in budget.figures} == {"u.txt"}


def test_entries_are_kept_to_a_number_and_a_size(tmp_path: Path, cached: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    entry = _data(tmp_path / "data")
    monkeypatch.setattr(cache, "KEEP", 3)
    for n in range(5):
        (tmp_path / "data" / "b.yaml").write_text(B.replace("乙", f"乙{n}"), encoding="utf-8")
        load(entry)
    assert len(list(cached.glob("*.json"))) == 3
    monkeypatch.setattr(cache, "SIZE", 1)
    (tmp_path / "data" / "b.yaml").write_text(B, encoding="utf-8")
    load(entry)
    assert list(cached.glob("*.json")) == []


def _many(folder: Path, files: int = 6, bad: dict[str, str] | None = None) -> Path:
    """An entry file whose two documents include ``files`` files of programs (``bad``: texts to use instead)."""
    folder.mkdir()
    entry = ["fundaudit: 1", "documents:"]
    for d in ("d1", "d2"):
        entry += [f"  - id: {d}", f"    source: {d}.txt", f"    title: 文件{d}", "    include:"]
        for n in range(files // 2):
            name = f"{d}-{n}.yaml"
            text = A.replace("p1", f"p{n}").replace("r1", f"r{n}") if n % 2 else B.replace("p2", f"p{n}")
            (folder / name).write_text((bad or {}).get(name, text), encoding="utf-8")
            entry.append(f"      - {name}")
    (folder / "budgets.yaml").write_text("\n".join(entry) + "\n", encoding="utf-8")
    return folder / "budgets.yaml"


@pytest.fixture
def ahead(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Files read ahead in two processes from the first byte on; the files that workers read
    (with the cache off, workers send each part's plain values, not an entry: fundaudit.loader.cache.encode)."""
    from fundaudit.loader import parallel

    monkeypatch.setattr(parallel, "PARALLEL", 0)
    monkeypatch.setattr(parallel, "_workers", lambda: 1)
    by_worker: list[str] = []
    real, builder = parallel._from_worker, parallel._from_builder

    def spy(future: object, digest: str, display: str, source: str) -> object:
        by_worker.append(display)
        return real(future, digest, display, source)  # type: ignore[arg-type]

    def builder_spy(future: object, digest: str, display: str, source: str) -> object:
        by_worker.append(display)
        return builder(future, digest, display, source)  # type: ignore[arg-type]

    monkeypatch.setattr(parallel, "_from_worker", spy)
    monkeypatch.setattr(parallel, "_from_builder", builder_spy)
    claim = parallel._claim  # this process takes no file: the workers read them all
    monkeypatch.setattr(parallel, "_claim", lambda claims, at, who: who != parallel._HERE and claim(claims, at, who))
    return by_worker


def test_files_read_ahead_by_workers_give_the_same_model_and_cache(
    tmp_path: Path, cached: Path, monkeypatch: pytest.MonkeyPatch, ahead: list[str]
) -> None:
    entry = _many(tmp_path / "data", files=8)
    read_ahead = fingerprint(load(entry))
    assert ahead  # a worker read some
    stored = {p.name: p.read_bytes() for p in cached.glob("*.json")}
    monkeypatch.setenv("FUNDAUDIT_CACHE_DIR", str(tmp_path / "other"))
    monkeypatch.setenv("FUNDAUDIT_JOBS", "1")
    from fundaudit.loader import parallel

    monkeypatch.setattr(parallel, "_workers", lambda: 0)
    assert fingerprint(load(entry)) == read_ahead
    assert {p.name: p.read_bytes() for p in (tmp_path / "other" / "yaml").glob("*.json")} == stored


@pytest.mark.parametrize(
    "bad",
    [
        {"d1-2.yaml": B.replace("p2", "p0")},  # a program id twice in one document, across files
        {"d2-1.yaml": B.replace("5 万元", "5 万")},
        {
            "d1-1.yaml": "programs: [x\n",
            "d2-3.yaml": B.replace("p2", "p9")
            + "relations:\n  - {id: r9, kind: equal, total: 'p9:total', parts: ['d1::p1:total']}\n",
        },
    ],
)
def test_files_read_ahead_give_the_same_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, ahead: list[str], bad: dict[int, str]
) -> None:
    entry = _many(tmp_path / "data", files=8, bad=bad)
    read_ahead = _errors(entry)
    assert ahead  # a worker read some
    from fundaudit.loader import parallel

    monkeypatch.setattr(parallel, "_workers", lambda: 0)
    assert read_ahead == _errors(entry) and read_ahead


def _outcome(entry: Path) -> list[str]:
    try:
        return fingerprint(load(entry))
    except InvalidData as exc:
        return [str(e) for e in exc.errors]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(MUTATIONS, min_size=1, max_size=4))
def test_an_edited_file_loads_the_same_with_the_others_cached(
    tmp_path_factory: pytest.TempPathFactory, mutations: list[tuple[str, int, object]]
) -> None:
    """Differential: a mutated included file beside cached ones, against the cache off (errors or model)."""
    top = tmp_path_factory.mktemp("edited")
    entry = _data(top / "data")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FUNDAUDIT_CACHE", "on")
        mp.setenv("FUNDAUDIT_CACHE_DIR", str(top / "cache"))
        load(entry)  # both files cached
        (top / "data" / "a.yaml").write_bytes(_mutate(A, mutations).encode("utf-8", errors="surrogatepass"))
        first = _outcome(entry)
        again = _outcome(entry)  # the mutated file from the cache, if it loaded
        mp.setenv("FUNDAUDIT_CACHE", "off")
        assert first == again == _outcome(entry)


def test_an_entry_that_inflates_past_the_limit_is_passed_over(
    tmp_path: Path, cached: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A resealed entry whose compressed JSON inflates past ``INFLATED`` (a zip bomb, or an entry
    larger than one was ever read uncompressed) is read from its YAML instead, and inflating
    stops at the limit; the same entry is used when the limit allows it."""
    entry = _data(tmp_path / "data")
    cold = fingerprint(load(entry))
    path = _entry_of(cached, "甲")
    padded = _plain(path.read_bytes()).partition(b"\n")[2] + b" " * (4 << 20)  # 4 MiB: 4 KiB compressed
    composed = _composed(monkeypatch)
    _restamp(path, padded)
    assert fingerprint(load(entry)) == cold
    assert str(tmp_path / "data" / "a.yaml") not in composed  # within the limit: used
    _restamp(path, padded)
    monkeypatch.setattr(cache, "INFLATED", 1 << 20)
    assert fingerprint(load(entry)) == cold
    assert str(tmp_path / "data" / "a.yaml") in composed  # past it: read from its YAML
