"""Running the server at a clinic: HTTPS, staff accounts with their own tokens, and the audit log (a real uvicorn
server over TLS with a trustme certificate). The audit log never holds the patient's data."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import stat
from pathlib import Path

import pytest
from fhir_bundles import bundle
from helpers import client_context, request, tls_files
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.mail.settings import EmailSettings
from generator.web.accounts import Accounts, read_accounts

TODAY = dt.date.today()
WHO = {"name": "Zelda Quixote-Marwick", "date_of_birth": "1961-03-14"}
EMAIL = "zq.marwick@example.org"
PRESCRIPTION = {
    "medicine": "methocarbamol",
    "strength_mg": 750,
    "dose_mg": 1500,
    "times_per_day": 4,
    "start": TODAY.isoformat(),
    "days_supply": 3,
}
FORM = {
    "topics": ["methocarbamol"],
    "patient": WHO,
    "prescriber": {"name": "Dr. Sam Lee", "phone": "555-0100"},
    "prescription": PRESCRIPTION,
}
PATIENT = ("Zelda", "Quixote", "Marwick", "1961", "03/14", "14/03", "Mar 14", EMAIL, "zq.marwick")
"""The patient's name, date of birth and email address: in no audit line at all."""
PRESCRIBED = (TODAY.isoformat(), "1500", "1,500", "750")
"""The prescription's values: in no field of an audit line (the time and the random code are the server's)."""


def _add(run_cli, users: Path, name: str, role: str = "desk") -> str:
    code, out, err = run_cli("user", "add", name, "--role", role, "--users", str(users))
    assert code == 0, err
    [token] = re.findall(r"^[0-9a-f]{8}\.[A-Za-z0-9_-]{43}$", out, re.MULTILINE)
    return token


def test_user_add_prints_the_token_once_and_stores_only_a_salted_hash(run_cli, tmp_path) -> None:
    users = tmp_path / "users.yaml"
    alice, bob = _add(run_cli, users, "alice"), _add(run_cli, users, "bob", "admin")
    text = users.read_text()
    assert alice.split(".")[1] not in text and bob.split(".")[1] not in text
    assert stat.S_IMODE(users.stat().st_mode) == 0o600
    accounts = read_accounts(users)
    assert [(a.name, a.role) for a in accounts] == [("alice", "desk"), ("bob", "admin")]
    salts = {a.token_hash.split("$")[4] for a in accounts}
    assert len(salts) == 2  # each its own salt
    checked = Accounts(accounts)
    assert checked.check(alice).name == "alice" and checked.check(bob).role == "admin"
    assert checked.check(alice[:-1] + ("A" if alice[-1] != "A" else "B")) is None

    code, _, err = run_cli("user", "add", "alice", "--users", str(users))
    assert code == 2 and "alice already has an account" in err
    code, _, err = run_cli("user", "add", "al ice", "--users", str(users))
    assert code == 2 and "NAME: 1 to 64 letters" in err
    assert run_cli("user", "remove", "alice", "--users", str(users))[0] == 0
    assert [a.name for a in read_accounts(users)] == ["bob"]


@settings(max_examples=20, deadline=None)
@given(st.text(min_size=0, max_size=80))
def test_no_other_token_signs_in(tmp_path_factory, token: str) -> None:
    """Anything but the token handed out (including its id with another secret) is refused."""
    folder = tmp_path_factory.mktemp("users")
    from generator.web.accounts import add_account

    real = add_account(folder / "users.yaml", "alice", "desk")
    accounts = Accounts(read_accounts(folder / "users.yaml"))
    for tried in (token, f"{real.split('.')[0]}.{token}"):
        if tried != real:
            assert accounts.check(tried) is None


