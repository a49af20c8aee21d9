"""The web server's limits on a request's head, on a real uvicorn server on loopback: the target, the header lines
and their bytes are counted as they arrive; a request over a limit is answered 414 or 431 and its connection
closed, the rest unread. Requests within the limits, kept-alive connections included, are answered as before."""

from __future__ import annotations

import contextlib
import re
import socket
import time
from pathlib import Path

import pytest

from generator.web.server import MAX_HEAD_BYTES, MAX_HEADERS, MAX_URL_BYTES

HOST = b"Host: 127.0.0.1\r\n"


def _port(live_server) -> int:
    return int(live_server().rsplit(":", 1)[1])


def _answer(sock: socket.socket) -> bytes:
    """One whole answer (head and a body of its Content-Length), or what came before the connection closed."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(re.search(rb"content-length: (\d+)", head, re.IGNORECASE)[1])
    while len(body) < length:
        body += sock.recv(65536)
    return head + b"\r\n\r\n" + body


def _rss_kib() -> int:
    """This process's resident memory (the live server runs in it)."""
    return int(re.search(r"VmRSS:\s+(\d+) kB", Path("/proc/self/status").read_text())[1])


def _headers(count: int, value_bytes: int) -> bytes:
    return b"".join(b"X-Pad-%03d: %s\r\n" % (index, b"v" * value_bytes) for index in range(count))


def test_a_never_ending_header_is_cut_off_without_being_kept(live_server) -> None:
    """A header sent on and on (here up to 64 MiB): 431 and the connection closed after a few hundred KiB, and the
    server's memory does not grow by what was sent (without the limit it held all of it until the read deadline)."""
    port = _port(live_server)
    chunk, sent = b"a" * 65536, 0
    before = peak = _rss_kib()
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(b"GET /api/topics HTTP/1.1\r\n" + HOST + b"X-Long: ")
        with contextlib.suppress(ConnectionResetError, BrokenPipeError):
            while sent < 64 * 2**20:
                sock.sendall(chunk)
                sent += len(chunk)
                peak = max(peak, _rss_kib())
        answer = _answer(sock)
    assert sent < 16 * 2**20, f"{sent // 2**20} MiB sent before the connection was closed"  # socket buffers: a few MiB
    assert answer.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n"), answer[:100]
    assert answer.endswith(b'{"error": "the request headers are over the 32 KiB limit", "errors": []}')
    assert peak - before < 8 * 1024, f"the server grew by {(peak - before) // 1024} MiB"


@pytest.mark.parametrize(
    ("target", "headers", "status", "message"),
    [
        (b"/api/topics", _headers(MAX_HEADERS, 1), b"431 Request Header Fields Too Large", b"more than 100 request"),
        (b"/api/topics", _headers(33, 1000), b"431 Request Header Fields Too Large", b"over the 32 KiB limit"),
        (b"/api/topics?" + b"q" * MAX_URL_BYTES, b"", b"414 Request-URI Too Long", b"URL is over the 8 KiB limit"),
    ],
    ids=["101 header lines", "33 KB of headers", "8 KiB and 12 bytes of URL"],
)
def test_a_head_over_a_limit_is_refused(live_server, target, headers, status, message) -> None:
    with socket.create_connection(("127.0.0.1", _port(live_server)), timeout=5) as sock:
        sock.sendall(b"GET %s HTTP/1.1\r\n%s%s\r\n" % (target, HOST, headers))
        answer = _answer(sock)
        assert sock.recv(10) == b""  # closed after the answer
    assert answer.startswith(b"HTTP/1.1 " + status + b"\r\n") and message in answer, answer


def test_heads_at_the_limits_are_answered_on_a_kept_alive_connection(live_server) -> None:
    """Two requests, each with the longest URL, 100 header lines and nearly 32 KiB of head, on one connection."""
    target = b"/api/topics?" + b"q" * (MAX_URL_BYTES - len(b"/api/topics?"))
    padding = (MAX_HEAD_BYTES - len(target) - len(b"Host127.0.0.1")) // (MAX_HEADERS - 1) - len(b"X-Pad-000")
    request = b"GET %s HTTP/1.1\r\n%s%s\r\n" % (target, HOST, _headers(MAX_HEADERS - 1, padding))
    with socket.create_connection(("127.0.0.1", _port(live_server)), timeout=5) as sock:
        for _ in range(2):
            sock.sendall(request)
            answer = _answer(sock)
            assert answer.startswith(b"HTTP/1.1 200 OK\r\n") and b'"topics"' in answer, answer[:200]
        sock.sendall(b"GET /api/topics HTTP/1.1\r\n" + HOST + b"Connection: close\r\n\r\n")
        assert _answer(sock).startswith(b"HTTP/1.1 200 OK\r\n")


def test_headers_that_arrive_slowly_count_once(live_server) -> None:
    """Two 12 KiB headers, each in 1 KiB pieces read one by one: 24 KiB of head, under the limit."""
    with socket.create_connection(("127.0.0.1", _port(live_server)), timeout=5) as sock:
        sock.sendall(b"GET /api/topics HTTP/1.1\r\n" + HOST)
        for name in (b"X-One", b"X-Two"):
            sock.sendall(name + b": ")
            for _ in range(12):
                time.sleep(0.01)
                sock.sendall(b"v" * 1024)
            sock.sendall(b"\r\n")
        sock.sendall(b"Connection: close\r\n\r\n")
        assert _answer(sock).startswith(b"HTTP/1.1 200 OK\r\n")
