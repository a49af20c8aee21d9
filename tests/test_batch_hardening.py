"""handout batch under stress: broken quoting, bad lines, read-only or full disks, two batches, kill -9."""

from __future__ import annotations

import contextlib
import csv
import errno
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import INPUT, running_children, write_csv

from generator.batch.output import Manifest, folder_lock

HEADER = [
    "id",
    "patient.name",
    "prescriber.name",
    "prescription.medicine",
    "prescription.dose_mg",
    "prescription.times_per_day",
    "prescription.start",
    "prescription.days_supply",
]
RX = ["Dr. Sam Lee", "carisoprodol", "350", "3", "2026-11-24", "14"]
RECORD = {**INPUT, "patient": {"name": "Maria Lopez"}}
LINUX = sys.platform.startswith("linux")


def _rows(count: int, prefix: str = "B") -> list[list[str]]:
    return [[f"{prefix}{i:03d}", "Maria Lopez", *RX] for i in range(count)]


def _batch(run_cli, source: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    return run_cli("batch", str(source), "--out", str(out), "--made-on", "2026-11-25", "--jobs", "1", *extra)


def _manifest(out: Path) -> list[dict[str, str]]:
    with (out / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _command(source: Path, out: Path, jobs: int = 1) -> list[str]:
    return [sys.executable, "-m", "generator", "batch", str(source), "--out", str(out), "--jobs", str(jobs)]


@contextlib.contextmanager
def _tmpfs(path: Path, options: str) -> Iterator[Path]:
    """A small tmpfs at `path` (needs root); skips the test where mounting is not allowed."""
    path.mkdir()
    if os.geteuid() != 0 or not LINUX:
        pytest.skip("mounting a tmpfs needs root on Linux")
    mount = ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)]
    result = subprocess.run(mount, capture_output=True, check=False)
    if result.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


def _raw_csv(path: Path, names: list[str]) -> Path:
    """A CSV file written by hand, so a cell can hold a stray quote."""
    lines = [",".join(HEADER), *(",".join([f"U{i}", name, *RX]) for i, name in enumerate(names, start=1))]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_unclosed_quote_stops_the_batch_before_any_work(run_cli, tmp_path) -> None:
    source = _raw_csv(tmp_path / "p.csv", ["Maria Lopez", '"Ann Lee', "Zoe Ng", "Ali Khan"])
    out = tmp_path / "out"
    code, _, err = _batch(run_cli, source, out)
    assert code == 2
    assert err.startswith(f"Error: {source} line 3: not readable as CSV (unexpected end of data)")
    assert "Ann" not in err
    assert not out.exists()


def test_a_quote_that_closes_rows_later_stops_the_batch(run_cli, tmp_path) -> None:
    """The quote pairs up with one three lines down: rows 3-5 would have become one cell."""
    source = _raw_csv(tmp_path / "p.csv", ['"Ann Lee', "Zoe", 'Ali "Bo"'])
    out = tmp_path / "out"
    code, _, err = _batch(run_cli, source, out)
    assert code == 2
    assert err.startswith(f"Error: {source} line 2: ")
    assert "Nothing was made" in err and not out.exists()


def test_a_missing_header_row_is_not_echoed(run_cli, tmp_path) -> None:
    source = write_csv(tmp_path / "p.csv", ["A1", "Maria Lopez", *RX], _rows(1))
    code, _, err = _batch(run_cli, source, tmp_path / "out")
    assert (code, err) == (2, f"Error: {source}: line 1 is not a header of known columns; is the header row missing?\n")
    source = write_csv(tmp_path / "q.csv", [*HEADER, "patient.nick", "Maria Lopez"], [])
    code, _, err = _batch(run_cli, source, tmp_path / "out")
    listed = "patient.nick, 1 other unknown column(s)"
    assert err == f"Error: {source}: unknown column(s) {listed} (see docs/batches.md, batch columns)\n"


