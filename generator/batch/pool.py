"""Where a batch's rows are made locally: in this process, or by a pool of worker processes.

The pool's workers (generator.workers.process) are forked from the batch process after it
has warmed up (library, layouts, fonts, templates and shared paragraphs loaded), so each
starts ready instead of importing and loading everything again (~0.5 s a worker); when
forking is not safe (see generator.workers.start) they start fresh and load it themselves.

All of it runs in the batch process's main thread, with no helper threads: a chunk of rows
is written to an idle worker's pipe, and while the batch waits for a chunk's results it
reads the answers the busy workers have (multiprocessing.connection.wait) and gives waiting
chunks to the workers that are free. Workers answer row by row, so the batch always knows
which row a worker is making.

A worker that dies (killed, or by the out-of-memory killer) costs no other row: the rows it
had answered are kept, the row it was making is tried once more (on the next free worker,
usually the fresh one started in its place) and the rest of its chunk is made as usual. A
row whose second worker dies too fails in the manifest, saying so. A worker that cannot be
started is tried again every RESTART_SECONDS; once none is running and START_TRIES starts
in a row have failed, every row not yet made fails, saying why, and the batch ends with a
complete manifest instead of waiting for ever.

A runner takes rows in chunks and hands back, per chunk, a way to wait for its results;
generator.batch.run keeps the results in row order and bounds how many chunks are in
flight, for these runners and for the Dask one (generator.batch.on_dask).
"""

from __future__ import annotations

import contextlib
import functools
import signal
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from multiprocessing.connection import wait

from generator.batch.rowmaker import RowMaker, RowResult, failed
from generator.batch.rows import BatchRow
from generator.workers.process import Worker

Waiter = Callable[[], "list[RowResult]"]
"""Waits for one chunk's results, in the chunk's row order."""


@dataclass(frozen=True)
class Runner:
    """How rows are sent out: `chunk` rows per task, at most `window` tasks in flight."""

    submit: Callable[[list[BatchRow]], Waiter]
    chunk: int
    window: int


@contextlib.contextmanager
def inline_runner(maker: RowMaker) -> Iterator[Runner]:
    """Rows made one by one in this process."""

    def submit(rows: list[BatchRow]) -> Waiter:
        return lambda: [maker.make(row) for row in rows]

    yield Runner(submit, chunk=1, window=1)


POOL_CHUNK_ROWS = 4
"""Rows per task for local workers: fewer tasks means less of the batch process's time spent
passing them on, which on a machine whose every core runs a worker comes out of the workers' time."""
CHUNKS_PER_WORKER = 3
"""Chunks in flight per worker: one being made, the others waiting for the first worker free."""
STOP_SECONDS = 60.0
"""How long stopping the pool waits for the rows under way before killing the workers."""
RESTART_SECONDS = 5.0
"""How long to wait before trying again to start a worker after starting one failed."""
START_TRIES = 3
"""Failed starts in a row, with no worker running, after which the rows not yet made fail."""
DIED_TWICE = "the worker process making this row died twice (killed, or out of memory); not made"


@contextlib.contextmanager
def pool_runner(maker: RowMaker, jobs: int, notify: Callable[[str], None]) -> Iterator[Runner]:
    """Rows made by `jobs` worker processes, forked from this warm process when that is safe.

    `notify` shows a line when a worker dies or cannot be started."""
    pool = _Pool(maker, jobs, notify)
    try:
        yield Runner(pool.submit, chunk=POOL_CHUNK_ROWS, window=jobs * CHUNKS_PER_WORKER)
    finally:
        pool.close()


def _make(maker: RowMaker, row: BatchRow) -> RowResult:
    """A worker's call: make one row (RowMaker.make turns every failure into a failed result)."""
    return maker.make(row)


@dataclass
class _Chunk:
    """Rows submitted together, and their results as they come."""

    rows: list[BatchRow]
    results: dict[int, RowResult] = field(default_factory=dict)
    """Results by place in `rows`."""
    died_once: set[int] = field(default_factory=set)
    """Places of the rows whose worker died making them."""


@dataclass
class _Share:
    """Rows of a chunk not yet made, in order, given to one worker or waiting for one; the first is under way."""

    chunk: _Chunk
    places: deque[int]


