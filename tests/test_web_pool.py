"""The web server makes leaflets in worker processes and refuses work past its queue with 503 (never timed).

Builds are held in place with jobs that wait for a file the test writes, so every check is
made while the pool is known to be full.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import time
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from helpers import INPUT as VALID
from helpers import pdf_text

from generator.errors import InputError, TooLongError
from generator.inputs.personalisation import read_clinic
from generator.paths import SAMPLES, layouts_root, library_root
from generator.pipeline import Generator
from generator.web import builds
from generator.web.app import WebSettings, create_app
from generator.web.builds import BuildPool, BusyError

BUNDLE = Path(__file__).parent / "fhir" / "carisoprodol-tid.json"
WAIT = 60.0
"""Seconds a test waits for something that should happen at once; only a safety bound, never a measure."""


def _hold(generator: Generator, folder: str) -> int:
    """A job that runs in a worker: say it started, then wait until the test writes 'release'."""
    Path(folder, f"started-{os.getpid()}-{time.monotonic_ns()}").touch()
    deadline = time.monotonic() + WAIT
    while not Path(folder, "release").exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    return os.getpid()


def _started(folder: Path) -> int:
    return len(list(folder.glob("started-*")))


def _when(condition) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "waited too long"
        time.sleep(0.01)


@contextlib.contextmanager
def _full_app(workers: int, folder: Path) -> Iterator[tuple[TestClient, Callable[[], None]]]:
    """A server with no queue whose every worker is held by a job until `release()` (or the block's end)."""
    clinic = read_clinic(SAMPLES / "clinic.yaml")
    settings = WebSettings(library_root(), layouts_root(), clinic, workers=workers, queue=0)
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as client:
        pool = client.app.state.builds
        held = [client.portal.start_task_soon(pool.run, _hold, str(folder)) for _ in range(pool.limit)]

        def release() -> None:
            (folder / "release").touch()
            for future in held:
                future.result(WAIT)

        _when(lambda: _started(folder) == pool.limit)
        try:
            yield client, release
        finally:
            release()


@pytest.mark.parametrize("workers", [0, 2])
def test_past_the_queue_a_request_gets_503_with_retry_after(workers: int, tmp_path: Path) -> None:
    with _full_app(workers, tmp_path) as (client, release):
        refused = client.post("/api/handouts", json=VALID)
        assert refused.status_code == 503, refused.text
        assert int(refused.headers["Retry-After"]) >= 1
        assert "busy" in refused.json()["error"]
        unread = client.post("/api/handouts", content=b"{not json", headers={"content-type": "application/json"})
        assert unread.status_code == 503  # refused before its body is read
        release()
        made = client.post("/api/handouts", json=VALID)  # the places are free again
        assert made.status_code == 200
        assert "Maria Lopez" in pdf_text(made.content)


def test_fhir_route_answers_busy_with_an_operation_outcome(tmp_path: Path) -> None:
    headers = {"content-type": "application/fhir+json"}
    with _full_app(0, tmp_path) as (client, release):
        for body in (BUNDLE.read_bytes(), b"{not json"):  # refused before the body is read
            refused = client.post("/api/fhir/handouts", content=body, headers=headers)
            assert refused.status_code == 503 and int(refused.headers["Retry-After"]) >= 1
            assert refused.json()["resourceType"] == "OperationOutcome"
        release()
        made = client.post("/api/fhir/handouts", content=BUNDLE.read_bytes(), headers=headers)
        assert made.status_code == 200, made.text


@pytest.mark.parametrize("workers", [0, 2])
def test_front_desk_and_infobutton_pdfs_answer_busy_then_build_in_the_pool(workers: int, tmp_path: Path) -> None:
    desk = {**VALID, "topics": ["carisoprodol"], "layout": "standard"}
    infobutton = (
        "/infobutton?mainSearchCriteria.v.c=197446&mainSearchCriteria.v.cs=2.16.840.1.113883.6.88"
        "&knowledgeResponseType=application/pdf"
    )
    with _full_app(workers, tmp_path) as (client, release):
        unread = client.post("/api/leaflets", content=b"[]", headers={"content-type": "application/json"})
        for refused in (client.post("/api/leaflets", json=desk), client.get(infobutton), unread):
            assert refused.status_code == 503, refused.text
            assert int(refused.headers["Retry-After"]) >= 1
        release()
        made = client.post("/api/leaflets", json=desk)
        assert made.status_code == 200, made.text
        assert "Maria Lopez" in pdf_text(made.content)
        generic = client.get(infobutton)
        assert generic.status_code == 200, generic.text
        assert "Carisoprodol" in pdf_text(generic.content)


def test_light_requests_are_answered_while_every_worker_is_busy(tmp_path: Path) -> None:
    with _full_app(0, tmp_path) as (client, _):
        topics = client.get("/api/topics")
        assert topics.status_code == 200
        assert "carisoprodol" in {t["name"] for t in topics.json()["topics"]}
        assert client.get("/").status_code == 200


def test_two_workers_build_at_the_same_time_in_other_processes(tmp_path: Path, generator: Generator) -> None:
    pool = BuildPool(generator, workers=2, queue=0)

    async def fill_then_one_more() -> list[int]:
        held = [asyncio.ensure_future(pool.run(_hold, str(tmp_path))) for _ in range(2)]
        while _started(tmp_path) < 2:  # both run at once: two workers
            await asyncio.sleep(0.01)
        with pytest.raises(BusyError):
            await pool.run(_hold, str(tmp_path))
        (tmp_path / "release").touch()
        return list(await asyncio.gather(*held))

    try:
        pids = asyncio.run(asyncio.wait_for(fill_then_one_more(), WAIT))
    finally:
        pool.close()
    assert len(set(pids)) == 2 and os.getpid() not in pids
    assert pool.accepted == 0


def _crash(generator: Generator) -> None:
    """A job whose worker dies, as one killed for lack of memory would."""
    os._exit(1)


def test_a_dead_worker_fails_only_its_own_request_and_is_replaced(
    tmp_path: Path, generator: Generator, caplog: pytest.LogCaptureFixture
) -> None:
    pool = BuildPool(generator, workers=2, queue=2)
    first = {worker.process.pid for worker in pool._all}

    async def crash_one_while_the_other_builds() -> tuple[list[object], list[int]]:
        held = asyncio.ensure_future(pool.run(_hold, str(tmp_path)))
        while _started(tmp_path) < 1:
            await asyncio.sleep(0.01)
        crashed = await asyncio.gather(pool.run(_crash), return_exceptions=True)
        (tmp_path / "release").touch()
        after = await asyncio.gather(held, pool.run(_hold, str(tmp_path)), pool.run(_hold, str(tmp_path)))
        return crashed, after

    try:
        crashed, pids = asyncio.run(asyncio.wait_for(crash_one_while_the_other_builds(), WAIT))
        workers = [worker.process for worker in pool._all]
        assert len(workers) == 2 and all(process.is_alive() for process in workers)
    finally:
        pool.close()
    assert isinstance(crashed[0], BrokenProcessPool)
    assert "a build worker died (exit code 1); starting another" in caplog.text
    assert pids[0] in first  # the build under way in the other worker was not lost
    assert len(first - set(pids)) == 1 and os.getpid() not in pids  # the dead one's place went to a new process
    assert pool.accepted == 0


def test_a_worker_found_dead_while_idle_is_replaced_before_the_job_runs(tmp_path: Path, generator: Generator) -> None:
    pool = BuildPool(generator, workers=2, queue=0)
    killed = {worker.process.pid for worker in pool._all}
    for worker in pool._all:
        os.kill(worker.process.pid, signal.SIGKILL)
        worker.process.join(WAIT)
    (tmp_path / "release").touch()
    try:
        pid = asyncio.run(asyncio.wait_for(pool.run(_hold, str(tmp_path)), WAIT))
        now = {worker.process.pid for worker in pool._all}
    finally:
        pool.close()
    assert pid not in killed | {os.getpid()} and pool.accepted == 0
    assert len(now) == 2 and not now & killed  # idle workers are taken in turn: both dead ones were found


def _raise(generator: Generator, error: BaseException) -> None:
    raise error


class _UnpicklableError(Exception):
    def __init__(self, message: str, extra: int) -> None:
        super().__init__(message)  # unpickling calls _UnpicklableError(message): a TypeError


def _unpicklable(generator: Generator) -> None:
    raise _UnpicklableError("no", 1)


def _answer_that_cannot_be_pickled(generator: Generator) -> object:
    return lambda: None


def _big_answer(generator: Generator, folder: str) -> bytes:
    _hold(generator, folder)
    return b"x" * 4_000_000  # more than a pipe holds: the worker blocks writing it until someone reads


def test_errors_come_back_from_workers_whole_or_as_a_plain_error(tmp_path: Path, generator: Generator) -> None:
    pool = BuildPool(generator, workers=2, queue=3)
    jobs = [
        (_raise, TooLongError("too long for this layout", 5, 4)),
        (_raise, InputError("request: x: bad", (("x", "bad"),))),
        (_raise, StopIteration()),  # cannot be set on a future
        (_unpicklable,),
        (_answer_that_cannot_be_pickled,),
    ]

    async def each() -> list[object]:
        answers = await asyncio.gather(*(pool.run(*job) for job in jobs), return_exceptions=True)
        (tmp_path / "release").touch()
        return [*answers, await pool.run(_hold, str(tmp_path))]

    try:
        too_long, bad_input, stop, unpicklable, answer, pid = asyncio.run(asyncio.wait_for(each(), WAIT))
    finally:
        pool.close()
    assert isinstance(too_long, TooLongError) and (too_long.pages, too_long.max_pages) == (5, 4)
    assert str(too_long) == "too long for this layout"
    assert isinstance(bad_input, InputError) and bad_input.problems == (("x", "bad"),)
    assert isinstance(stop, RuntimeError) and "StopIteration" in str(stop)
    assert isinstance(unpicklable, RuntimeError) and "_UnpicklableError" in str(unpicklable)
    assert isinstance(answer, RuntimeError) and "could not be sent" in str(answer)
    assert isinstance(pid, int) and pid != os.getpid()  # no worker died of any of it


def test_a_replacement_worker_does_not_inherit_the_servers_sockets(tmp_path: Path, generator: Generator) -> None:
    if not Path("/proc/self/fd").is_dir():
        pytest.skip("needs /proc to list a process's open files")
    pool = BuildPool(generator, workers=1, queue=0)
    (tmp_path / "release").touch()
    with socket.create_server(("127.0.0.1", 0)) as listening:  # opened after the first workers, as uvicorn's is
        inode = os.fstat(listening.fileno()).st_ino

        async def crash_then_build() -> int:
            with pytest.raises(BrokenProcessPool):
                await pool.run(_crash)
            return await pool.run(_hold, str(tmp_path))

        try:
            pid = asyncio.run(asyncio.wait_for(crash_then_build(), WAIT))
            held = {os.readlink(link) for link in Path(f"/proc/{pid}/fd").iterdir()}
        finally:
            pool.close()
    assert f"socket:[{inode}]" not in held


def test_a_worker_that_cannot_be_started_is_tried_again(
    tmp_path: Path, generator: Generator, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    pool = BuildPool(generator, workers=1, queue=1)
    monkeypatch.setattr(builds, "RESTART_SECONDS", 0.1)
    start = builds._Worker
    failures = [EOFError("unexpected EOF")]  # what forkserver gives when it cannot fork

    def failing_once(generator: Generator, warm: bool) -> builds._Worker:
        if failures:
            raise failures.pop()
        return start(generator, warm)

    monkeypatch.setattr(builds, "_Worker", failing_once)
    (tmp_path / "release").touch()

    async def crash_then_build() -> int:
        with pytest.raises(BrokenProcessPool):
            await pool.run(_crash)
        return await pool.run(_hold, str(tmp_path))  # waits until the second try starts a worker

    try:
        pid = asyncio.run(asyncio.wait_for(crash_then_build(), WAIT))
    finally:
        pool.close()
    assert pid != os.getpid() and not failures
    assert "could not start a build worker (EOFError)" in caplog.text


def test_closing_ends_a_worker_blocked_on_an_answer_nobody_reads(
    tmp_path: Path, generator: Generator, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(builds, "STOP_SECONDS", WAIT)
    pool = BuildPool(generator, workers=1, queue=0)

    async def cancel_a_big_build() -> None:
        build = asyncio.ensure_future(pool.run(_big_answer, str(tmp_path)))
        while _started(tmp_path) < 1:
            await asyncio.sleep(0.01)
        build.cancel()
        (tmp_path / "release").touch()

    asyncio.run(cancel_a_big_build())
    [worker] = pool._all
    pool.close()
    assert worker.process.exitcode == 0  # it wrote its answer and ended, not killed at the deadline
