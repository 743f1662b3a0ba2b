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

:class:`Beside` is the other shape: one piece of work (the diagnosis of a single large group)
made in one forked worker *while this process goes on* with work that does not need it yet
(wording the findings up to their diagnoses), its result sent back when asked for.

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

import contextlib
import multiprocessing
import os
import pickle
import select
import signal
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Generic, TypeVar

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


class Beside(Generic[R]):
    """``work()`` made in a worker forked now, while this process goes on (:meth:`result` waits for it).

    The worker sends back its result pickled through a pipe and exits; when it cannot start,
    dies, or ``work`` raises there, :meth:`result` makes it here instead (an exception is then
    raised here, as it would be without a worker). :meth:`close` ends a worker whose result is
    no longer wanted (an error or Ctrl-C in this process): nothing is left running.
    """

    def __init__(self, work: Callable[[], R]) -> None:
        self._work = work
        self._pid = 0
        self._fd = -1
        self._made: list[R] = []
        try:
            read, write = os.pipe()
        except OSError:
            return
        try:
            pid = os.fork()
        except OSError:  # no process to be had: made here when asked for
            os.close(read)
            os.close(write)
            return
        if pid == 0:  # the worker
            code = 1
            try:
                os.close(read)
                _start()
                data = pickle.dumps(work(), protocol=pickle.HIGHEST_PROTOCOL)
                with os.fdopen(write, "wb") as out:
                    out.write(data)
                code = 0
            except BaseException:  # made again in the parent, which reports it
                code = 1
            finally:
                os._exit(code)  # no atexit handler, no buffered output of the parent's written twice
        os.close(write)
        self._pid, self._fd = pid, read

    def done(self) -> bool:
        """Whether :meth:`result` would not wait (the worker has begun sending, or there is none)."""
        if self._made or self._fd < 0:
            return True
        return bool(select.select([self._fd], [], [], 0)[0])

    def result(self) -> R:
        """The work's result: the worker's, or made here when the worker failed (see the class doc)."""
        if self._made:
            return self._made[0]
        data = b""
        if self._fd >= 0:
            chunks: list[bytes] = []
            while block := os.read(self._fd, 1 << 20):
                chunks.append(block)
            data = b"".join(chunks) if self._reap() == 0 else b""  # a worker that failed: made here
        made = pickle.loads(data) if data else self._work()  # our own forked worker's result
        self._made.append(made)
        return made

    def _reap(self) -> int:
        """Close the pipe and wait for the worker; its exit status (0: it sent its result)."""
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1
        if not self._pid:
            return 1
        pid, self._pid = self._pid, 0
        _, status = os.waitpid(pid, 0)
        return os.waitstatus_to_exitcode(status)

    def close(self) -> None:
        """End the worker if it is still at work (its result unread) and wait for it."""
        if self._pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._pid, signal.SIGTERM)
        self._reap()
