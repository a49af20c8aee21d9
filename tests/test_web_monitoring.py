"""GET /healthz and GET /metrics on a real server with a build worker: counts after a few builds and a refusal,
503 while no worker is alive (a killed one that cannot be replaced yet), and the restart counted."""

from __future__ import annotations

import json
import os
import re
import signal
import threading
import time

import pytest
from helpers import INPUT, request

from generator.web import builds

WAIT = 60.0


def _metric(text: str, name: str) -> float:
    match = re.search(rf"^{re.escape(name)} ([0-9.e+]+)$", text, re.MULTILINE)
    assert match, f"{name} not in the metrics"
    return float(match[1])


def _until(check, what: str) -> None:
    """Poll until `check()` holds (bounded), for what happens on the server after an answer."""
    deadline = time.monotonic() + WAIT
    while not check():
        assert time.monotonic() < deadline, f"never: {what}"
        time.sleep(0.05)


def test_health_and_metrics_after_builds_and_a_killed_worker(live_servers, monkeypatch: pytest.MonkeyPatch) -> None:
    release = threading.Event()
    start = builds._Worker

    def held_back(generator, warm: bool) -> builds._Worker:
        if not release.is_set():  # a replacement cannot start until the test says so (as when memory is short)
            raise OSError("no memory")
        return start(generator, warm)

    monkeypatch.setattr(builds, "RESTART_SECONDS", 0.1)
    url = live_servers.start(workers=1)
    monkeypatch.setattr(builds, "_Worker", held_back)
    pool = live_servers.app(url).state.builds

    status, _, body = request(url + "/healthz")
    health = json.loads(body)
    assert (
        status == 200
        and health["workers"] == 1
        and re.fullmatch(r"\d{4}\.\d+\.\d+(, \d{4}\.\d+\.\d+)*", health["content_version"])
    )
    for _ in range(3):
        assert request(url + "/api/handouts", "POST", INPUT)[0] == 200
    assert request(url + "/api/handouts", "POST", {**INPUT, "topic": "nope"})[0] == 422

    status, headers, body = request(url + "/metrics")
    text = body.decode()
    assert status == 200 and headers["content-type"].startswith("text/plain")
    assert _metric(text, "handout_leaflets_made_total") == 3
    assert _metric(text, "handout_build_seconds_count") == 4  # the refused one was built, and failed
    assert _metric(text, 'handout_requests_refused_total{reason="input"}') == 1
    assert _metric(text, "handout_workers_alive") == 1 and _metric(text, "handout_queue_length") == 0
    assert _metric(text, "handout_worker_restarts_total") == 0

    os.kill(pool._all[0].process.pid, signal.SIGKILL)  # idle: noticed at once, not at the next build
    _until(lambda: request(url + "/healthz")[0] == 503, "/healthz answers 503 without a worker")
    assert json.loads(request(url + "/healthz")[2])["workers"] == 0
    release.set()
    _until(lambda: request(url + "/healthz")[0] == 200, "a new worker is alive")
    text = request(url + "/metrics")[2].decode()
    assert _metric(text, "handout_worker_restarts_total") == 1 and _metric(text, "handout_workers_alive") == 1
    assert request(url + "/api/handouts", "POST", INPUT)[0] == 200


def test_metrics_need_an_admin_unless_asked_from_this_computer(live_server) -> None:
    """Forwarded by a proxy (X-Forwarded-For), a loopback request is not this computer's: it needs the token."""
    url = live_server(token="a-long-enough-shared-token")
    forwarded = {"X-Forwarded-For": "192.0.2.7"}
    assert request(url + "/metrics")[0] == 200
    assert request(url + "/metrics", headers=forwarded)[0] == 401
    auth = {**forwarded, "Authorization": "Bearer a-long-enough-shared-token"}
    assert request(url + "/metrics", headers=auth)[0] == 200
    assert request(url + "/healthz", headers=forwarded)[0] == 200  # no token for health
