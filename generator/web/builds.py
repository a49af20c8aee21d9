"""Where the web server makes leaflets: a pool of worker processes, with a bounded queue.

The event loop only waits for builds, so light requests (the page, `/api/topics`, the
Infobutton feed) are answered while leaflets are being made. Each worker process has
its own Generator (caches, font registry); workers forked from the warm server process
(no other thread alive then) start ready, otherwise each loads the library itself.
With `workers=0` leaflets are made one at a time on a thread of the server process.

Each worker (generator.workers.process, as the batch's) has a pipe of its own, which the
event loop watches directly: a job is written to an idle worker's pipe, and its answer read
when the pipe becomes readable, in the same callback that writes the worker its next
waiting job. A worker that dies fails only its own request, with BrokenProcessPool, and is
replaced (started fresh: forked from the serving process it would inherit its sockets);
a job given to a worker found dead while idle waits for the next worker. Once serving (`watch`),
the event loop also watches each worker's process, so one that dies while idle is replaced at once.

At most `workers + queue` builds are accepted at once (made or waiting); past that a
request is refused at once with `BusyError`, which the routes answer with 503 and a
Retry-After estimated from how long builds take, instead of queueing for minutes.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import math
import signal
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from fastapi.responses import JSONResponse, Response

from generator.content.approvals import ContentRules
from generator.errors import VerifyError
from generator.pipeline import Generator
from generator.web.monitoring import Metrics
from generator.web.replies import message_reply
from generator.workers.process import Job, Worker

T = TypeVar("T")

BUSY_MESSAGE = "the server is busy making other leaflets; try again shortly"
LOG = logging.getLogger("generator.web.builds")
STOP_SECONDS = 60.0
"""How long closing the pool waits for the workers to finish the builds under way before killing them."""
RESTART_SECONDS = 5
"""How long to wait before trying again to start a worker after starting one failed."""


class BusyError(Exception):
    """Every worker is busy and the queue is full; try again after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"busy: try again in {retry_after} s")
        self.retry_after = retry_after


def busy(exc: BusyError) -> JSONResponse:
    """The API's answer when the queue is full: 503 with Retry-After."""
    headers = {"Retry-After": str(exc.retry_after)}
    return message_reply(BUSY_MESSAGE, 503, headers)


def refused_at_once(pool: BuildPool, reply: Callable[[BusyError], Response] = busy) -> Response | None:
    """The 503 answer (`reply`, by default `busy`) if a build would be refused now. Routes ask before
    reading the body: under overload most requests are refusals, and each one's cost comes out of the
    workers' CPU."""
    return reply(BusyError(pool.retry_after())) if pool.full() else None


def _load_generator(library: Path, layouts: Path, content: ContentRules) -> Generator:
    """A fresh worker's generator, held to the server's content rules."""
    from generator.content.library import Library
    from generator.layouts import LayoutLibrary

    return Generator(Library(library), LayoutLibrary(layouts), content)


class _Worker(Worker):
    """A build worker: its state is a Generator, and it leaves Ctrl-C to the server, which stops it.

    With `warm`, it is forked from this process when that is safe (see start_context); else, and for
    every replacement (forked from the serving process it would inherit the listening and client
    sockets), it starts fresh and loads the library itself."""

    def __init__(self, generator: Generator, warm: bool) -> None:
        load = functools.partial(_load_generator, generator.library.root, generator.layouts.root, generator.content)
        super().__init__(generator, load, warm, "handout-build", (signal.SIGINT,))


@dataclass(frozen=True)
class _Task(Generic[T]):
    """A job accepted by the pool and the future its request awaits."""

    job: Job
    args: tuple[Any, ...]
    answer: asyncio.Future[T]


