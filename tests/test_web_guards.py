"""The web server's guards: security headers, Host check, the clinic from config only, the access log,
the access token's source and length, and slow clients (a real uvicorn server on loopback)."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import logging
import re
import socket
import threading
import time

import pytest
import uvicorn
from fastapi.testclient import TestClient
from test_web import VALID, _settings

from generator.web.app import create_app
from generator.web.guards import ACCESS_LOG, PAGE_POLICY, host_name


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(_settings()), base_url="http://127.0.0.1:8000")


def test_security_headers_on_every_answer(client) -> None:
    for response in (client.get("/"), client.get("/static/app.js"), client.get("/api/topics")):
        assert response.headers["content-security-policy"] == PAGE_POLICY
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
    assert "frame-ancestors 'self'" in PAGE_POLICY and "script-src 'self';" in PAGE_POLICY
    assert "unsafe-inline" not in PAGE_POLICY
    pdf = client.post("/api/handouts", json=VALID)
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["cache-control"] == "no-store"
    assert pdf.headers["content-security-policy"] == PAGE_POLICY
    assert client.get("/api/topics").headers["cache-control"] == "no-store"


def test_the_page_has_no_inline_script_or_style(client) -> None:
    page = client.get("/").text
    assert not re.search(r"<script>|<style|\sstyle=|\son[a-z]+=", page)


def test_api_docs_allow_only_their_own_inline_script(client) -> None:
    response = client.get("/docs")
    assert response.status_code == 200
    [script] = re.findall(r"<script>(.*?)</script>", response.text, re.DOTALL)
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    policy = response.headers["content-security-policy"]
    assert f"'sha256-{digest}'" in policy and "'unsafe-inline'" not in policy.split("style-src")[0]
    assert client.get("/redoc").status_code == 404


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", "192.168.1.5"])
def test_other_host_names_are_refused(host) -> None:
    """DNS rebinding: a page on another site resolving its name to 127.0.0.1 gets nothing."""
    other = TestClient(create_app(_settings()), base_url=f"http://{host}")
    for response in (other.get("/"), other.get("/api/topics"), other.post("/api/handouts", json=VALID)):
        assert response.status_code == 421
        assert "--allowed-host" in response.json()["error"]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost:8000", "LOCALHOST.", "[::1]:8000", "[::1]", "[0:0::1]"])
def test_loopback_names_are_answered(host) -> None:
    assert TestClient(create_app(_settings()), base_url=f"http://{host}").get("/api/topics").status_code == 200


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("localhost", "localhost"),
        ("Desk.Clinic.Example.:8443", "desk.clinic.example"),
        ("127.0.0.1:8000", "127.0.0.1"),
        ("[::1]:8000", "::1"),
        ("[0:0:0:0:0:0:0:1]", "::1"),
        ("[::1]evil.example", None),  # the brackets' end is not the header's end
        ("[::1]:", None),
        ("[::1]:80a", None),
        ("[fe80::1%eth0]", None),
        ("[v1.future]", None),
        ("::1", None),
        ("localhost:", None),
        ("localhost:8000:1", None),
        ("user@localhost", None),
        ("localhost/evil", None),
        ("local host", None),
        ("localhost..", "localhost."),
        ("", None),
    ],
)
def test_host_headers_are_read_strictly(header, name) -> None:
    assert host_name(header) == name


@pytest.mark.parametrize("host", ["[::1]evil.example", "[::1]:80a", "user@localhost", "localhost/evil", "local host"])
def test_malformed_host_headers_are_refused(client, host) -> None:
    response = client.get("/api/topics", headers={"host": host})
    assert response.status_code == 400
    assert response.json()["error"].startswith("send exactly one Host header: a host name or [IPv6 address]")


def test_configured_names_are_answered() -> None:
    import dataclasses

    settings = dataclasses.replace(_settings(), allowed_hosts=("desk.clinic.example",))
    assert TestClient(create_app(settings), base_url="http://desk.clinic.example").get("/").status_code == 200
    assert TestClient(create_app(settings), base_url="http://localhost").get("/").status_code == 421


def test_a_clinic_in_the_request_is_refused(client) -> None:
    spoofed = {**VALID, "clinic": {"name": "Spoof", "phone": "1-900-555-0100"}}
    response = client.post("/api/handouts", json=spoofed)
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"field": "clinic", "message": "not accepted here: the clinic comes from the server's config"}
    ]
    assert "1-900" not in response.text
    schema = client.get("/openapi.json").json()["paths"]["/api/handouts"]["post"]["requestBody"]
    assert "clinic" not in schema["content"]["application/json"]["schema"]["properties"]


class _Lines(logging.Handler):
    """Keeps the messages logged to it."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(record.getMessage())


