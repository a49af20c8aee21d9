"""handout batch on a Dask cluster (distributed.LocalCluster with worker processes, on this machine).

The same manifest, leaflets, resume and combine as local processes; rows stream in bounded
chunks; a worker killed mid-batch loses no row and no leaflet differs from a local run.
"""

from __future__ import annotations

import csv
import hashlib
import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import fsspec
import pytest
from distributed import Client, LocalCluster, get_task_stream
from helpers import pdf_text, write_csv
from pypdf import PdfReader

from generator.batch import on_dask
from generator.batch.rowmaker import BatchSettings
from generator.batch.rows import BatchRow, read_rows
from generator.batch.run import run_rows
from generator.inputs.personalisation import read_clinic
from generator.paths import SAMPLES, layouts_root, library_root

HEADER = ["id", "patient.name", "prescriber.name", "prescription.medicine", "prescription.dose_mg"]
HEADER += ["prescription.times_per_day", "prescription.start", "prescription.days_supply"]
WAIT = 120.0
"""Safety bound for waiting on the cluster; never a measure."""


def _rows(path: Path, count: int, bad: bool = False) -> Path:
    rows = [
        [f"D{n:03d}", f"Patient {n}", "Dr. Sam Lee", "carisoprodol", "350", "3", "2026-11-24", "14"]
        for n in range(count)
    ]
    if bad:
        rows.insert(2, ["BAD", "Patient X", "Dr. Sam Lee", "carisoprodol", "3500", "3", "2026-11-24", "14"])
    return write_csv(path, HEADER, rows)


def _manifest(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(text.splitlines()))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0") as local:
        yield local


def _batch(run_cli, source: Path, out: str, *extra: str) -> tuple[int, str, str]:
    return run_cli("batch", str(source), "--out", out, "--made-on", "2026-11-25", *extra)


def test_cluster_gives_the_same_manifest_and_leaflets_as_local_processes(run_cli, cluster, tmp_path) -> None:
    source = _rows(tmp_path / "rows.csv", 5, bad=True)
    combined = tmp_path / "print.pdf"
    code, out, err = _batch(
        run_cli, source, str(tmp_path / "dask"), "--scheduler", cluster.scheduler_address, "--combine", str(combined)
    )
    assert code == 1 and "5 made, 1 failed" in out, out + err
    assert _batch(run_cli, source, str(tmp_path / "local"), "--jobs", "1")[0] == 1
    on_dask = _manifest((tmp_path / "dask" / "manifest.csv").read_text())
    local = _manifest((tmp_path / "local" / "manifest.csv").read_text())
    assert [r["row"] for r in on_dask] == [str(n) for n in range(2, 8)]  # every row, in order
    for dask_row, local_row in zip(on_dask, local, strict=True):
        assert {k: v for k, v in dask_row.items() if k != "output"} == {
            k: v for k, v in local_row.items() if k != "output"
        }
    failed = next(r for r in on_dask if r["status"] == "failed")
    assert failed["id"] == "BAD" and "3,500 mg a dose is above the 350 mg limit" in failed["reason"]
    for row in (r for r in on_dask if r["status"] == "made"):
        made = Path(row["output"])
        assert made.parent == tmp_path / "dask" and _digest(made) == row["sha256"]
        assert made.read_bytes() == (tmp_path / "local" / made.name).read_bytes()
    assert "Patient 0" in pdf_text(combined.read_bytes()) and len(PdfReader(combined).pages) % 2 == 0
    code, out, _ = _batch(run_cli, source, str(tmp_path / "dask"), "--scheduler", cluster.scheduler_address, "--resume")
    assert "0 made, 1 failed, 5 skipped" in out