class BuildPool:
    """Runs build jobs off the event loop: in `workers` processes (0: one thread here), at most `queue` waiting."""

    def __init__(self, generator: Generator, workers: int, queue: int, metrics: Metrics | None = None) -> None:
        self.generator, self.workers, self.queue = generator, workers, queue
        self.metrics = Metrics() if metrics is None else metrics
        self.limit = max(workers, 1) + queue
        self.accepted = 0
        """Builds accepted and not yet finished (being made or waiting)."""
        self._seconds = 1.0  # a running average of how long a build takes, for Retry-After
        self._thread = ThreadPoolExecutor(1, thread_name_prefix="handout-build") if workers <= 0 else None
        self._all = [_Worker(generator, warm=True) for _ in range(max(workers, 0))]  # forked now, before serving
        self._idle = deque(self._all)
        """Workers without a job, taken in turn (so one that died while idle is found at its next turn)."""
        self._closed = False
        self._waiting: deque[_Task[Any]] = deque()
        """Jobs accepted and not yet given to a worker, oldest first."""
        self._watching = False
        self.metrics.watch(lambda: len(self._waiting), self.alive)

    def alive(self) -> int:
        """Build workers alive (the server's own build thread counts as one with `workers=0`)."""
        if self._thread is not None:
            return 1
        return sum(worker.process.is_alive() for worker in self._all)

    def watch(self) -> None:
        """From now on (the event loop running), replace a worker as soon as its process ends."""
        self._watching = True
        for worker in self._all:
            self._watch(worker)

    def _watch(self, worker: _Worker) -> None:
        if self._watching:
            asyncio.get_running_loop().add_reader(worker.process.sentinel, self._ended, worker)

    def _ended(self, worker: _Worker) -> None:
        """A worker's process ended: replace it now if idle; a busy one is replaced when its pipe reads as closed."""
        asyncio.get_running_loop().remove_reader(worker.process.sentinel)
        if worker in self._idle and not self._closed:
            self._idle.remove(worker)
            self._replace(worker)

    def retry_after(self) -> int:
        """Seconds until a place is likely free: how long an accepted request has lately taken, start to end."""
        return max(1, math.ceil(self._seconds))

    def full(self) -> bool:
        """Whether a build would be refused now."""
        return self.accepted >= self.limit

    async def run(self, job: Callable[..., T], *args: Any) -> T:
        """`job(generator, *args)` in a worker; raises BusyError when `workers + queue` builds are already accepted.

        Raises BrokenProcessPool when the worker died making it (that worker is replaced)."""
        if self.full():
            raise BusyError(self.retry_after())
        self.accepted += 1
        start = time.monotonic()
        try:
            if self._thread is not None:
                made = await asyncio.wrap_future(self._thread.submit(job, self.generator, *args))
            else:
                answer: asyncio.Future[T] = asyncio.get_running_loop().create_future()
                self._waiting.append(_Task(job, args, answer))
                self._dispatch()
                made = await answer
        except VerifyError:
            self.metrics.verification_failures.inc()
            raise
        finally:
            self.accepted -= 1
            took = time.monotonic() - start
            self._seconds = 0.8 * self._seconds + 0.2 * took
            self.metrics.build_seconds.observe(took)
        self.metrics.made.inc()
        return made

    def _dispatch(self) -> None:
        """Give waiting jobs to idle workers, oldest first (jobs whose request was cancelled are dropped)."""
        while self._idle and self._waiting:
            task = self._waiting.popleft()
            if not task.answer.done():
                self._send(self._idle.popleft(), task)

    def _send(self, worker: _Worker, task: _Task[Any]) -> None:
        """Write the job to the worker's pipe; its answer is read when the event loop sees the pipe readable.

        Called from the callback that reads a worker's answer, so a worker gets its next job at once. The
        worker goes back to the pool only once it has answered, even if the request is cancelled."""
        loop = asyncio.get_running_loop()
        pipe = worker.fileno()

        def answered() -> None:
            loop.remove_reader(pipe)
            died = False
            try:
                done, value = worker.receive()  # blocks at most until the worker's write of it ends
            except (EOFError, OSError):
                died, done = True, False
                value = BrokenProcessPool("a build worker died making this leaflet; it has been replaced")
            except Exception as exc:  # an answer that cannot be unpickled here
                done, value = False, exc
            if not task.answer.done():  # else the request was cancelled
                if done:
                    task.answer.set_result(value)
                else:
                    task.answer.set_exception(value)
            if died:
                self._replace(worker)
            else:
                self._idle.append(worker)
                self._dispatch()

        try:
            worker.send(task.job, [task.args])
        except OSError:  # it died while idle: nothing ran, so the job waits for the next worker
            self._waiting.appendleft(task)
            self._replace(worker)
            return
        except Exception as exc:  # e.g. arguments that cannot be pickled: nothing was written
            self._idle.append(worker)
            task.answer.set_exception(exc)
            return
        loop.add_reader(pipe, answered)

    def _replace(self, dead: _Worker) -> None:
        if self._watching:
            asyncio.get_running_loop().remove_reader(dead.process.sentinel)
        dead.kill()  # it closed its end of the pipe, so it is dead or dying
        self._all.remove(dead)
        self.metrics.worker_restarts.inc()
        LOG.warning("a build worker died (exit code %s); starting another", dead.process.exitcode)
        self._add_worker()

    def _add_worker(self) -> None:
        """Start a worker on a thread (starting the forkserver may take a second), then give it work."""
        if not self._closed:
            loop = asyncio.get_running_loop()
            loop.run_in_executor(None, _Worker, self.generator, False).add_done_callback(self._started)

    def _started(self, starting: asyncio.Future[_Worker]) -> None:
        try:
            worker = starting.result()
        except Exception as exc:  # e.g. no memory to start a process; the requests wait for a worker meanwhile
            LOG.error("could not start a build worker (%s); trying again in %d s", type(exc).__name__, RESTART_SECONDS)
            asyncio.get_running_loop().call_later(RESTART_SECONDS, self._add_worker)
            return
        self._all.append(worker)
        if self._closed:  # it started while the server was stopping
            worker.ask_to_stop()
            worker.wait(time.monotonic() + STOP_SECONDS)
            return
        self._idle.append(worker)
        self._watch(worker)
        self._dispatch()

    def close(self) -> None:
        """Stop the workers (after the builds under way; killed if not ended within STOP_SECONDS)."""
        self._closed = True
        if self._watching:
            for worker in self._all:
                asyncio.get_running_loop().remove_reader(worker.process.sentinel)
        if self._thread is not None:
            self._thread.shutdown(wait=True, cancel_futures=True)
        for worker in self._all:
            worker.ask_to_stop()
        deadline = time.monotonic() + STOP_SECONDS
        for worker in self._all:
            worker.wait(deadline)