def test_access_log_holds_method_path_status_and_time_only(client) -> None:
    collect, level = _Lines(), ACCESS_LOG.level
    ACCESS_LOG.setLevel(logging.INFO)
    ACCESS_LOG.addHandler(collect)
    try:
        client.get("/api/topics?patient=Maria+Lopez&dob=1979-03-05")
        client.post("/api/handouts?x=Lopez", json={**VALID, "patient": {"name": "Maria Lopez"}})
    finally:
        ACCESS_LOG.removeHandler(collect)
        ACCESS_LOG.setLevel(level)
    lines = collect.lines
    assert len(lines) == 2, lines
    assert re.fullmatch(r"GET /api/topics 200 \d+ ms", lines[0]), lines
    assert re.fullmatch(r"POST /api/handouts 200 \d+ ms", lines[1]), lines
    logged = " ".join(lines)
    assert "Maria" not in logged and "Lopez" not in logged and "1979" not in logged
    assert "127.0.0.1" not in logged and "testclient" not in logged


def test_uvicorn_access_log_is_off() -> None:
    from generator.web.server import server_config

    assert server_config(_settings(), "127.0.0.1", 8000).access_log is False


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["--token", "a-long-enough-token-1234"], None, "--token: a token on the command line is visible"),
        ([], "short", "HANDOUT_WEB_TOKEN: the access token must be at least 16 characters"),
        (["--token-file", "{file}"], None, "the access token must be at least 16 characters"),
        (["--token-file", "{file}"], "a-long-enough-token-1234", "HANDOUT_WEB_TOKEN is set too"),
        (["--token-file", "{missing}"], None, "cannot read the token file (FileNotFoundError)"),
        (["--host", "0.0.0.0", "--allow-remote"], "a-long-enough-token-1234", "name the host browsers will use"),
    ],
)
def test_token_sources_and_length(run_cli, monkeypatch, tmp_path, args, env, message) -> None:
    token_file = tmp_path / "token"
    token_file.write_text("too-short\n")
    args = [a.format(file=token_file, missing=tmp_path / "nope") for a in args]
    monkeypatch.delenv("HANDOUT_WEB_TOKEN", raising=False)
    if env:
        monkeypatch.setenv("HANDOUT_WEB_TOKEN", env)
    code, _, err = run_cli("serve", *args)
    assert code == 2 and message in err, err
    assert "too-short" not in err and "a-long-enough" not in err


def test_token_file_and_allowed_hosts_reach_the_server(run_cli, monkeypatch, tmp_path) -> None:
    started = {}
    monkeypatch.setattr("generator.web.server.serve", lambda settings, host, port: started.update(s=settings))
    monkeypatch.delenv("HANDOUT_WEB_TOKEN", raising=False)
    token_file = tmp_path / "token"
    token_file.write_text("  front-desk-token-2026-abc\n")
    args = ["--host", "0.0.0.0", "--allow-remote", "--token-file", str(token_file), "--allowed-host", "desk.example"]
    code, _, err = run_cli("serve", *args, "--behind-proxy", "127.0.0.1")
    assert code == 0, err
    assert started["s"].token == "front-desk-token-2026-abc"
    assert started["s"].allowed_hosts == ("127.0.0.1", "localhost", "::1", "desk.example")


def _is_closed(sock: socket.socket) -> bool:
    sock.setblocking(False)
    try:
        return sock.recv(4096) == b""
    except BlockingIOError:
        return False
    except OSError:
        return True
    finally:
        sock.setblocking(True)


