"""Where a batch's rows are made: in this process, or in a pool of local worker processes.

The pool's workers are forked from the batch process after it has warmed up (library,
layouts, fonts, templates and shared paragraphs loaded), so each starts ready instead of
importing and loading everything again (~0.5 s a worker with spawn or forkserver).
Forking is only safe while no other thread runs (a thread holding a lock at fork time
leaves that lock held forever in the child; Python 3.12+ warns): when another thread is
alive, or the platform cannot fork, the pool starts its workers with forkserver or spawn
instead and each worker loads what it needs itself.

A runner takes rows in chunks and hands back, per chunk, a way to wait for its results;
`run_rows` keeps the results in row order and bounds how many chunks are in flight, for
these runners and for the Dask one (generator.batch.on_dask).
"""

from __future__ import annotations

import contextlib
import gc
import multiprocessing
import os
import signal
import sqlite3
import tempfile
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing.context import BaseContext
from pathlib import Path
from typing import TYPE_CHECKING

from generator.batch.worker_life import die_with_parent

if TYPE_CHECKING:
    from generator.batch.rows import BatchRow
    from generator.batch.run import BatchSettings, RowMaker, RowResult

Waiter = Callable[[], "list[RowResult]"]
"""Waits for one chunk's results, in the chunk's row order."""


@dataclass(frozen=True)
class Runner:
    """How rows are sent out: `chunk` rows per task, at most `window` tasks in flight."""

    submit: Callable[[list[BatchRow]], Waiter]
    chunk: int
    window: int


def start_context() -> BaseContext:
    """fork when it is safe (no other thread alive), else forkserver or spawn.

    Before forking, every object made so far (the warm library, layouts, fonts, caches) is frozen out
    of the cyclic garbage collector (gc.freeze): the workers' collections then walk only what their
    builds make (a full collection no longer walks the whole warm heap), and leave the inherited
    pages shared instead of copying them."""
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        gc.freeze()
        return multiprocessing.get_context("fork")
    return fresh_context()


def fresh_context() -> BaseContext:
    """forkserver, else spawn: workers that inherit nothing from this process (no open sockets)."""
    return multiprocessing.get_context(
        "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"
    )


@contextlib.contextmanager
def inline_runner(maker: RowMaker) -> Iterator[Runner]:
    """Rows made one by one in this process."""

    def submit(rows: list[BatchRow]) -> Waiter:
        return lambda: [maker.make(row) for row in rows]

    yield Runner(submit, chunk=1, window=1)


POOL_CHUNK_ROWS = 4
"""Rows per task for local workers: each task costs the batch process about a millisecond of its own
(pickling, three threads passing it on), which on a machine whose every core runs a worker comes
out of the workers' time."""

_maker: RowMaker | None = None
"""The worker's row maker: inherited, warm, from the batch process when forked; else made by `_start_worker`."""


def _start_worker(settings: BatchSettings, batch_pid: int) -> None:
    """Worker processes leave Ctrl-C and kill to the parent, which stops them between rows; they die with it."""
    global _maker
    die_with_parent(batch_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if _maker is None:
        from generator.batch.run import RowMaker

        _maker = RowMaker(settings)


def _make_in_worker(rows: list[BatchRow]) -> list[RowResult]:
    assert _maker is not None
    return [_maker.make(row) for row in rows]


@contextlib.contextmanager
def pool_runner(maker: RowMaker, jobs: int) -> Iterator[Runner]:
    """Rows made by `jobs` worker processes, forked from this warm process when that is safe."""
    global _maker
    context = start_context()
    _maker = maker if context.get_start_method() == "fork" else None
    pool = ProcessPoolExecutor(
        jobs, mp_context=context, initializer=_start_worker, initargs=(maker.settings, os.getpid())
    )

    def submit(rows: list[BatchRow]) -> Waiter:
        future = pool.submit(_make_in_worker, rows)
        return future.result

    try:
        yield Runner(submit, chunk=POOL_CHUNK_ROWS, window=jobs * 3)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    finally:
        _maker = None
    pool.shutdown(wait=True)


class NameSet:
    """The output names a batch has used, kept in a temporary SQLite file so memory stays flat
    (a set in memory would grow by ~9 MiB per 100,000 rows); no journal and no syncing: it lives
    only as long as the batch."""

    def __init__(self) -> None:
        self._folder = tempfile.TemporaryDirectory(prefix="handout-names-")
        self._db = sqlite3.connect(Path(self._folder.name) / "names.db", isolation_level=None)
        self._db.executescript(
            "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; CREATE TABLE names (name TEXT PRIMARY KEY) WITHOUT ROWID"
        )

    def add(self, name: str) -> bool:
        """Add `name`; False when it was already there."""
        return self._db.execute("INSERT OR IGNORE INTO names VALUES (?)", (name,)).rowcount == 1

    def __enter__(self) -> NameSet:
        return self

    def __exit__(self, *exc: object) -> None:
        self._db.close()
        self._folder.cleanup()


def run_rows(
    rows: Iterator[BatchRow], settings: BatchSettings, jobs: int, scheduler: str | None = None
) -> Iterator[RowResult]:
    """Results in row order; only a few chunks of rows are in flight at a time, so memory stays flat.

    Rows go to a Dask cluster when `scheduler` is given, else to `jobs` local worker
    processes (forked after warming up here), else are made in this process.
    """
    from generator.batch.run import failed, output_name
    from generator.errors import InputError

    seen = NameSet()

    def claimed(row: BatchRow) -> RowResult | None:
        try:
            name = output_name(row)
        except InputError as exc:
            return failed(row, str(exc))
        return None if seen.add(name) else failed(row, "id: used by an earlier row")

    with seen, _runner(settings, jobs, scheduler) as runner:
        pending: deque[Waiter | RowResult] = deque()
        chunk: list[BatchRow] = []

        def flush() -> None:
            if chunk:
                pending.append(runner.submit(chunk.copy()))
                chunk.clear()

        for row in rows:
            refused = claimed(row)
            if refused is None:
                chunk.append(row)
                if len(chunk) >= runner.chunk:
                    flush()
            else:
                flush()  # keep row order: the rows before it go first
                pending.append(refused)
            while len(pending) >= runner.window:
                yield from _results(pending.popleft())
        flush()
        while pending:
            yield from _results(pending.popleft())


def _runner(settings: BatchSettings, jobs: int, scheduler: str | None) -> contextlib.AbstractContextManager[Runner]:
    if scheduler:
        from generator.batch.on_dask import dask_runner

        return dask_runner(settings, scheduler)
    from generator.batch.run import RowMaker

    maker = RowMaker(settings)
    if jobs <= 1:
        return inline_runner(maker)
    maker.warm_up()  # once here, so every forked worker starts warm
    return pool_runner(maker, jobs)


def _results(item: Waiter | RowResult) -> list[RowResult]:
    return item() if callable(item) else [item]