def test_scheduler_from_the_environment(run_cli, cluster, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HANDOUT_DASK_SCHEDULER", cluster.scheduler_address)
    with Client(cluster.scheduler_address, set_as_default=False) as client, get_task_stream(client) as stream:
        code, out, _ = _batch(run_cli, _rows(tmp_path / "rows.csv", 2), str(tmp_path / "out"))
    assert code == 0 and "2 made" in out
    assert any(str(task["key"]).startswith("make_rows") for task in stream.data)  # made on the cluster


def test_rows_stream_to_the_cluster_in_bounded_chunks(cluster, tmp_path) -> None:
    source = _rows(tmp_path / "rows.csv", 40)
    consumed = 0

    def counted() -> Iterator[BatchRow]:
        nonlocal consumed
        for row in read_rows(source):
            consumed += 1
            yield row

    settings = BatchSettings(
        str(tmp_path / "out"),
        library_root(),
        layouts_root(),
        read_clinic(SAMPLES / "clinic.yaml"),
        made_on=__import__("datetime").date(2026, 11, 25),
    )
    ahead = []
    for done, result in enumerate(run_rows(counted(), settings, 1, cluster.scheduler_address, print), start=1):
        assert result.status == "made", result.reason
        ahead.append(consumed - done)
    in_flight = 2 * on_dask.CHUNKS_PER_THREAD * on_dask.CHUNK_ROWS  # 2 worker threads
    assert max(ahead) <= in_flight + on_dask.CHUNK_ROWS
    assert len(ahead) == 40


def test_a_worker_killed_mid_batch_loses_no_row(run_cli, cluster, tmp_path) -> None:
    source = _rows(tmp_path / "rows.csv", 24)
    out = tmp_path / "out"
    killed: list[int] = []

    def kill_a_busy_worker() -> None:
        with Client(cluster.scheduler_address, set_as_default=False) as client:
            deadline = time.monotonic() + WAIT
            while time.monotonic() < deadline and not killed:
                busy = [address for address, keys in client.processing().items() if keys]
                if busy and len(list(out.glob("*.pdf"))) >= 2:
                    pid = client.run(os.getpid, workers=[busy[0]])[busy[0]]
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
                time.sleep(0.05)

    killer = threading.Thread(target=kill_a_busy_worker)
    killer.start()
    code, stdout, err = _batch(run_cli, source, str(out), "--scheduler", cluster.scheduler_address)
    killer.join(WAIT)
    assert killed, "no worker was busy to kill"
    assert code == 0 and "24 made, 0 failed" in stdout, stdout + err
    manifest = _manifest((out / "manifest.csv").read_text())
    assert [r["id"] for r in manifest] == [f"D{n:03d}" for n in range(24)]
    assert _batch(run_cli, source, str(tmp_path / "local"), "--jobs", "1")[0] == 0
    for row in manifest:
        made = Path(row["output"])
        assert _digest(made) == row["sha256"]
        assert made.read_bytes() == (tmp_path / "local" / made.name).read_bytes()
    assert not list(out.glob(".*.part")) and not list((out / ".handout-state").glob(".*.part"))


def test_a_url_out_on_the_cluster(run_cli, cluster, tmp_path) -> None:
    source = _rows(tmp_path / "rows.csv", 3)
    url = (tmp_path / "bucket" / "prefix").as_uri()
    code, out, err = _batch(run_cli, source, url, "--scheduler", cluster.scheduler_address)
    assert code == 0 and f"Manifest: {url}/manifest.csv" in out, out + err
    manifest = _manifest((tmp_path / "bucket" / "prefix" / "manifest.csv").read_text())
    assert [r["output"] for r in manifest] == [f"{url}/D{n:03d}.pdf" for n in range(3)]
    assert "Patient 2" in pdf_text((tmp_path / "bucket" / "prefix" / "D002.pdf").read_bytes())


def test_an_object_store_out(run_cli, tmp_path) -> None:
    source = _rows(tmp_path / "rows.csv", 2)
    code, out, err = _batch(
        run_cli, source, "memory://leaflets/today", "--jobs", "1", "--combine", str(tmp_path / "p.pdf")
    )
    assert code == 0, out + err
    store = fsspec.filesystem("memory")
    manifest = _manifest(store.cat_file("/leaflets/today/manifest.csv").decode())
    assert [r["status"] for r in manifest] == ["made", "made"]
    pdf = store.cat_file("/leaflets/today/D001.pdf")
    assert hashlib.sha256(pdf).hexdigest() == manifest[1]["sha256"] and "Patient 1" in pdf_text(pdf)
    assert "Patient 0" in pdf_text((tmp_path / "p.pdf").read_bytes())


def test_email_is_not_sent_from_a_cluster(run_cli, tmp_path) -> None:
    code, _, err = _batch(
        run_cli, _rows(tmp_path / "rows.csv", 1), str(tmp_path / "out"), "--scheduler", "tcp://127.0.0.1:1", "--email"
    )
    assert code == 2 and "--email: not sent from a Dask cluster" in err


def test_an_unreachable_scheduler_is_one_error(run_cli, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(on_dask, "CONNECT_SECONDS", 1)
    with socket_closed() as address:
        code, _, err = _batch(run_cli, _rows(tmp_path / "rows.csv", 1), str(tmp_path / "out"), "--scheduler", address)
    assert code == 2 and "cannot reach the Dask scheduler" in err and err.count("\n") == 1
    assert not (tmp_path / "out" / "D000.pdf").exists()


class socket_closed:  # noqa: N801
    """An address on loopback where nothing listens."""

    def __enter__(self) -> str:
        import socket

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            return f"tcp://127.0.0.1:{probe.getsockname()[1]}"

    def __exit__(self, *exc: object) -> None:
        return None


def test_a_worker_keeps_its_generator_across_batches_until_a_content_file_changes(tmp_path) -> None:
    """What a Dask worker runs (make_rows), called here in-process: a standing cluster does not start cold
    for each batch, and never makes a leaflet from content that was edited since it was loaded."""
    import datetime as dt
    import shutil

    library = tmp_path / "handouts"
    shutil.copytree(library_root(), library)
    [row] = read_rows(_rows(tmp_path / "rows.csv", 1))

    def batch(number: int) -> tuple[object, str]:
        settings = BatchSettings(
            str(tmp_path / f"out{number}"), library, layouts_root(), read_clinic(SAMPLES / "clinic.yaml"),
            made_on=dt.date(2026, 11, 25),
        )  # fmt: skip
        job = on_dask.cluster_job(settings)
        [result] = on_dask.make_rows(job, [row])
        assert result.status == "made", result.reason
        return on_dask._makers[job.key].generator, pdf_text(Path(result.output))

    first, text = batch(1)
    again, _ = batch(2)  # same settings but --out: a new batch, the same warm generator
    assert again is first and "short-term back pain" in text
    topic = library / "carisoprodol" / "topic.yaml"
    topic.write_text(topic.read_text().replace("short-term back pain", "brief spells of back pain"))
    edited, text = batch(3)
    assert edited is not first
    assert "brief spells of back pain" in text and "short-term back pain" not in text


def test_a_relative_out_is_the_batchs_folder_not_the_workers(run_cli, cluster, tmp_path, monkeypatch) -> None:
    source = _rows(tmp_path / "rows.csv", 3)
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    code, out, err = _batch(run_cli, source, "leaflets", "--scheduler", cluster.scheduler_address, "--combine", "p.pdf")
    assert code == 0 and "3 made, 0 failed" in out, out + err
    folder = tmp_path / "here" / "leaflets"
    manifest = _manifest((folder / "manifest.csv").read_text())
    assert [r["output"] for r in manifest] == [str(folder / f"D{n:03d}.pdf") for n in range(3)]
    for row in manifest:
        assert _digest(Path(row["output"])) == row["sha256"]
    assert "Patient 2" in pdf_text(tmp_path / "here" / "p.pdf")
    with Client(cluster.scheduler_address, set_as_default=False) as client:
        for worker_folder in set(client.run(os.getcwd).values()):
            assert not (Path(worker_folder) / "leaflets").exists()  # nothing written where the workers run


def test_a_leaflet_the_batch_cannot_find_as_the_worker_wrote_it_fails_its_row(cluster, tmp_path, monkeypatch) -> None:
    """Workers whose --out is not the batch's folder (here: a relative path, workers in another folder)."""
    import datetime as dt

    rows = list(read_rows(_rows(tmp_path / "rows.csv", 2)))
    for folder in ("batch", "workers"):
        (tmp_path / folder).mkdir()
    monkeypatch.chdir(tmp_path / "batch")
    clinic = read_clinic(SAMPLES / "clinic.yaml")
    settings = BatchSettings("out", library_root(), layouts_root(), clinic, made_on=dt.date(2026, 11, 25))
    with Client(cluster.scheduler_address, set_as_default=False) as client:
        before = client.run(os.getcwd)
        client.run(os.chdir, str(tmp_path / "workers"))
        try:
            results = list(run_rows(iter(rows), settings, 1, cluster.scheduler_address, print))
        finally:
            for address, folder in before.items():
                client.run(os.chdir, folder, workers=[address])
    assert [r.status for r in results] == ["failed", "failed"]
    assert results[0].reason == (
        "rows.csv row 2: out/D000.pdf: the Dask worker wrote this leaflet, but it is not in --out as this process "
        "sees it; --out must be a folder every worker sees at the same path, or a URL; not made"
    )
    assert sorted(p.name for p in (tmp_path / "workers" / "out").glob("*.pdf")) == ["D000.pdf", "D001.pdf"]
    assert not (tmp_path / "batch" / "out").exists()
