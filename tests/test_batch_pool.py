"""handout batch's local worker pool: a killed worker costs no row; a row that kills every worker fails alone.

Real batches with `--jobs 2` in a subprocess; the workers are killed with SIGKILL, as the
out-of-memory killer would, from outside (os.kill) or by the row they are making.
"""

from __future__ import annotations

import csv
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from helpers import running_children, write_csv

from generator.batch import pool
from generator.batch.pool import DIED_TWICE

HEADER = ["id", "patient.name", "prescriber.name", "prescription.medicine", "prescription.dose_mg"]
HEADER += ["prescription.times_per_day", "prescription.start", "prescription.days_supply"]
WAIT = 120.0
"""Safety bound for a batch or a worker; never a measure."""
KILLING_ROW = """
import os
import signal

if os.environ.get("KILL_ON_ROW"):
    from generator.batch.rowmaker import RowMaker

    make = RowMaker.make

    def make_or_die(self, row):
        if row.extras.get("id") == os.environ["KILL_ON_ROW"]:
            os.kill(os.getpid(), signal.SIGKILL)
        return make(self, row)

    RowMaker.make = make_or_die
"""
"""A sitecustomize module: every process of the batch (workers started fresh too) dies on the row KILL_ON_ROW."""
LINUX = sys.platform.startswith("linux")


def _source(folder: Path, count: int) -> Path:
    prescription = ["Dr. Sam Lee", "carisoprodol", "350", "3", "2026-11-24", "14"]
    return write_csv(folder / "p.csv", HEADER, [[f"B{n:03d}", f"Patient {n}", *prescription] for n in range(count)])


def _batch(source: Path, out: Path, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "generator", "batch", str(source), "--out", str(out), "--jobs", "2"]
    command += ["--made-on", "2026-11-25"]
    return subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env={**os.environ, **(env or {})}
    )


def _manifest(out: Path) -> list[dict[str, str]]:
    with (out / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _check_made(manifest: list[dict[str, str]], count: int) -> None:
    """Every input row once, in order; every leaflet said made is on disk with the sha256 the manifest gives."""
    assert [m["id"] for m in manifest] == [f"B{n:03d}" for n in range(count)]
    for made in (m for m in manifest if m["status"] == "made"):
        assert hashlib.sha256(Path(made["output"]).read_bytes()).hexdigest() == made["sha256"]


@pytest.mark.skipif(not LINUX, reason="finds the workers in /proc")
def test_a_worker_killed_mid_batch_costs_no_row(tmp_path: Path) -> None:
    out = tmp_path / "out"
    batch = _batch(_source(tmp_path, 30), out)
    deadline = time.monotonic() + WAIT
    while len(list(out.glob("B*.pdf"))) < 4 and time.monotonic() < deadline:
        time.sleep(0.02)
    workers = running_children().get(batch.pid, [])
    assert len(workers) == 2, workers
    os.kill(workers[0], signal.SIGKILL)
    stdout, stderr = batch.communicate(timeout=WAIT)
    assert batch.returncode == 0, stdout + stderr
    assert "30 made, 0 failed" in stdout and "Traceback" not in stderr
    [notice] = [line for line in stderr.splitlines() if "died" in line]
    assert "(exit code -9)" in notice
    manifest = _manifest(out)
    _check_made(manifest, 30)
    assert {m["status"] for m in manifest} == {"made"}  # the row it was making too, by another worker
    assert not list(out.glob(".*.part")) and not list((out / ".handout-state").glob(".*.part"))


def test_a_row_that_kills_its_worker_twice_fails_alone(tmp_path: Path) -> None:
    (tmp_path / "hook").mkdir()
    (tmp_path / "hook" / "sitecustomize.py").write_text(KILLING_ROW)
    out = tmp_path / "out"
    python_path = os.pathsep.join(filter(None, [str(tmp_path / "hook"), os.environ.get("PYTHONPATH")]))
    batch = _batch(_source(tmp_path, 12), out, {"PYTHONPATH": python_path, "KILL_ON_ROW": "B005"})
    stdout, stderr = batch.communicate(timeout=WAIT)
    assert batch.returncode == 1, stdout + stderr
    assert "11 made, 1 failed" in stdout and "Traceback" not in stderr
    assert "p.csv row 7: the worker process making this row died (exit code -9); the row is tried once more" in stderr
    manifest = _manifest(out)
    _check_made(manifest, 12)
    [killer] = [m for m in manifest if m["status"] == "failed"]
    assert (killer["id"], killer["reason"]) == ("B005", f"p.csv row 7: {DIED_TWICE}")
    assert not (out / "B005.pdf").exists()


def test_when_no_worker_can_start_every_row_fails_saying_why(run_cli, tmp_path: Path, monkeypatch) -> None:
    def cannot_start(*args: object) -> pool.Worker:
        raise OSError(12, "Cannot allocate memory")

    monkeypatch.setattr(pool, "Worker", cannot_start)
    monkeypatch.setattr(pool, "RESTART_SECONDS", 0.01)
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("batch", str(_source(tmp_path, 6)), "--out", str(out), "--jobs", "2")
    assert code == 1 and "0 made, 6 failed" in stdout
    assert stderr.count("could not start a worker process (OSError); trying again in 0.01 s") == pool.START_TRIES - 1
    manifest = _manifest(out)
    assert [m["id"] for m in manifest] == [f"B{n:03d}" for n in range(6)]
    assert {m["reason"].split(": ", 1)[1] for m in manifest} == {
        "no worker process could be started (OSError); not made"
    }


def test_a_worker_that_could_not_start_is_tried_again(run_cli, tmp_path: Path, monkeypatch) -> None:
    start = pool.Worker
    failures = [EOFError()]  # what forkserver gives when it cannot fork

    def failing_once(*args: object) -> pool.Worker:
        if failures:
            raise failures.pop()
        return start(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(pool, "Worker", failing_once)
    monkeypatch.setattr(pool, "RESTART_SECONDS", 0.01)
    out = tmp_path / "out"
    code, stdout, stderr = run_cli("batch", str(_source(tmp_path, 6)), "--out", str(out), "--jobs", "2")
    assert code == 0 and "6 made, 0 failed" in stdout, stdout + stderr
    assert "could not start a worker process (EOFError); trying again" in stderr and not failures
    _check_made(_manifest(out), 6)
