"""Independent pieces of a large run's work shared among forked worker processes, in order.

The diagnosis of a large audit's groups (:mod:`fundaudit.columnar.diagnoses`) and the wording of
its findings a chunk at a time (:func:`fundaudit.report.pieces.joined`) are each a list of
independent pieces whose results are used in order. :func:`ordered` gives them in that order,
made in worker processes *forked* from this one once everything they read (the columns, the
verdicts, the diagnoses) is made: a worker is sent a piece's small argument (rows), finds the
rest in the memory it was forked with, and sends back its result (bytes, text). Nothing is
pickled but the arguments and the results, and nothing of the caller's main module runs again.

At most ``2 × processes`` pieces are in flight, so the results waiting to be used are a few
pieces' worth, never all. The results are the same, in the same order, whatever the number of
processes: each piece's work depends on nothing but its argument and what was made before the
fork. A worker ignores Ctrl-C (the command's own process handles it) and dies quietly on
SIGTERM; when the workers cannot start or one dies, the pieces left are made in this process.

How many processes (:func:`processes`): ``$FUNDAUDIT_JOBS=N`` asks for N (at most the cores
this process may use; 1: none); without it, the command line uses every core it may, at most
:data:`DEFAULT` (each worker's own memory adds to the main process's), and a library caller
none (a notebook's threads and a fork do not mix). Every core, not only the idle ones: a
worker sent nothing but rows costs almost nothing when it has to share its core (heavy 10^6
on 2 cores, the other kept busy: 27.15 s with two processes, 27.16 s with one; both idle:
18.3 s against 27.2 s). On Linux only (``fork`` is unsafe on macOS and absent on Windows);
elsewhere everything runs in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

A = TypeVar("A")
R = TypeVar("R")

DEFAULT = 4  # processes at most without $FUNDAUDIT_JOBS: each worker adds its own memory (~120 MB at 10^6)
_WORK: list[Callable[[Any], Any]] = []  # the work of the pool being forked (read by the workers)
_IN_WORKER: list[bool] = []  # set in a worker: its own work is never shared out again


def processes(pieces: int, least: int = 2) -> int:
    """The processes to share ``pieces`` pieces of work among (1: this one only).

    ``least``: fewer pieces than this are not worth a worker's start."""
    if _IN_WORKER or pieces < least or not sys.platform.startswith("linux"):
        return 1
    from fundaudit.columnar.group import workers_allowed

    text = os.environ.get("FUNDAUDIT_JOBS", "")
    if not text and not workers_allowed():
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    wanted = (int(text) if text.isdigit() and 0 < len(text) < 4 else 1) if text else DEFAULT
    return max(1, min(wanted, cores, pieces))


def ordered(work: Callable[[A], R], args: Iterable[A], processes: int) -> Iterator[R]:
    """``work(arg)`` for each of ``args``, in order; in ``processes`` forked workers when more than one.

    ``work`` runs in a worker as it would here (forked: it sees what this process had made);
    an exception it raises is raised here, as it would be without workers."""
    it = iter(args)
    if processes <= 1:
        yield from map(work, it)
        return
    flight: deque[tuple[A, Future[R]]] = deque()
    unsent: list[A] = []  # taken from args, not yet in flight: made here if the pool breaks meanwhile
    pool: ProcessPoolExecutor | None = None
    try:
        _WORK[:] = [work]
        pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"), initializer=_start)
        for arg in it:
            unsent[:] = [arg]
            flight.append((arg, pool.submit(_call, arg)))  # a broken pool refuses it here
            unsent.clear()
            if len(flight) >= 2 * processes:
                yield flight[0][1].result()
                flight.popleft()
        while flight:
            yield flight[0][1].result()
            flight.popleft()
        return
    except (OSError, BrokenProcessPool):  # no workers, or one died: the rest is made here
        pass
    finally:
        _WORK[:] = []
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
    for arg, _future in flight:
        yield work(arg)
    yield from map(work, unsent)
    yield from map(work, it)


def _start() -> None:
    """A worker's start: Ctrl-C is the command's to handle; SIGTERM and SIGHUP end it at once."""
    _IN_WORKER[:] = [True]
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, signal.SIG_DFL)


def _call(arg: Any) -> Any:
    return _WORK[0](arg)
