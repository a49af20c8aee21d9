"""The web server makes leaflets in worker processes and refuses work past its queue with 503 (never timed).

Builds are held in place with jobs that wait for a file the test writes, so every check is
made while the pool is known to be full.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
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
        release()
        made = client.post("/api/handouts", json=VALID)  # the places are free again
        assert made.status_code == 200
        assert "Maria Lopez" in pdf_text(made.content)


def test_fhir_route_answers_busy_with_an_operation_outcome(tmp_path: Path) -> None:
    headers = {"content-type": "application/fhir+json"}
    with _full_app(0, tmp_path) as (client, release):
        refused = client.post("/api/fhir/handouts", content=BUNDLE.read_bytes(), headers=headers)
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
        for refused in (client.post("/api/leaflets", json=desk), client.get(infobutton)):
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


def test_a_dead_worker_fails_its_requests_and_the_pool_is_replaced_once(
    tmp_path: Path, generator: Generator, monkeypatch: pytest.MonkeyPatch
) -> None:
    pool = BuildPool(generator, workers=2, queue=2)
    started = []
    replace = pool._processes
    monkeypatch.setattr(pool, "_processes", lambda g: started.append(1) or replace(g))

    async def crash_two_then_build() -> int:
        crashed = await asyncio.gather(pool.run(_crash), pool.run(_crash), return_exceptions=True)
        assert all(isinstance(result, BrokenProcessPool) for result in crashed)
        return await pool.run(_hold, str(tmp_path))

    (tmp_path / "release").touch()
    try:
        pid = asyncio.run(asyncio.wait_for(crash_two_then_build(), WAIT))
    finally:
        pool.close()
    assert pid != os.getpid()
    assert len(started) == 1  # both failed requests saw the same broken pool; one new pool replaced it
