"""`handout serve --behind-proxy` behind a real Caddy (Debian's) that terminates TLS and signs staff in (basic
auth), naming them in X-Forwarded-User: the name counts only from the proxy; nobody else may connect; the proxy
must say the request came over HTTPS."""

from __future__ import annotations

import base64
import json
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from helpers import client_context, request, tls_files
from test_web_staff import FORM

from generator.web.accounts import Accounts, add_account, read_accounts

CADDY = shutil.which("caddy")
PASSWORD = "desk-pass-2026"
CADDYFILE = """{{
	admin off
	skip_install_trust
}}
https://127.0.0.1:{port} {{
	tls {cert} {key}
	basicauth {{
		alice {hash}
		bob {hash}
		carol {hash}
	}}
	reverse_proxy 127.0.0.1:{upstream} {{
		header_up X-Forwarded-User {{http.auth.user.id}}
	}}
}}
"""
"""The documented Caddyfile (docs/operations.md), on test ports, with basic auth standing in for a clinic's SSO."""

pytestmark = pytest.mark.skipif(CADDY is None, reason="Debian's caddy is not installed (.ci/run installs it)")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _start_caddy(folder: Path, upstream: int, cert: Path, key: Path) -> tuple[subprocess.Popen[bytes], int]:
    assert CADDY is not None
    password_hash = subprocess.run(
        [CADDY, "hash-password", "--plaintext", PASSWORD], check=True, capture_output=True, text=True
    ).stdout.strip()
    port = _free_port()
    config = folder / "Caddyfile"
    config.write_text(CADDYFILE.format(port=port, cert=cert, key=key, hash=password_hash, upstream=upstream))
    home = {"HOME": str(folder), "XDG_DATA_HOME": str(folder / "data"), "XDG_CONFIG_HOME": str(folder / "config")}
    with (folder / "caddy.log").open("wb") as caddy_log:
        caddy = subprocess.Popen(
            [CADDY, "run", "--config", str(config), "--adapter", "caddyfile"],
            env={"PATH": "/usr/bin:/bin", **home},
            stdout=subprocess.DEVNULL,
            stderr=caddy_log,
        )
    deadline = time.monotonic() + 30
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return caddy, port
        except OSError:
            assert caddy.poll() is None, (folder / "caddy.log").read_text()
            assert time.monotonic() < deadline, "caddy did not start listening"
            time.sleep(0.1)


def _basic(name: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{name}:{PASSWORD}".encode()).decode()}


def test_behind_caddy_the_proxy_names_the_person_and_no_one_else_may_connect(live_servers, tmp_path) -> None:
    ca, cert, key = tls_files(tmp_path)
    users, log = tmp_path / "users.yaml", tmp_path / "audit.jsonl"
    add_account(users, "alice", "desk")
    add_account(users, "bob", "admin")
    url = live_servers.start(
        proxy="127.0.0.1", user_header="X-Forwarded-User", accounts=Accounts(read_accounts(users)), audit_log=log
    )
    upstream = int(url.rsplit(":", 1)[1])
    caddy, port = _start_caddy(tmp_path, upstream, cert, key)
    try:
        front, context = f"https://127.0.0.1:{port}", client_context(ca)
        status, headers, body = request(front + "/api/me", headers=_basic("alice"), context=context)
        assert status == 200 and json.loads(body) == {"name": "alice", "role": "desk"}
        assert headers["strict-transport-security"] == "max-age=31536000"  # HTTPS at the proxy
        forged = {**_basic("alice"), "X-Forwarded-User": "bob"}  # the proxy sets the header itself
        assert json.loads(request(front + "/api/me", headers=forged, context=context)[2])["name"] == "alice"
        assert request(front + "/api/leaflets", "POST", FORM, _basic("alice"), context)[0] == 200
        assert request(front + "/api/me", context=context)[0] == 401  # Caddy signs nobody in
        status, _, body = request(front + "/api/me", headers=_basic("carol"), context=context)
        assert status == 403 and b"no account in the server's users file" in body  # signed in, but not staff here
        assert request(front + "/metrics", headers=_basic("alice"), context=context)[0] == 403  # desk, forwarded
        status, _, metrics = request(front + "/metrics", headers=_basic("bob"), context=context)
        assert status == 200 and b"handout_leaflets_made_total 1.0" in metrics
    finally:
        caddy.terminate()
        caddy.wait(timeout=30)

    claimed = {"X-Forwarded-User": "alice", "X-Forwarded-Proto": "https"}
    status, _, body = request(url + "/api/me", headers=claimed, source="127.0.0.2")  # not the proxy
    assert status == 403 and b"answers only its reverse proxy" in body
    status, _, body = request(url + "/api/me", headers={"X-Forwarded-User": "alice"})  # the proxy's address, no HTTPS
    assert status == 403 and b"X-Forwarded-Proto: https" in body
    assert request(url + "/healthz", source="127.0.0.2")[0] == 200  # a monitor on this computer
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(e["user"], e["action"]) for e in entries] == [("alice", "made")]