@pytest.mark.parametrize(
    "content",
    [
        "users: [{name: alice, role: boss, token_id: ab, token_hash: x}]",
        "users: [{name: alice, role: desk}]",
        "people: []",
        "users: [{name: a, role: desk, token_id: ab, token_hash: 'scrypt$1$1$1$AA==$AA=='}, "
        "{name: a, role: desk, token_id: cd, token_hash: 'scrypt$1$1$1$AA==$AA=='}]",
    ],
    ids=["unknown role", "no token", "no users key", "a name twice"],
)
def test_a_wrong_users_file_is_one_line_naming_it(run_cli, tmp_path, content) -> None:
    users = tmp_path / "users.yaml"
    users.write_text(content)
    code, _, err = run_cli("serve", "--users", str(users))
    assert code == 2 and err.startswith(f"Error: {users}") and len(err.strip().splitlines()) == 1, err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--host", "0.0.0.0", "--allow-remote", "--allowed-host", "desk.example"],
            "would cross the network unencrypted",
        ),
        (["--tls-cert", "{cert}"], "--tls-cert: give both --tls-cert FILE and --tls-key FILE"),
        (["--tls-cert", "{key}", "--tls-key", "{key}"], "cannot load the certificate and key"),
        (["--user-header", "X-Forwarded-User"], "believed only from a reverse proxy; add --behind-proxy"),
        (["--behind-proxy", "proxy.example"], "--behind-proxy: expected the reverse proxy's IP address"),
        (["--users", "{users}"], "--users: staff sign in with their own tokens; unset HANDOUT_WEB_TOKEN"),
        (["--behind-proxy", "127.0.0.1", "--token-file", "{none}"], "--behind-proxy: needs an access token"),
    ],
    ids=[
        "remote plain HTTP",
        "cert alone",
        "not a cert",
        "header without proxy",
        "proxy name",
        "users and token",
        "proxy without token",
    ],
)
def test_unsafe_ways_to_serve_refuse_to_start(run_cli, monkeypatch, tmp_path, args, message) -> None:
    _, cert, key = tls_files(tmp_path)
    users = tmp_path / "users.yaml"
    _add(run_cli, users, "alice")
    monkeypatch.setenv("HANDOUT_WEB_TOKEN", "a-long-enough-shared-token")
    if "{none}" in args:
        monkeypatch.delenv("HANDOUT_WEB_TOKEN")
        args = args[:2]
    args = [a.format(cert=cert, key=key, users=users) for a in args]
    code, _, err = run_cli("serve", *args)
    assert code == 2 and message in err, err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_https_serves_the_page_and_api_with_hsts(live_server, tmp_path) -> None:
    ca, cert, key = tls_files(tmp_path)
    url = live_server(tls=(cert, key), token="a-long-enough-shared-token")
    context = client_context(ca)
    status, headers, page = request(url + "/", context=context)
    assert status == 200 and b"<h1>Patient leaflets</h1>" in page
    assert headers["strict-transport-security"] == "max-age=31536000"
    auth = {"Authorization": "Bearer a-long-enough-shared-token"}
    status, headers, pdf = request(url + "/api/leaflets", "POST", FORM, auth, context)
    assert status == 200 and pdf.startswith(b"%PDF") and re.fullmatch(r"[0-9a-f]{8}", headers["x-handout-code"])
    status, _, body = request(url + "/api/me", headers=auth, context=context)
    assert status == 200 and json.loads(body) == {"name": None, "role": "admin"}  # the shared token keeps working
    assert request(url + "/api/topics", context=context)[0] == 401


def test_the_audit_log_says_who_did_what_and_nothing_of_the_patient(live_server, run_cli, tmp_path) -> None:
    ca, cert, key = tls_files(tmp_path)
    users, log = tmp_path / "users.yaml", tmp_path / "state" / "audit.jsonl"
    log.parent.mkdir()
    alice, bob = _add(run_cli, users, "alice"), _add(run_cli, users, "bob", "admin")
    email = EmailSettings.model_validate({"from": "Clinic <leaflets@clinic.example>"})
    url = live_server(
        tls=(cert, key),
        accounts=Accounts(read_accounts(users)),
        audit_log=log,
        email=email,
        outbox=tmp_path / "outbox",
    )
    context = client_context(ca)

    def call(path: str, body: object = None, token: str = alice) -> tuple[int, dict[str, str], bytes]:
        return request(
            url + path, "POST" if body is not None else "GET", body, {"Authorization": f"Bearer {token}"}, context
        )

    assert json.loads(call("/api/me")[2]) == {"name": "alice", "role": "desk"}
    status, headers, _ = call("/api/leaflets", FORM)
    assert status == 200
    code = headers["x-handout-code"]
    assert call("/api/audit", {"action": "printed", "code": code})[0] == 204
    assert call("/api/audit", {"action": "downloaded", "code": code})[0] == 204
    assert call("/api/audit", {"action": "printed", "code": code}, bob)[0] == 404  # not one bob made
    assert call("/api/leaflets/email", {**FORM, "to": EMAIL}, bob)[0] == 200
    too_much = {**FORM, "prescription": {**PRESCRIPTION, "dose_mg": 15000}}
    assert call("/api/leaflets", too_much)[0] == 422
    assert call("/api/leaflets", FORM, "a-long-enough-shared-token")[0] == 401  # no shared token with a users file

    lines = log.read_text().splitlines()
    entries = [json.loads(line) for line in lines]
    said = [(e["user"], e["action"], e["status"]) for e in entries]
    assert said == [
        ("alice", "made", "ok"),
        ("alice", "printed", "ok"),
        ("alice", "downloaded", "ok"),
        ("bob", "refused", "not-found"),
        ("bob", "emailed", "outbox"),
        ("alice", "refused", "input"),
        (None, "refused", "auth"),
    ]
    made = entries[0]
    assert made["topic"] == "methocarbamol" and made["language"] == "en" and made["layout"] == "standard"
    assert made["code"] == code and made["content_version"] and made["content"] in ("approved", "draft")
    assert entries[1]["code"] == entries[2]["code"] == code and entries[4]["code"] != code
    assert entries[5]["topic"] == "methocarbamol" and entries[5]["code"] is None
    for line, entry in zip(lines, entries, strict=True):
        assert not [data for data in PATIENT if data in line], line
        fields = json.dumps({key: value for key, value in entry.items() if key not in ("time", "code")})
        assert not [data for data in PRESCRIBED if data in fields], line

    code_, out, _ = run_cli("audit", str(log), "--user", "alice", "--since", TODAY.isoformat())
    assert code_ == 0
    printed = out.splitlines()
    assert printed[0].startswith("time\tuser\taction") and len(printed) == 1 + 4
    assert all("\talice\t" in row for row in printed[1:])
    assert run_cli("audit", str(log), "--since", (TODAY + dt.timedelta(days=1)).isoformat())[1].count("\n") == 1


