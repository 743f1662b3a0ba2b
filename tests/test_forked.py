"""Work shared among forked workers (fundaudit.forked): the same results in the same order as in
one process, for the pieces themselves, the diagnosis of a large audit and its JSON; a worker
that dies or raises, and a reader that stops early."""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from fundaudit import forked, i18n, runner
from fundaudit.columnar import diagnoses, group
from fundaudit.columnar import read as reading
from fundaudit.report import csvout, github, jsonout, junit, pieces, sarif, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import heavy  # noqa: E402

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")


def _square(x: int) -> tuple[int, int]:
    return x * x, os.getpid()


def test_results_come_in_order_from_workers() -> None:
    got = list(forked.ordered(_square, range(40), 2))
    assert [v for v, _pid in got] == [x * x for x in range(40)]
    assert {pid for _v, pid in got} - {os.getpid()}  # made in workers
    assert multiprocessing.active_children() == []  # and they are gone


def test_one_process_makes_them_here() -> None:
    got = list(forked.ordered(_square, range(5), 1))
    assert got == [(x * x, os.getpid()) for x in range(5)]


def _dies_at_seven(x: int) -> int:
    if x == 7 and forked._IN_WORKER:
        os._exit(3)  # killed, as by the OOM killer
    return x + 1


def test_pieces_of_a_worker_that_died_are_made_here() -> None:
    assert list(forked.ordered(_dies_at_seven, range(30), 2)) == list(range(1, 31))
    assert multiprocessing.active_children() == []


def _raises_at_three(x: int) -> int:
    if x == 3:
        raise ValueError(f"bad piece {x}")
    return x


def test_an_exception_in_a_worker_is_raised_here() -> None:
    got = []
    with pytest.raises(ValueError, match="bad piece 3"):
        for x in forked.ordered(_raises_at_three, range(20), 2):
            got.append(x)
    assert got == [0, 1, 2]
    assert multiprocessing.active_children() == []


def test_a_reader_that_stops_early_leaves_no_worker() -> None:
    it = forked.ordered(_square, range(1000), 2)
    assert next(it)[0] == 0
    it.close()
    assert multiprocessing.active_children() == []


def test_a_few_pieces_in_flight() -> None:
    """At most two pieces a worker are taken before the first result is given: the results
    waiting to be written are a few pieces' worth, however many there are."""
    taken = []

    def pieces() -> Iterator[int]:
        for x in range(1000):
            taken.append(x)
            yield x

    it = forked.ordered(_square, pieces(), 2)
    next(it)
    assert len(taken) <= 2 * 2 + 1
    it.close()


def test_how_many_processes(monkeypatch: pytest.MonkeyPatch) -> None:
    """One per core for the command line, N for $FUNDAUDIT_JOBS=N (at most the cores), none for
    a library caller who did not ask, for few pieces, or inside a worker."""
    cores = len(os.sched_getaffinity(0))
    monkeypatch.delenv("FUNDAUDIT_JOBS", raising=False)
    monkeypatch.setattr(group, "_ALLOWED", [])
    assert forked.processes(100) == 1  # a library caller
    monkeypatch.setattr(group, "_ALLOWED", [True])
    assert forked.processes(100) == min(cores, forked.DEFAULT)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(64)))  # a large machine
    assert forked.processes(100) == forked.DEFAULT
    monkeypatch.setenv("FUNDAUDIT_JOBS", "16")
    assert forked.processes(100) == 16
    monkeypatch.undo()
    monkeypatch.delenv("FUNDAUDIT_JOBS", raising=False)
    monkeypatch.setattr(group, "_ALLOWED", [True])
    assert forked.processes(1) == 1  # too few pieces
    assert forked.processes(3, least=4) == 1
    for asked, want in (("2", min(2, cores)), ("1", 1), ("abc", 1), ("0", 1), ("99999", 1), ("-2", 1)):
        monkeypatch.setenv("FUNDAUDIT_JOBS", asked)
        assert forked.processes(100) == want, asked
    monkeypatch.setenv("FUNDAUDIT_JOBS", "2")
    monkeypatch.setattr(forked, "_IN_WORKER", [True])
    assert forked.processes(100) == 1
    monkeypatch.setattr(forked, "_IN_WORKER", [])
    monkeypatch.setattr(sys, "platform", "darwin")
    assert forked.processes(100) == 1


@pytest.fixture(scope="module")
def heavy_tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("heavy")
    heavy.write(heavy.generate(9_000, seed=11), out)  # two YAML files: two groups at least
    return out