def test_every_csv_line_is_in_the_manifest(run_cli, tmp_path) -> None:
    rows = [*_rows(2), ["X1", "Ann", *RX[:2], "9" * 5000, *RX[3:]], ["X2", "Bo", *RX[:3], "[" * 50_000, *RX[4:]]]
    rows += [["X3", "Cy", *RX[:3], "9" * 400, *RX[4:]], *_rows(1, "C")]
    source = write_csv(tmp_path / "p.csv", HEADER, rows)
    out = tmp_path / "out"
    code, stdout, err = _batch(run_cli, source, out)
    assert code == 1 and "3 made, 3 failed" in stdout, stdout + err
    manifest = _manifest(out)
    assert [m["row"] for m in manifest] == ["2", "3", "4", "5", "6", "7"]
    reasons = {m["id"]: m["reason"] for m in manifest}
    assert reasons["X1"].startswith("p.csv row 4: prescription.dose_mg: expected a number in plain digits")
    assert reasons["X2"].startswith("p.csv row 5: prescription.times_per_day: expected a whole number")
    assert reasons["X3"].startswith("p.csv row 6: prescription.times_per_day: expected a whole number")


def test_one_bad_json_line_fails_only_its_row(run_cli, tmp_path) -> None:
    lines = [
        json.dumps({**RECORD, "id": "J1"}),
        json.dumps({**RECORD, "id": "J2"}).replace('"days_supply": 14', f'"days_supply": {"9" * 5000}'),
        json.dumps({**RECORD, "id": "J3"}).replace('"days_supply": 14', f'"days_supply": {"9" * 400}'),
        json.dumps({**RECORD, "id": "J4", "x": "y"}).replace('"x": "y"', '"x": ' + "[" * 1000 + "]" * 1000),
        json.dumps({**RECORD, "id": "J5"})[:-1] + ', "patient": {"name": "Other Person"}}',
        json.dumps({**RECORD, "id": "J6"}).replace('"dose_mg": 350', '"dose_mg": NaN'),
        json.dumps({**RECORD, "id": "J7", "x": "y" * 70_000}),
        json.dumps({**RECORD, "id": "J8"}),
    ]
    source = tmp_path / "p.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    code, stdout, err = _batch(run_cli, source, out)
    assert code == 1 and "2 made, 6 failed" in stdout
    assert "Traceback" not in err
    reasons = [m["reason"] for m in _manifest(out)]
    assert reasons[0] == reasons[7] == ""
    assert reasons[1].startswith("p.jsonl line 2: prescription.days_supply: number too large (more than 18 digits)")
    assert reasons[2].startswith("p.jsonl line 3: prescription.days_supply: number too large")
    assert reasons[3] == "p.jsonl line 4: x[0][0]: nested deeper than 16 levels"
    assert reasons[4] == "p.jsonl line 5: patient: given twice"
    assert reasons[5].startswith("p.jsonl line 6: prescription.dose_mg: not a finite number (NaN or Infinity)")
    assert reasons[6] == "p.jsonl line 7: longer than 64 KiB"
    assert sorted(p.name for p in out.glob("*.pdf")) == ["J1.pdf", "J8.pdf"]


def test_ids_that_a_spreadsheet_would_run_are_neutralised(run_cli, tmp_path) -> None:
    ids = ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tTAB", "\rCR", '=HYPERLINK("http://x")']
    source = tmp_path / "p.jsonl"
    source.write_text("\n".join(json.dumps({**RECORD, "id": i}) for i in ids) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    _batch(run_cli, source, out)
    assert [m["id"] for m in _manifest(out)] == ["'" + i for i in ids]
    with (out / "manifest.csv").open(encoding="utf-8", newline="") as handle:
        for cells in csv.reader(handle):
            assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]
    assert all(line.startswith(b'"') for line in (out / "manifest.csv").read_bytes().split(b"\r\n") if line)


def test_a_read_only_folder_gives_one_clear_error(run_cli, tmp_path) -> None:
    source = write_csv(tmp_path / "p.csv", HEADER, _rows(2))
    with _tmpfs(tmp_path / "ro", "ro,size=1m") as folder:
        code, stdout, err = _batch(run_cli, source, folder)
        assert (code, stdout) == (2, "")
        assert err == f"Error: {folder}: --out: cannot write in this folder (Read-only file system); nothing was made\n"


def test_a_full_disk_fails_rows_cleanly_and_keeps_a_complete_manifest(run_cli, tmp_path) -> None:
    source = write_csv(tmp_path / "p.csv", HEADER, _rows(24))
    with _tmpfs(tmp_path / "disk", "size=300k") as disk:
        out = disk / "out"
        code, _, err = _batch(run_cli, source, out)
        assert code == 1 and "Traceback" not in err
        manifest = _manifest(out)
        assert [m["row"] for m in manifest] == [str(n) for n in range(2, 26)]  # every row, made or failed
        failed = [m for m in manifest if m["status"] == "failed"]
        assert failed and all("No space left on device" in m["reason"] for m in failed)
        for made in (m for m in manifest if m["status"] == "made"):
            assert (out / f"{made['id']}.pdf").stat().st_size > 1000
        for gone in failed:
            assert not (out / f"{gone['id']}.pdf").exists()
        assert not list(out.glob(".*.part")) and not list((out / ".handout-state").glob(".*.part"))


