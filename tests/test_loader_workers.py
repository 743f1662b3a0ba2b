"""What a worker sends for an included file (loader/parallel.py ``_build``: the plain values of the
file's cache entry, loader/cache.py ``encode``) against the full composer, and the objects made
a column at a time (loader/adopt.py).

Differential: for every generated file (the layout ``fundaudit fmt`` writes, then mutated with what
breaks YAML readers), the part the main process makes of what the worker sent is, tree for tree
and figure for figure, the part the usual composer and readers make of the file, or the worker
sends nothing usable (the file is then read again where every error is found). Tests below check
that the comparison is not vacuous: canonical files are sent, and a part that differs in one line
is told apart.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import pickle
import shutil
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given

from fundaudit.loader import adopt, cache, parallel
from fundaudit.loader.context import _compose, _Ctx
from fundaudit.loader.documents import read_part
from fundaudit.model import Figure, Loc, Node, Row, SplitEntry
from fundaudit.numbers import Written
from fundaudit.units import parse_unit
from fundaudit.yamlnodes import Limits
from tests.test_loader_canonical import LONG, MUTATIONS, QUICK, ROOT, _dump, _mutate, _outcome, part_texts

DISPLAY, DOC, SOURCE = "data/p.yaml", "d", "d.txt"


def _composed(data: bytes) -> tuple[Any, Any] | None:
    """The programs and figures the usual composer and readers make of ``data``; None: an error in it."""
    ctx = _Ctx(Limits())
    root = _compose(ctx, data, DISPLAY)
    if not isinstance(root, yaml.MappingNode):
        return None
    part = read_part(ctx, DISPLAY, root, DOC, SOURCE)
    if ctx.errors:
        return None
    return _dump(part.programs), _dump(tuple(ctx.figures))


def _sent(tmp: Path, data: bytes) -> Any:
    """What a worker sends for ``data`` (pickled and unpickled, as the pool passes it), made into a part."""
    path = tmp / "p.yaml"
    path.write_bytes(data)
    made = parallel._build(0, str(path), DISPLAY, DOC, SOURCE, Limits(), "en")
    assert made is not None and made[0] == cache.key(data, DISPLAY, DOC, SOURCE, Limits())
    if made[1] is None:
        return None
    part = cache.decode(pickle.loads(pickle.dumps(made[1], pickle.HIGHEST_PROTOCOL)), DISPLAY, SOURCE)
    assert part is not None  # what a worker encodes always decodes
    return _dump(part.programs), _dump(part.figures)


def _same(tmp: Path, text: str) -> bool:
    """True when the worker sent a part for ``text``; then it must be the composer's."""
    data = text.encode("utf-8", "surrogatepass")
    sent = _sent(tmp, data)
    if sent is None:
        return False
    assert sent == _composed(data), text
    return True


@QUICK
@given(part_texts(), MUTATIONS)
def test_a_worker_sends_the_composers_part_or_nothing(
    tmp_path_factory: pytest.TempPathFactory, text: str, mutations: list[tuple[str, int, Any]]
) -> None:
    _same(tmp_path_factory.mktemp("w"), _mutate(text, mutations))


@LONG
@pytest.mark.fuzz
@given(part_texts(), MUTATIONS)
def test_a_worker_sends_the_composers_part_or_nothing_long(
    tmp_path_factory: pytest.TempPathFactory, text: str, mutations: list[tuple[str, int, Any]]
) -> None:
    _same(tmp_path_factory.mktemp("w"), _mutate(text, mutations))


def test_a_worker_sends_canonical_files(tmp_path: Path) -> None:
    """Not vacuous: the fixture in the layout fmt writes (every element the loader reads) is sent and equal."""
    text = (ROOT / "tests" / "fixtures" / "canonical-part.yaml").read_text(encoding="utf-8")
    assert _same(tmp_path, text)
    assert not _same(tmp_path, text.replace("万元 @1", "万元 @0", 1))  # an error: nothing sent, read again


