"""Load test of `handout serve` on loopback. Run from the repository root:

    python benchmarks/load.py [--seconds 10] [--clients 1 20 60] [--workers 1 2] [--max-requests 5000] [--rounds 1]

For each number of workers it starts `handout serve` on 127.0.0.1 (a free port, nothing
else is contacted), then for each number of clients runs them for --seconds (and at most
--max-requests requests in all), each client posting the sample patient to /api/handouts
one request after another, while one more client asks GET /api/topics every 50 ms. A
client answered 503 waits the Retry-After it is given (at most 2 s) and tries again, as a
well-behaved front end would. It prints PDFs per second, latency percentiles of the PDFs
and of /api/topics, how many requests were refused with 503, and the CPU each PDF cost the
server process, its workers together and these clients (Linux, from /proc; refused requests'
CPU is counted in); then the throughput of the most workers against one worker at each client
count (with --rounds N, the worker counts run alternately N times and the ratio is the median:
this machine's speed drifts by minutes). The clients run on the same machine as the server, so
with every core making leaflets they take their share of it. Everything stops by itself.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"
BODY = json.dumps(
    {
        "patient": {"name": "Maria Lopez", "preferred_name": "Maria", "age": 47},
        "prescriber": {"name": "Dr. Sam Lee", "phone": "555-0100"},
        "prescription": {
            "medicine": "carisoprodol",
            "dose_mg": 350,
            "times_per_day": 3,
            "start": "2026-11-24",
            "days_supply": 14,
        },
    }
).encode()
HEADERS = {"Content-Type": "application/json"}
TIMEOUT = 60.0
"""Longest any one request may take before the client gives up on it."""


@dataclass
class Tally:
    """What the clients saw in one run (appends from several threads; list.append is atomic)."""

    pdf_ms: list[float] = field(default_factory=list)
    topics_ms: list[float] = field(default_factory=list)
    busy: int = 0
    errors: int = 0
    requests: int = 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def _request(port: int, method: str, path: str, body: bytes | None) -> tuple[int, float, str]:
    """(status, milliseconds, Retry-After) of one request on a fresh connection."""
    start = time.perf_counter()
    connection = http.client.HTTPConnection(HOST, port, timeout=TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=HEADERS if body else {})
        response = connection.getresponse()
        response.read()
        return response.status, (time.perf_counter() - start) * 1000, response.getheader("Retry-After") or "1"
    finally:
        connection.close()


def _client(port: int, tally: Tally, stop: threading.Event, budget: threading.Semaphore) -> None:
    while not stop.is_set() and budget.acquire(blocking=False):
        tally.requests += 1
        try:
            status, ms, retry = _request(port, "POST", "/api/handouts", BODY)
        except OSError:
            tally.errors += 1
            continue
        if status == 200:
            tally.pdf_ms.append(ms)
        elif status == 503:
            tally.busy += 1
            stop.wait(min(float(retry), 2.0))
        else:
            tally.errors += 1


def _prober(port: int, tally: Tally, stop: threading.Event) -> None:
    while not stop.is_set():
        try:
            status, ms, _ = _request(port, "GET", "/api/topics", None)
        except OSError:
            tally.errors += 1
            continue
        if status == 200:
            tally.topics_ms.append(ms)
        stop.wait(0.05)


def _percentiles(values: list[float]) -> str:
    if len(values) < 2:
        return "    -      -      -"
    cuts = statistics.quantiles(values, n=100, method="inclusive")
    return f"{cuts[49]:6.0f} {cuts[94]:6.0f} {cuts[98]:6.0f}"


def run(port: int, clients: int, seconds: float, max_requests: int) -> tuple[Tally, float]:
    """`clients` posting clients and one topics prober for `seconds` (or `max_requests` posts)."""
    tally, stop, budget = Tally(), threading.Event(), threading.Semaphore(max_requests)
    threads = [threading.Thread(target=_client, args=(port, tally, stop, budget)) for _ in range(clients)]
    threads.append(threading.Thread(target=_prober, args=(port, tally, stop)))
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join(TIMEOUT + 5)
    return tally, time.perf_counter() - start


def _wait_until_up(port: int, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if _request(port, "GET", "/api/topics", None)[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not start")


def _cpu_seconds(pid: int) -> float:
    """User and system CPU seconds of process `pid` (all its threads), from /proc; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cpu_by_part(server: int) -> dict[str, float]:
    """CPU seconds so far of the server process, of its workers together, and of this load generator."""
    children = Path(f"/proc/{server}/task/{server}/children")
    workers = [int(pid) for pid in children.read_text().split()] if children.exists() else []
    mine = os.times()
    return {
        "server": _cpu_seconds(server),
        "workers": sum(_cpu_seconds(pid) for pid in workers),
        "clients": mine.user + mine.system,
    }


def serve(workers: int, clients: list[int], seconds: float, max_requests: int) -> dict[int, float]:
    """Start a server with `workers` workers, run each client count; PDFs/s per client count."""
    port = _free_port()
    command = [sys.executable, "-m", "generator", "serve", "--host", HOST, "--port", str(port)]
    command += ["--workers", str(workers)]
    rates: dict[int, float] = {}
    # the server's access log goes to a file: a pipe nobody reads would fill up and stall the server
    with tempfile.TemporaryFile() as log:
        server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=log)
        try:
            _wait_until_up(port, server)
            run(port, 2, 2.0, 50)  # warm every worker up
            print(
                f"\n{workers} worker(s): clients  PDFs/s  PDF p50/p95/p99 ms  topics p50/p95/p99 ms  503s  errors"
                "   CPU ms a PDF: server workers clients"
            )
            for count in clients:
                before = _cpu_by_part(server.pid)
                tally, elapsed = run(port, count, seconds, max_requests)
                after = _cpu_by_part(server.pid)
                rates[count] = len(tally.pdf_ms) / elapsed
                per_pdf = "  ".join(
                    f"{(after[part] - before[part]) * 1000 / max(len(tally.pdf_ms), 1):5.1f}" for part in after
                )
                print(
                    f"{'':13}{count:7} {rates[count]:7.1f}  {_percentiles(tally.pdf_ms)}    "
                    f"{_percentiles(tally.topics_ms)}   {tally.busy:5} {tally.errors:6}   {per_pdf}"
                )
        finally:
            server.terminate()
            try:
                server.wait(30)
            except subprocess.TimeoutExpired:
                server.kill()
    return rates


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=10.0, help="length of each run (default 10)")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 20, 60])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--max-requests", type=int, default=5000, help="most PDF requests in one run")
    parser.add_argument(
        "--rounds", type=int, default=1, help="run the worker counts alternately this many times (ratios: median)"
    )
    args = parser.parse_args()
    rounds = [
        {workers: serve(workers, args.clients, args.seconds, args.max_requests) for workers in args.workers}
        for _ in range(args.rounds)
    ]
    low, high = min(args.workers), max(args.workers)
    if low != high:
        print(f"\nThroughput, {high} workers against {low} (median of {args.rounds} alternated round(s)):")
        for count in args.clients:
            ratios = [r[high][count] / r[low][count] if r[low][count] else float("nan") for r in rounds]
            each = ", ".join(f"{ratio:.2f}" for ratio in ratios)
            print(f"  {count:3} clients: {statistics.median(ratios):.2f}x (each round: {each})")


if __name__ == "__main__":
    main()