def test_a_disk_already_full_stops_before_any_work(run_cli, tmp_path) -> None:
    source = write_csv(tmp_path / "p.csv", HEADER, _rows(200))
    with _tmpfs(tmp_path / "disk", "size=256k") as disk:
        filler = disk / "filler"
        with contextlib.suppress(OSError), filler.open("wb") as handle:
            handle.write(b"x" * 250 * 1024)
        code, _, err = _batch(run_cli, source, disk / "out")
        assert code == 2
        assert err == (
            f"Error: {disk / 'out' / 'manifest.csv'}: cannot write the manifest (No space left on device); "
            "nothing was made\n"
        )
        assert sorted(p.name for p in (disk / "out").iterdir()) == [".handout-batch.lock"]


def test_a_manifest_write_that_fails_keeps_the_complete_lines(run_cli, tmp_path, monkeypatch) -> None:
    """The disk fills up between rows despite the reservation: half a line is dropped, the rest renamed in place."""
    source = write_csv(tmp_path / "p.csv", HEADER, _rows(4))
    out = tmp_path / "out"
    real_write = Manifest._write
    lines = []

    def failing_write(self: Manifest, cells: dict[str, object]) -> None:
        lines.append(cells)
        if len(lines) == 4:  # header, two rows, then this one runs out of space halfway
            self.file.write(b'"4","B002","ma')
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(self, cells)

    monkeypatch.setattr(Manifest, "_write", failing_write)
    code, _, err = _batch(run_cli, source, out)
    assert code == 2
    assert err == (
        f"Error: {out / 'manifest.csv'}: cannot write the manifest (No space left on device); the batch stopped, "
        "the manifest lists the 2 row(s) finished before this\n"
    )
    assert [m["id"] for m in _manifest(out)] == ["B000", "B001"]
    assert (out / "manifest.csv").read_bytes().endswith(b' files)",""\r\n')  # a whole line: content_status, audit last
    assert not list(out.glob(".*.part"))


def test_a_second_batch_into_the_same_folder_refuses_to_start(run_cli, tmp_path) -> None:
    source = write_csv(tmp_path / "p.csv", HEADER, _rows(8))
    out = tmp_path / "out"
    first = subprocess.Popen([*_command(source, out), "--made-on", "2026-11-25"], stdout=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while not (out / ".manifest.csv.part").exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    code, stdout, err = _batch(run_cli, source, out)
    assert (code, stdout) == (2, "")
    assert err == (
        f"Error: {out}: --out: another batch is writing into this folder; "
        "wait for it to finish or choose another folder (nothing was made)\n"
    )
    stdout, _ = first.communicate(timeout=120)
    assert first.returncode == 0 and "8 made, 0 failed" in stdout
    assert len(_manifest(out)) == 8
    with folder_lock(out):  # released when the first batch ended
        pass


def _descendants(pid: int) -> set[int]:
    children = running_children()
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


@pytest.mark.skipif(not LINUX, reason="reads /proc")
def test_workers_die_with_a_killed_batch(tmp_path) -> None:
    source = write_csv(tmp_path / "p.csv", HEADER, _rows(60))
    out = tmp_path / "out"
    batch = subprocess.Popen([*_command(source, out, jobs=2), "--made-on", "2026-11-25"], stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(list(out.glob("B*.pdf"))) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    workers = _descendants(batch.pid)
    assert len(workers) >= 2
    batch.send_signal(signal.SIGKILL)
    batch.wait(timeout=10)
    deadline = time.monotonic() + 10
    while any(_running(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not [pid for pid in workers if _running(pid)]


def test_the_watchdog_ends_a_worker_whose_batch_is_gone(tmp_path) -> None:
    """Where the kernel cannot send the signal, the watchdog thread ends the worker within seconds."""
    stand_in = subprocess.Popen(["sleep", "60"])
    worker = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from generator.workers.life import watch_parent; "
            "watch_parent(int(sys.argv[1])); time.sleep(60)",
            str(stand_in.pid),
        ]
    )
    time.sleep(1.5)
    assert worker.poll() is None
    stand_in.kill()
    stand_in.wait()
    assert worker.wait(timeout=10) == 1