def test_a_part_one_line_off_is_told_apart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Not vacuous: a decoder that puts one row on another line fails the comparison."""
    text = (ROOT / "tests" / "fixtures" / "canonical-part.yaml").read_text(encoding="utf-8")
    real = adopt.Batch.make

    def off_by_one(self: adopt.Batch[Any], values: tuple[Any, ...]) -> Any:
        if self.cls is Row and values[-1].line > 1:
            values = (*values[:-1], Loc(values[-1].file, values[-1].line - 1))
        return real(self, values)

    monkeypatch.setattr(adopt.Batch, "make", off_by_one)
    with pytest.raises(AssertionError):
        _same(tmp_path, text)


# --- adopt: the objects are those the classes' own __init__ makes


def _fields(x: Any) -> tuple[Any, ...]:
    return tuple(getattr(x, f.name) for f in dataclasses.fields(x))


def test_columns_make_the_objects_init_makes() -> None:
    unit = parse_unit("万元")
    at = Loc("a.yaml", 3)
    refs = ["d::p:total", "d::p:中央", "d::p/i1:total"]
    made = adopt.columns(
        Figure,
        3,
        {
            "ref": refs,
            "label": ["total", "中央", "total"],
            "value": adopt.columns(Written, 3, {"coefficient": [1, 20, 300], "exponent": -2}),
            "unit": unit,
            "source": [at, at, Loc("d.txt", 9)],
            "yaml": at,
            "bound": [None, "min", None],
            "note": None,
            "drafted": None,
        },
    )
    expected = [
        Figure("d::p:total", "total", Written(1, -2), unit, at, at),
        Figure("d::p:中央", "中央", Written(20, -2), unit, at, at, "min"),
        Figure("d::p/i1:total", "total", Written(300, -2), unit, Loc("d.txt", 9), at),
    ]
    assert [_fields(f) for f in made] == [_fields(f) for f in expected]
    assert made[0].value == Written(1, -2) and hash(made[0].value) == hash(Written(1, -2))
    with pytest.raises(dataclasses.FrozenInstanceError):
        made[0].ref = "x"  # type: ignore[misc]


def test_a_batch_fills_nested_objects_in_order() -> None:
    """Objects made inside another's fields (sub-splits, items) are made first; each gets its own row."""
    at = Loc("a.yaml", 1)
    splits = adopt.Batch(SplitEntry)
    inner = splits.make(("国家", None, (), False, at, None))
    outer = splits.make(("中央", None, (inner,), True, at, "提前下达"))
    splits.fill()
    assert _fields(inner) == _fields(SplitEntry("国家", None, (), False, at))
    assert _fields(outer) == _fields(SplitEntry("中央", None, (inner,), True, at, "提前下达"))
    assert splits.objects == [] and splits.rows == []


def test_only_plain_frozen_slotted_dataclasses_are_batched() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class Checked:
        x: int

        def __post_init__(self) -> None:
            raise ValueError

    @dataclasses.dataclass(frozen=True)
    class NoSlots:
        x: int

    @dataclasses.dataclass(slots=True)
    class Mutable:
        x: int

    for cls in (Checked, NoSlots, Mutable, Node.__mro__[-1]):
        with pytest.raises(TypeError):
            adopt.Batch(cls)
    with pytest.raises(ValueError):
        adopt.columns(Written, 2, {"coefficient": [1], "exponent": 0})  # one value short
    with pytest.raises(ValueError):
        adopt.columns(Written, 1, {"coefficient": [1]})  # a field left out
    batch = adopt.Batch(Written)
    batch.objects.append(object.__new__(Written))
    batch.rows.append((1,))
    with pytest.raises(ValueError):
        batch.fill()  # a row that does not fit its class


# --- workers that fail


def _set(tmp: Path) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    try:
        import yamlset
    finally:
        sys.path.remove(str(ROOT / "benchmarks"))
    return Path(yamlset.write(6000, tmp / "set", 6))


@pytest.mark.filterwarnings("error::pytest.PytestUnhandledThreadExceptionWarning")  # the pool's thread failing
@pytest.mark.parametrize("cache_on", [False, True])
def test_a_killed_worker_changes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, cache_on: bool) -> None:
    """A worker killed while it reads: its files are read here; the model is the same, no traceback."""
    entry = _set(tmp_path)
    monkeypatch.setenv("FUNDAUDIT_CACHE", "on" if cache_on else "off")
    monkeypatch.setenv("FUNDAUDIT_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("FUNDAUDIT_JOBS", "1")
    alone = _outcome(entry)
    shutil.rmtree(tmp_path / "cache", ignore_errors=True)
    monkeypatch.setenv("FUNDAUDIT_JOBS", "2")
    monkeypatch.setattr(parallel, "PARALLEL", 0)
    killed: list[int] = []
    stop = threading.Event()

    def killer() -> None:
        while not stop.is_set() and not killed:
            for child in multiprocessing.active_children():
                os.kill(child.pid or 0, signal.SIGKILL)
                killed.append(child.pid or 0)
            time.sleep(0.005)

    thread = threading.Thread(target=killer)
    thread.start()
    try:
        got = _outcome(entry)
    finally:
        stop.set()
        thread.join()
    assert killed  # a worker was killed
    assert got == alone