class _Pool:
    """Worker processes making rows, driven from this process's main thread."""

    def __init__(self, maker: RowMaker, jobs: int, notify: Callable[[str], None]) -> None:
        self.maker, self.notify = maker, notify
        self.load = functools.partial(RowMaker, maker.settings)
        """How a worker that starts fresh makes its own row maker."""
        self.idle: deque[Worker] = deque()
        self.busy: dict[Worker, _Share] = {}
        self.waiting: deque[_Share] = deque()
        """Rows submitted and not yet given to a worker, oldest first."""
        self.missing = jobs
        """Workers to start: the places of those that died or could not be started."""
        self.next_start = 0.0
        self.failed_starts = 0
        self.broken = ""
        """Why no worker can be started, once that is so: the reason every row not yet made fails with."""
        self._fill(warm=True)

    def submit(self, rows: list[BatchRow]) -> Waiter:
        """Queue a chunk; the answers already in are read first, so a worker that has finished gets it at once."""
        chunk = _Chunk(rows)
        self.waiting.append(_Share(chunk, deque(range(len(rows)))))
        self._pump(0)
        return lambda: self._finish(chunk)

    def _finish(self, chunk: _Chunk) -> list[RowResult]:
        while len(chunk.results) < len(chunk.rows):
            self._pump(None)
        return [chunk.results[place] for place in range(len(chunk.rows))]

    def _pump(self, timeout: float | None) -> None:
        """Start the workers missing (when due) and give waiting rows to idle workers; then read what the busy
        ones answered (waiting at most `timeout` seconds for an answer) and give out the rows that freed."""
        self._fill(warm=False)
        self._dispatch()
        if self.missing and not self.broken:  # wake up to try again
            due = max(self.next_start - time.monotonic(), 0.0)
            timeout = due if timeout is None else min(timeout, due)
        elif not self.busy:  # nothing to wait for: every row given out is answered
            return
        by_pipe = {worker.fileno(): worker for worker in self.busy}
        for pipe in wait(list(by_pipe), timeout):
            self._read(by_pipe[pipe])  # type: ignore[index]  # wait() gives back the descriptors it was given
        self._dispatch()

    def _fill(self, warm: bool) -> None:
        """Start workers in the places missing one, unless a start failed less than RESTART_SECONDS ago."""
        while self.missing and not self.broken and time.monotonic() >= self.next_start:
            try:
                worker = Worker(self.maker, self.load, warm, "handout-batch", (signal.SIGINT, signal.SIGTERM))
            except Exception as exc:  # e.g. no memory for a process (OSError), a forkserver that failed (EOFError)
                self._start_failed(exc)
            else:
                self.missing -= 1
                self.failed_starts = 0
                self.idle.append(worker)

    def _start_failed(self, exc: Exception) -> None:
        self.failed_starts += 1
        self.next_start = time.monotonic() + RESTART_SECONDS
        reason = exc.__class__.__name__
        if self.failed_starts >= START_TRIES and not self.idle and not self.busy:
            self.broken = f"no worker process could be started ({reason}); not made"
        else:
            self.notify(f"could not start a worker process ({reason}); trying again in {RESTART_SECONDS:g} s")

    def _dispatch(self) -> None:
        """Give waiting rows to idle workers, oldest first; fail them all once no worker can be started."""
        while self.waiting and (self.idle or self.broken):
            share = self.waiting.popleft()
            if self.broken:
                for place in share.places:
                    share.chunk.results[place] = failed(share.chunk.rows[place], self.broken)
                continue
            worker = self.idle.popleft()
            try:
                worker.send(_make, [(share.chunk.rows[place],) for place in share.places])
            except OSError:  # it died while idle: nothing ran, so its rows wait for the next worker
                self.waiting.appendleft(share)
                self._lost(worker)
                self.notify(f"a worker process died while idle (exit code {worker.process.exitcode}); started another")
                continue
            self.busy[worker] = share

    def _read(self, worker: Worker) -> None:
        """Take one answer of `worker`: the result of the first row of its share, or the news that it died."""
        share = self.busy[worker]
        try:
            ok, answer = worker.receive()
        except (EOFError, OSError):
            del self.busy[worker]
            self._lost(worker)
            self._died_making(share, worker.process.exitcode)
            return
        place = share.places.popleft()
        row = share.chunk.rows[place]
        share.chunk.results[place] = answer if ok else failed(row, f"internal error ({answer.__class__.__name__})")
        if not share.places:
            del self.busy[worker]
            self.idle.append(worker)

    def _died_making(self, share: _Share, exit_code: int | None) -> None:
        """The worker making the first row of `share` died: try that row once more, unless it was the second."""
        chunk, place = share.chunk, share.places[0]
        row = chunk.rows[place]
        if place in chunk.died_once:
            share.places.popleft()
            chunk.results[place] = failed(row, DIED_TWICE)
        else:
            chunk.died_once.add(place)
            self.notify(
                f"{row.where}: the worker process making this row died (exit code {exit_code}); "
                "the row is tried once more"
            )
        if share.places:
            self.waiting.appendleft(share)

    def _lost(self, worker: Worker) -> None:
        """`worker` is dead (it closed its end of the pipe): end it for good and start another in its place."""
        worker.kill()
        self.missing += 1
        self._fill(warm=False)

    def close(self) -> None:
        """Stop the workers after the rows under way (killed if not ended within STOP_SECONDS)."""
        workers = [*self.idle, *self.busy]
        try:
            for worker in workers:
                worker.ask_to_stop()
            deadline = time.monotonic() + STOP_SECONDS
            for worker in workers:
                worker.wait(deadline)
        finally:
            for worker in workers:
                worker.kill()  # any a second Ctrl-C left running