def _counting(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The process counts forked.ordered is called with, from now on."""
    calls: list[int] = []
    ordered = forked.ordered

    def counted(work, args, processes):  # type: ignore[no-untyped-def]
        calls.append(processes)
        return ordered(work, args, processes)

    monkeypatch.setattr(forked, "ordered", counted)
    return calls


def test_workers_give_the_diagnoses_of_one_process(heavy_tables: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runner, "SMALL", 1)
    monkeypatch.setattr(diagnoses, "CHUNK", 64)  # many batches of groups
    monkeypatch.setattr(diagnoses, "_FORK_BATCHES", 1)
    monkeypatch.setattr(diagnoses, "JOINED", 1)  # each group a pass of its own
    calls = _counting(monkeypatch)
    columns = reading.read(heavy_tables)
    rows = range(len(columns.relations))
    found = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv("FUNDAUDIT_JOBS", jobs)
        audit = runner.judge(columns)
        with i18n.using("zh"):  # not the environment's language: the workers are forked in this one
            found[jobs] = {k: repr(d) for k, d in audit.bulk.found(rows).items()}
        assert len(audit.bulk.where) > 1
    assert calls == [min(2, len(os.sched_getaffinity(0)))]
    assert found["2"] == found["1"]
    assert any("不符" in d or "更正" in d or "，" in d for d in found["1"].values())  # in Chinese


WRITERS = {
    "json": lambda a: jsonout.render(a, False),
    "json-all": lambda a: jsonout.render(a, True),
    "jsonl": lambda a: "".join(t + "\n" for t in pieces.joined(a, False, "\n")),
    "text": lambda a: text.render(a, False),
    "text-all": lambda a: text.render(a, True),
    "github": lambda a: github.render(a, False),
    "sarif": lambda a: sarif.render(a, False),
    "junit": lambda a: junit.render(a, False),
    "csv": lambda a: csvout.render(a),
}


@pytest.mark.parametrize("spill", [False, True])
def test_workers_write_every_format_as_one_process(
    heavy_tables: Path, monkeypatch: pytest.MonkeyPatch, spill: bool
) -> None:
    """Every format, worded a chunk at a time in workers: the same bytes, in both languages; the
    diagnoses the workers read from the spool in memory, or on disk (shared with the workers)."""
    monkeypatch.setattr(runner, "SMALL", 1)
    monkeypatch.setattr(runner, "CHUNK", 100)  # many chunks
    monkeypatch.setattr(pieces, "_FORK_CHUNKS", 1)
    if spill:
        monkeypatch.setattr(diagnoses, "_SPOOL", 1)
    calls = _counting(monkeypatch)
    columns = reading.read(heavy_tables)
    out: dict[str, dict[str, str]] = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv("FUNDAUDIT_JOBS", jobs)
        audit = runner.judge(columns)
        for lang in ("zh", "en"):
            with i18n.using(lang):
                for name, write in WRITERS.items():
                    out.setdefault(jobs, {})[f"{name}-{lang}"] = write(audit)
        if spill and audit.bulk.spool is not None:
            assert getattr(audit.bulk.spool, "_rolled", False)
    assert calls.count(2) >= len(WRITERS) * 2 or len(os.sched_getaffinity(0)) < 2
    for name, made in out["1"].items():
        assert out["2"][name] == made, name
    assert out["1"]["json-zh"].count('"id": ') > 1000
    assert "根因" in out["1"]["text-zh"] or "个根" in out["1"]["text-zh"]


def test_the_spool_is_closed_with_its_diagnoses(heavy_tables: Path) -> None:
    """The diagnoses' spool was never closed: ``python -X dev`` said "ResourceWarning: Unclosed
    file <tempfile.SpooledTemporaryFile ...>" at the exit of every large check (output right)."""
    import gc

    import numpy as np

    from fundaudit.columnar.numpy_engine import verdicts
    from fundaudit.findings import FAILING, VERDICT_CODE
    from fundaudit.tolerance import DEFAULT

    columns = reading.read(heavy_tables)
    rows = np.flatnonzero(np.isin(verdicts(columns, DEFAULT), [VERDICT_CODE[v] for v in FAILING]))
    made = diagnoses.diagnose_groups(columns, rows, DEFAULT)
    spool = made.spool
    assert spool is not None and not spool.closed and made.found(rows[:5].tolist())
    del made
    gc.collect()
    assert spool.closed


def test_a_piece_the_broken_pool_refused_is_made_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker died while more pieces were being sent: the next ``submit`` raised BrokenProcessPool
    and the piece it was given was lost (one in four runs of the test above: [..., 9, 11, ...])."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    real = ProcessPoolExecutor.submit
    sent: list[int] = []

    def submit(self: ProcessPoolExecutor, fn: object, arg: int) -> object:
        if len(sent) == 5:
            raise BrokenProcessPool("a worker died")
        sent.append(arg)
        return real(self, fn, arg)  # type: ignore[arg-type]

    monkeypatch.setattr(ProcessPoolExecutor, "submit", submit)
    assert list(forked.ordered(_dies_at_seven, range(30), 2)) == list(range(1, 31))
    assert multiprocessing.active_children() == []
