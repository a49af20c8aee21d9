"""Where the web server makes leaflets: a pool of worker processes, with a bounded queue.

The event loop only waits for builds, so light requests (the page, `/api/topics`, the
Infobutton feed) are answered while leaflets are being made. Each worker process has
its own Generator (caches, font registry); workers forked from the warm server process
(no other thread alive then) start ready, otherwise each loads the library itself.
With `workers=0` leaflets are made one at a time on a thread of the server process.

At most `workers + queue` builds are accepted at once (made or waiting); past that a
request is refused at once with `BusyError`, which the routes answer with 503 and a
Retry-After estimated from how long builds take, instead of queueing for minutes.
"""

from __future__ import annotations

import asyncio
import math
import os
import signal
import time
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from typing import Any, TypeVar

from fastapi.responses import JSONResponse

from generator.batch.pool import start_context
from generator.batch.worker_life import die_with_parent
from generator.pipeline import Generator
from generator.web.replies import message_reply

T = TypeVar("T")
Job = Callable[..., T]
"""A module-level function taking the worker's Generator first, then picklable arguments."""


BUSY_MESSAGE = "the server is busy making other leaflets; try again shortly"


class BusyError(Exception):
    """Every worker is busy and the queue is full; try again after `retry_after` seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"busy: try again in {retry_after} s")
        self.retry_after = retry_after


def busy(exc: BusyError) -> JSONResponse:
    """The API's answer when the queue is full: 503 with Retry-After."""
    headers = {"Retry-After": str(exc.retry_after)}
    return message_reply(BUSY_MESSAGE, 503, headers)


_generator: Generator | None = None
"""The worker process's generator."""


def _start_worker(library: Path, layouts: Path, server_pid: int) -> None:
    """Workers leave Ctrl-C to the server, which stops them, and die with it."""
    global _generator
    die_with_parent(server_pid)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _generator is None:
        from generator.content.library import Library
        from generator.layouts import LayoutLibrary

        _generator = Generator(Library(library), LayoutLibrary(layouts))


def _call(job: Job[T], *args: Any) -> T:
    assert _generator is not None
    return job(_generator, *args)


def _ready() -> int:
    return os.getpid()


class BuildPool:
    """Runs build jobs off the event loop: in `workers` processes (0: one thread here), at most `queue` waiting."""

    def __init__(self, generator: Generator, workers: int, queue: int) -> None:
        self.generator, self.workers, self.queue = generator, workers, queue
        self.limit = max(workers, 1) + queue
        self.accepted = 0
        """Builds accepted and not yet finished (being made or waiting)."""
        self._seconds = 1.0  # a running average of how long a build takes, for Retry-After
        self._executor: Executor
        if workers <= 0:
            self._executor = ThreadPoolExecutor(1, thread_name_prefix="handout-build")
            return
        self._executor = self._processes(generator)

    def _processes(self, generator: Generator) -> ProcessPoolExecutor:
        global _generator
        context = start_context()
        _generator = generator if context.get_start_method() == "fork" else None
        library, layouts = generator.library.root, generator.layouts.root
        executor = ProcessPoolExecutor(
            self.workers, mp_context=context, initializer=_start_worker, initargs=(library, layouts, os.getpid())
        )
        executor.submit(_ready)  # start (fork) every worker now, while no other thread runs
        _generator = None
        return executor

    def retry_after(self) -> int:
        """Seconds until a place is likely free: how long an accepted request has lately taken, start to end."""
        return max(1, math.ceil(self._seconds))

    async def run(self, job: Job[T], *args: Any) -> T:
        """`job(generator, *args)` in a worker; raises BusyError when `workers + queue` builds are already accepted."""
        if self.accepted >= self.limit:
            raise BusyError(self.retry_after())
        self.accepted += 1
        start = time.monotonic()
        executor = self._executor
        try:
            if self.workers <= 0:
                return await asyncio.wrap_future(executor.submit(job, self.generator, *args))
            return await asyncio.wrap_future(executor.submit(_call, job, *args))
        except BrokenProcessPool:  # a worker died (e.g. out of memory): this request fails, the next get new workers
            if self._executor is executor:  # only the first request to see the broken pool replaces it
                executor.shutdown(wait=False, cancel_futures=True)
                self._executor = self._processes(self.generator)
            raise
        finally:
            self.accepted -= 1
            self._seconds = 0.8 * self._seconds + 0.2 * (time.monotonic() - start)

    def close(self) -> None:
        """Stop the workers (after the builds under way)."""
        self._executor.shutdown(wait=True, cancel_futures=True)
