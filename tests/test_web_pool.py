"""The web server makes leaflets in worker processes and refuses work past its queue with 503 (never timed).

Builds are held in place with jobs that wait for a file the test writes, so every check is
made while the pool is known to be full.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Callable, Iterator
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from helpers import INPUT as VALID
from helpers import pdf_text

from generator.inputs.personalisation import read_clinic
from generator.paths import SAMPLES, layouts_root, library_root
from generator.pipeline import Generator
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
    finally:
        pool.close()
    assert pid not in killed | {os.getpid()} and pool.accepted == 0
