"""The diagnosis made in a worker beside the wording (fundaudit.forked.Beside,
fundaudit.columnar.diagnoses.Beside, pieces.per_chunk): the same bytes in every format as
when it is made first in this process; a worker that fails, dies or is no longer wanted."""

from __future__ import annotations

import os
import signal
import sys
import time
from pathlib import Path

import pytest

from fundaudit import forked, i18n, runner
from fundaudit.columnar import diagnoses
from fundaudit.columnar import read as reading
from fundaudit.report import csvout, github, jsonout, junit, pieces, sarif, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import synth  # noqa: E402

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux only")


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def test_the_result_is_made_in_another_process() -> None:
    here = os.getpid()
    made = forked.Beside(lambda: (os.getpid(), [1, 2, 3]))
    pid = made._pid
    assert pid and pid != here
    assert made.result() == (pid, [1, 2, 3])
    assert made.result() == (pid, [1, 2, 3])  # read once, kept
    assert made.done() and _gone(pid)


def test_a_worker_that_dies_or_raises_has_its_work_made_here() -> None:
    here = os.getpid()

    def dies() -> int:
        if os.getpid() != here:
            os.kill(os.getpid(), signal.SIGKILL)
        return os.getpid()

    assert forked.Beside(dies).result() == here

    def raises() -> int:
        raise ValueError(f"raised in {os.getpid()}")

    with pytest.raises(ValueError, match=f"raised in {here}$"):  # raised here, as without a worker
        forked.Beside(raises).result()


def test_a_worker_no_longer_wanted_is_ended() -> None:
    made = forked.Beside(lambda: time.sleep(60))
    pid = made._pid
    assert not made.done()
    start = time.monotonic()
    made.close()
    assert time.monotonic() - start < 10 and _gone(pid)


def test_without_a_fork_the_work_is_made_here(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_fork() -> int:
        raise OSError("no process")

    monkeypatch.setattr(os, "fork", no_fork)
    made = forked.Beside(os.getpid)
    assert made.done() and made.result() == os.getpid()


@pytest.fixture(scope="module")
def budget_tables(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("budget")
    synth.write_tables(synth.generate(8_000), out, "budget.yaml")  # one YAML file: one group
    return out


WRITERS = {
    "json": lambda a: jsonout.render(a, False),
    "json-all": lambda a: jsonout.render(a, True),
    "jsonl": lambda a: "".join(t + "\n" for t in pieces.joined(a, False, "\n")),
    "text": lambda a: text.render(a, False),
    "github": lambda a: github.render(a, False),
    "sarif": lambda a: sarif.render(a, False),
    "junit": lambda a: junit.render(a, False),
    "csv": lambda a: csvout.render(a),
}


def _spied(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pids of the workers diagnosing beside, from now on."""
    pids: list[int] = []
    real = forked.Beside.__init__

    def init(self, work):  # type: ignore[no-untyped-def]
        real(self, work)
        pids.append(self._pid)

    monkeypatch.setattr(forked.Beside, "__init__", init)
    return pids


@pytest.mark.parametrize("ahead", [1, 100])
def test_every_format_is_the_same_with_the_diagnosis_beside(
    budget_tables: Path, monkeypatch: pytest.MonkeyPatch, ahead: int
) -> None:
    """A few chunks prepared ahead and the rest worded in workers after (ahead=1: every format),
    or every chunk prepared while the worker diagnoses (100): the bytes of one process, in both
    languages."""
    monkeypatch.setattr(runner, "SMALL", 1)
    monkeypatch.setattr(runner, "CHUNK", 10)  # many chunks
    monkeypatch.setattr(pieces, "_FORK_CHUNKS", 2)
    monkeypatch.setattr(pieces, "_AHEAD", ahead)
    monkeypatch.setattr(diagnoses, "BESIDE", 1)
    if ahead > 1:  # the diagnosis never seen done before every chunk is prepared
        monkeypatch.setattr(forked.Beside, "done", lambda self: False)
    pids = _spied(monkeypatch)
    columns = reading.read(budget_tables)
    out: dict[str, dict[str, str]] = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv("FUNDAUDIT_JOBS", jobs)
        for lang in ("zh", "en"):
            with i18n.using(lang):
                for name, write in WRITERS.items():
                    if (lang == "en" or ahead > 1) and name not in ("json", "jsonl", "text"):
                        continue
                    audit = runner.judge(columns)  # each writer its own audit: none diagnosed yet
                    out.setdefault(jobs, {})[f"{name}-{lang}"] = write(audit)
        if jobs == "1":
            assert pids == []
    assert len(pids) >= 3 or len(os.sched_getaffinity(0)) < 2  # json and jsonl at least
    assert all(_gone(pid) for pid in pids)
    for name, made in out["1"].items():
        assert out["2"][name] == made, name
    assert out["1"]["json-en"].count('"diagnosis": ') > 10


def test_an_interrupted_wording_ends_the_worker(budget_tables: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while the first chunks are worded: the worker diagnosing beside is ended with it."""
    monkeypatch.setattr(runner, "SMALL", 1)
    monkeypatch.setattr(runner, "CHUNK", 10)
    monkeypatch.setattr(diagnoses, "BESIDE", 1)
    monkeypatch.setenv("FUNDAUDIT_JOBS", "2")
    pids = _spied(monkeypatch)
    real = pieces._Chunk.prepare
    calls: list[int] = []

    def prepare(self: pieces._Chunk, sep: str | None = None) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise KeyboardInterrupt
        real(self, sep)

    monkeypatch.setattr(pieces._Chunk, "prepare", prepare)
    monkeypatch.setattr(forked.Beside, "done", lambda self: False)  # never done before the interrupt
    audit = runner.judge(reading.read(budget_tables))
    with pytest.raises(KeyboardInterrupt):
        jsonout.render(audit, False)
    if len(os.sched_getaffinity(0)) >= 2:
        assert len(pids) == 1 and _gone(pids[0])
    assert "_beside" not in audit.__dict__