def test_audit_lines_are_appended_whole_and_kept_across_restarts(live_servers, tmp_path) -> None:
    """A second server on the same file appends after the first one's lines; the file is its owner's only."""
    log = tmp_path / "audit.jsonl"
    for _ in range(2):
        url = live_servers.start(audit_log=log)
        assert request(url + "/api/leaflets", "POST", {**FORM, "topics": ["nope"]})[0] == 422
        live_servers.stop()
        live_servers.running.clear()
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(e["action"], e["status"], e["user"]) for e in entries] == [("refused", "input", None)] * 2
    assert stat.S_IMODE(log.stat().st_mode) == 0o600


def test_settings_carry_the_clinic_options(run_cli, monkeypatch, tmp_path) -> None:
    started = {}
    monkeypatch.setattr("generator.web.server.serve", lambda settings, host, port: started.update(s=settings))
    monkeypatch.delenv("HANDOUT_WEB_TOKEN", raising=False)
    _, cert, key = tls_files(tmp_path)
    users = tmp_path / "users.yaml"
    _add(run_cli, users, "alice")
    args = ["--host", "0.0.0.0", "--allow-remote", "--allowed-host", "desk.example", "--users", str(users)]
    code, out, err = run_cli("serve", *args, "--tls-cert", str(cert), "--tls-key", str(key), "--audit-log", "a.jsonl")
    assert code == 0, err
    assert out.startswith("Serving on https://0.0.0.0:8000/")
    chosen = started["s"]
    assert chosen.tls == (cert, key) and chosen.audit_log == Path("a.jsonl") and chosen.token is None
    assert set(chosen.accounts.names) == {"alice"}
    assert dataclasses.replace(chosen, accounts=None).proxy is None


def test_leaflets_for_the_ehr_are_audited_too(live_server, run_cli, tmp_path) -> None:
    """A FHIR order and an Infobutton PDF, made with the EHR's own account: its lines name it, not the patient."""
    users, log = tmp_path / "users.yaml", tmp_path / "audit.jsonl"
    ehr = _add(run_cli, users, "epic-interface")
    url = live_server(accounts=Accounts(read_accounts(users)), audit_log=log)
    auth = {"Authorization": f"Bearer {ehr}", "Content-Type": "application/fhir+json"}
    status, headers, _ = request(url + "/api/fhir/handouts", "POST", bundle("carisoprodol-tid.json"), auth)
    assert status == 200
    query = "mainSearchCriteria.v.dn=methocarbamol&knowledgeResponseType=application/pdf"
    assert request(f"{url}/infobutton?{query}", headers=auth)[0] == 200
    entries = [json.loads(line) for line in log.read_text().splitlines()]
    assert [(e["user"], e["action"], e["topic"], e["route"]) for e in entries] == [
        ("epic-interface", "made", "carisoprodol", "/api/fhir/handouts"),
        ("epic-interface", "made", "methocarbamol", "/infobutton"),
    ]
    assert entries[0]["code"] == headers["x-handout-code"]
    text = log.read_text()
    assert not [data for data in ("Maria", "Lopez", "1979", "Elena") if data in text]