def test_slow_headers_and_bodies_are_cut_off(live_server) -> None:
    """5 clients dribbling a request body and 5 dribbling headers are all closed within a few seconds."""
    url = live_server()
    port = int(url.rsplit(":", 1)[1])
    body_start = (
        b"POST /api/handouts HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
        b"Content-Length: 5000\r\n\r\n{"
    )
    clients = []
    for start, drip in [(body_start, b" ")] * 5 + [(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n", b"X-A: b\r\n")] * 5:
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(start)
        clients.append((sock, drip))
    began = time.monotonic()
    open_ = list(clients)
    while open_ and time.monotonic() - began < 20:
        time.sleep(0.5)
        for sock, drip in list(open_):
            with contextlib.suppress(OSError):
                sock.sendall(drip)
            if _is_closed(sock):
                open_.remove((sock, drip))
                sock.close()
    took = time.monotonic() - began
    assert not open_, f"{len(open_)} slow connection(s) still open after {took:.0f} s"
    assert took < 5 + 3  # the default read deadline is 5 s
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:  # the server still answers
        sock.sendall(b"GET /api/topics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        assert sock.recv(100).startswith(b"HTTP/1.1 200")


def test_a_connection_answered_before_its_body_arrived_still_times_out(live_server) -> None:
    """A refusal sent before the body is in (here 421) leaves no connection open for ever once the body ends."""
    port = int(live_server().rsplit(":", 1)[1])
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(b"POST /api/handouts HTTP/1.1\r\nHost: attacker.example\r\nContent-Length: 10\r\n\r\n12345")
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += sock.recv(4096)
        assert answer.startswith(b"HTTP/1.1 421")
        time.sleep(0.3)
        sock.sendall(b"67890")  # the rest of the body, after the answer
        began = time.monotonic()
        sock.settimeout(10)
        with contextlib.suppress(ConnectionResetError):
            while sock.recv(4096):  # the rest of the answer, then the end of the connection
                pass
        assert time.monotonic() - began < 5 + 3  # the keep-alive timeout is 5 s


def test_a_request_in_the_same_read_as_an_early_answered_body_is_not_cut_off() -> None:
    """The keep-alive timer set when a refused request's body ends does not close the next request's connection."""
    from generator.web.server import DeadlineProtocol

    async def app(scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        if scope["path"] == "/slow":
            await asyncio.sleep(1.5)  # longer than the keep-alive timeout below
        status, body = (421, b"early") if scope["path"] == "/early" else (200, b"made")
        headers = [(b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = {"http": DeadlineProtocol, "timeout_keep_alive": 0.5, "log_level": "warning", "lifespan": "off"}
    config = uvicorn.Config(app, host="127.0.0.1", port=port, **settings)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 20
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(b"POST /early HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n12345")
            answer = b""
            while not answer.endswith(b"early"):
                answer += sock.recv(4096)
            sock.sendall(b"67890GET /slow HTTP/1.1\r\nHost: a\r\n\r\n")  # the body's end and the next request
            answer = b""
            while chunk := sock.recv(4096):
                answer += chunk
                if answer.endswith(b"made"):
                    break
        assert answer.startswith(b"HTTP/1.1 200") and answer.endswith(b"made")
    finally:
        server.should_exit = True
        thread.join(10)


def _ask(port: int, request: bytes) -> bytes:
    """Send one raw request with Connection: close; the whole answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(request)
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
    return answer


def test_real_server_refuses_a_rebound_host(live_server) -> None:
    port = int(live_server().rsplit(":", 1)[1])
    answer = _ask(port, b"GET /api/topics HTTP/1.1\r\nHost: attacker.example:%d\r\nConnection: close\r\n\r\n" % port)
    assert answer.startswith(b"HTTP/1.1 421")
    assert b"content-security-policy" in answer.lower() and b"clinic" not in answer.lower()


@pytest.mark.parametrize(
    ("target", "hosts", "status"),
    [
        (b"http://evil.example/api/topics", [b"localhost"], b"421"),  # the target's host wins (RFC 9112 3.2.2) ...
        (b"http://evil.example:80/api/topics", [b"127.0.0.1"], b"421"),
        (b"http://localhost/api/topics", [b"evil.example"], b"200"),  # ... either way
        (b"HTTP://[::1]:8000/api/topics?x=1", [b"localhost"], b"200"),
        (b"http://user@localhost/api/topics", [b"localhost"], b"400"),
        (b"http://localhost/api/topics", [], b"400"),  # a Host header is still required
        (b"/api/topics", [b"localhost", b"localhost"], b"400"),
        (b"/api/topics", [b"localhost", b"evil.example"], b"400"),
        (b"/api/topics", [b"[::1]evil.example"], b"400"),
    ],
)
def test_real_server_checks_the_host_an_absolute_target_names(live_server, target, hosts, status) -> None:
    port = int(live_server().rsplit(":", 1)[1])
    host_lines = b"".join(b"Host: %s\r\n" % host for host in hosts)
    answer = _ask(port, b"GET %s HTTP/1.1\r\n%sConnection: close\r\n\r\n" % (target, host_lines))
    assert answer.startswith(b"HTTP/1.1 " + status), answer[:200]
