"""A worker process with a pipe of its own, and the loop it runs.

This process writes a task to the pipe: a job and a list of calls, `(job, [args, ...])`. The
worker runs `job(state, *args)` for each call in turn and writes back each answer as soon as
it has it, `(True, result)` or `(False, exception)`, so one that dies mid-task has answered
every call before the one it died making. `None` on the pipe asks it to end. The worker's end
of the pipe lives in the worker only: its death reads here as the end of the pipe (EOFError).

The worker's state (the web's Generator, a batch's row maker) is inherited, warm, when it is
forked from this process (see start_context); else `load()` makes it in the worker.
(concurrent.futures' ProcessPoolExecutor passes every task and answer through two helper
threads, about 1 ms of this process's CPU a task, and breaks as a whole when one worker dies.)
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import time
from collections.abc import Callable, Sequence
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from typing import Any

from generator.workers.life import die_with_parent
from generator.workers.start import fresh_context, start_context

Job = Callable[..., Any]
"""A module-level function (or a method looked up on its class) taking the worker's state first, then
picklable arguments."""

_state: Any = None
"""The worker process's state (set in the parent only while forking a worker from it)."""


def _serve(connection: Connection, load: Callable[[], Any], parent_pid: int, ignored: Sequence[int]) -> None:
    """A worker's life: answer each call of each task read from the pipe, until None; die with the parent."""
    global _state
    die_with_parent(parent_pid)
    for signum in ignored:  # the parent stops its workers itself
        signal.signal(signum, signal.SIG_IGN)
    if _state is None:
        _state = load()
    while (task := connection.recv()) is not None:
        job, calls = task
        for args in calls:
            connection.send_bytes(_answer(job, _state, args))


def _answer(job: Job, state: Any, args: tuple[Any, ...]) -> memoryview:
    """`(True, result)` or `(False, exception)`, pickled whole before anything is written."""
    try:
        answer: tuple[bool, Any] = (True, job(state, *args))
    except Exception as exc:  # the call's own error, for the parent to deal with
        answer = (False, _portable(exc))
    try:
        return ForkingPickler.dumps(answer)
    except Exception as exc:
        return ForkingPickler.dumps((False, RuntimeError(f"a job's answer could not be sent: {type(exc).__name__}")))


def _portable(exc: Exception) -> Exception:
    """`exc`, or a RuntimeError saying what it was when it cannot be pickled back or set on a future."""
    if isinstance(exc, StopIteration):
        return RuntimeError(f"a job raised {type(exc).__name__}")
    try:
        pickle.loads(ForkingPickler.dumps(exc))
    except Exception:
        return RuntimeError(f"a job raised {type(exc).__name__}, which cannot be sent back")
    return exc


class Worker:
    """One worker process and this process's end of its pipe.

    With `warm`, it is forked from this process when that is safe (see start_context) and inherits
    `state`; else it starts fresh (inheriting nothing, such as open sockets) and makes its state with
    `load()`, a picklable callable. It ignores the signals `ignored` and dies with this process."""

    def __init__(self, state: Any, load: Callable[[], Any], warm: bool, name: str, ignored: Sequence[int]) -> None:
        global _state
        context = start_context() if warm else fresh_context()
        _state = state if context.get_start_method() == "fork" else None
        ours, theirs = context.Pipe()
        self.process = context.Process(
            target=_serve, args=(theirs, load, os.getpid(), tuple(ignored)), name=name, daemon=True
        )
        try:
            self.process.start()
        except BaseException:
            ours.close()
            raise
        finally:
            _state = None
            theirs.close()  # the worker's end lives in the worker only: its death reads as end of file here
        self.connection = ours

    def fileno(self) -> int:
        """The pipe's file descriptor, so `multiprocessing.connection.wait` can watch workers."""
        return self.connection.fileno()

    def send(self, job: Job, calls: list[tuple[Any, ...]]) -> None:
        """Write a task: `job(state, *args)` for each of `calls`; OSError when the worker is gone."""
        self.connection.send((job, calls))

    def receive(self) -> tuple[bool, Any]:
        """The next answer, `(True, result)` or `(False, exception)`; EOFError or OSError when the worker died."""
        answer: tuple[bool, Any] = self.connection.recv()
        return answer

    def ask_to_stop(self) -> None:
        """Ask the worker to end after the task under way."""
        with contextlib.suppress(OSError):  # already gone
            self.connection.send(None)

    def wait(self, deadline: float) -> None:
        """Wait for the worker to end (dropping answers nobody waits for any more); kill it at `deadline`."""
        with contextlib.suppress(EOFError, OSError):
            while self.process.is_alive() and time.monotonic() < deadline:
                if self.connection.poll(0.05):
                    self.connection.recv_bytes()  # a worker blocked writing a large answer could not end
        self.kill()

    def kill(self) -> None:
        """End the worker now if it has not ended, and close the pipe."""
        if self.process.is_alive():
            self.process.kill()
        self.process.join()
        self.connection.close()
