"""Email delivery through a real SMTP server (aiosmtpd) on loopback: plain, STARTTLS, auth, failures."""

from __future__ import annotations

import csv
import email
import email.policy
import io
import socket
import ssl
from pathlib import Path

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from helpers import pdf_text, write_csv
from pypdf import PdfReader


class Inbox:
    """An aiosmtpd handler that keeps messages and refuses some recipients."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.tls_used: list[bool] = []

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address.startswith("refuse"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        self.tls_used.append(session.ssl is not None)
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _authenticator(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == (b"clinic", b"s3cret")
    return AuthResult(success=ok, handled=False)


@pytest.fixture
def smtp(request):
    """Start a real SMTP server; `request.param` picks plain, starttls or auth."""
    mode = getattr(request, "param", "plain")
    inbox, port = Inbox(), _free_port()
    options: dict = {}
    ca = None
    if mode in ("starttls", "auth"):
        ca = trustme.CA()
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        options = {"tls_context": context, "require_starttls": True}
    if mode == "auth":
        options |= {"authenticator": _authenticator, "auth_required": True}
    controller = Controller(inbox, hostname="127.0.0.1", port=port, **options)
    controller.start()
    inbox.port, inbox.ca = port, ca
    yield inbox
    controller.stop()


@pytest.fixture
def config(tmp_path, write_yaml):
    """Write a clinic config with an email section; returns a function taking overrides."""

    def _config(port: int, **email_settings: object) -> Path:
        settings = {
            "host": "127.0.0.1",
            "port": port,
            "tls": "none",
            "from": "Riverside <leaflets@riverside.example>",
            "reply_to": "desk@riverside.example",
            "retries": 1,
            "retry_delay_s": 0,
            "timeout_s": 5,
        }
        settings.update(email_settings)
        clinic = {"name": "Riverside Family Clinic", "phone": "555-0199", "after_hours": "555-0111"}
        return write_yaml("config.yaml", {"clinic": clinic, "email": settings})

    return _config


def _email(
    run_cli, config_file: Path, tmp_path: Path, to: str = "maria@example.org", patient: Path | None = None, *extra: str
):
    from generator.paths import SAMPLES

    patient = patient or SAMPLES / "patient.yaml"
    return run_cli(
        "email", "--patient", str(patient), "--to", to, "--config", str(config_file), "--made-on", "2026-11-24", *extra
    )


def _attachment(message) -> tuple[str, bytes]:
    part = next(message.iter_attachments())
    return part.get_filename(), part.get_content()


def test_message_arrives_with_a_verified_pdf(run_cli, smtp, config, tmp_path, generator) -> None:
    code, out, err = _email(run_cli, config(smtp.port), tmp_path)
    assert code == 0, err
    assert out.startswith("Email sent")
    [message] = smtp.messages
    assert message["Subject"] == "Your medicine information from Riverside Family Clinic"
    assert message["To"] == "maria@example.org" and message["Reply-To"] == "desk@riverside.example"
    for private in ("Maria", "Lopez", "carisoprodol", "Soma"):
        assert private not in message["Subject"]
    name, pdf = _attachment(message)
    assert name == "medicine-leaflet.pdf"
    saved = tmp_path / name
    saved.write_bytes(pdf)
    assert run_cli("verify", str(saved), "--topic", "carisoprodol")[0] == 0
    text = message.get_body(("plain",)).get_content()
    assert text.startswith("Hello Maria,")
    assert "555-0199" in text and "911" in text
    key = generator.library.block("carisoprodol", "most-important", "en").must_say
    body = " ".join(text.split())
    for sentence in key:  # the page-1 summary's warnings, not all twenty
        assert sentence in body
    others = set(generator.required_sentences("carisoprodol", "en")) - set(key)
    assert others and not any(sentence in body for sentence in others)
    assert f"<li>{key[0]}" in message.get_body(("html",)).get_content()


@pytest.mark.parametrize("smtp", ["starttls"], indirect=True)
def test_starttls_with_a_self_signed_certificate(run_cli, smtp, config, tmp_path) -> None:
    ca_file = tmp_path / "ca.pem"
    smtp.ca.cert_pem.write_to_path(str(ca_file))
    code, _, err = _email(run_cli, config(smtp.port, tls="starttls", ca_file=str(ca_file)), tmp_path)
    assert code == 0, err
    assert smtp.tls_used == [True]
    code, _, err = _email(run_cli, config(smtp.port, tls="starttls"), tmp_path)  # certificate not trusted
    assert code == 7 and "TLS failed with 127.0.0.1" in err
    assert len(smtp.messages) == 1


@pytest.mark.parametrize("smtp", ["auth"], indirect=True)
def test_authentication(run_cli, smtp, config, tmp_path, monkeypatch) -> None:
    ca_file = tmp_path / "ca.pem"
    smtp.ca.cert_pem.write_to_path(str(ca_file))
    settings = {"user": "clinic", "tls": "starttls", "ca_file": str(ca_file)}
    monkeypatch.setenv("HANDOUT_SMTP_PASSWORD", "wrong")
    code, _, err = _email(run_cli, config(smtp.port, **settings), tmp_path)
    assert code == 7 and "SMTP login refused (535)" in err
    assert "wrong" not in err
    monkeypatch.setenv("HANDOUT_SMTP_PASSWORD", "s3cret")
    code, _, err = _email(run_cli, config(smtp.port, **settings), tmp_path)
    assert code == 0, err
    assert len(smtp.messages) == 1


def test_refused_recipient(run_cli, smtp, config, tmp_path) -> None:
    code, _, err = _email(run_cli, config(smtp.port), tmp_path, to="refuse@example.org")
    assert code == 7
    lines = [line for line in err.splitlines() if ": content: " not in line]  # but the shipped drafts' warning
    assert len(lines) == 1 and lines[0].endswith("the server refused the recipient (550)")
    assert smtp.messages == []


def test_server_down_is_retried_then_reported(run_cli, config, tmp_path) -> None:
    code, _, err = _email(run_cli, config(_free_port(), retries=2), tmp_path)
    assert code == 7
    assert "not sent after 3 attempt(s): cannot reach 127.0.0.1:" in err


def test_password_protected_attachment(run_cli, smtp, config, tmp_path, sample, write_yaml) -> None:
    import datetime as dt

    sample["patient"]["date_of_birth"] = dt.date(1979, 3, 5)
    patient = write_yaml("patient.yaml", sample)
    assert (
        _email(run_cli, config(smtp.port, pdf_password="date_of_birth"), tmp_path, "maria@example.org", patient)[0] == 0
    )
    [message] = smtp.messages
    text = message.get_body(("plain",)).get_content()
    assert "password" in text and "05031979" not in text and "1979" not in text
    _, pdf = _attachment(message)
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.is_encrypted
    assert not reader.decrypt("01011970")
    saved = tmp_path / "protected.pdf"
    saved.write_bytes(pdf)
    code, _, err = run_cli("verify", str(saved), "--topic", "carisoprodol")
    assert code == 6 and "encrypted" in err
    code, _, err = run_cli("verify", str(saved), "--topic", "carisoprodol", "--password", "05031979")
    assert code == 0, err

    # The /ID stays readable without the password: it must not let anyone confirm a guess of the contents by
    # making the plain leaflet of the guessed inputs with the public tool and comparing /IDs.
    plain = tmp_path / "plain.pdf"
    code, _, err = run_cli("build", "--patient", str(patient), "--made-on", "2026-11-24", "-o", str(plain))
    assert code == 0, err
    plain_id = set(PdfReader(plain).trailer["/ID"])
    assert len(plain_id) == 1  # deterministic: the same inputs give the same /ID, so it would give the contents away
    assert (
        _email(run_cli, config(smtp.port, pdf_password="date_of_birth"), tmp_path, "maria@example.org", patient)[0] == 0
    )
    ids = [PdfReader(io.BytesIO(_attachment(sent)[1])).trailer["/ID"] for sent in smtp.messages]
    assert not plain_id & {*ids[0], *ids[1]}  # no part of a protected copy's /ID is the plain leaflet's
    assert not set(ids[0]) & set(ids[1])  # and each protected copy's is its own


def test_password_rule_needs_a_date_of_birth(run_cli, smtp, config, tmp_path) -> None:
    code, _, err = _email(run_cli, config(smtp.port, pdf_password="date_of_birth"), tmp_path)
    assert code == 7 and "patient.date_of_birth: needed for the PDF password rule" in err
    assert smtp.messages == []


def test_outbox_writes_eml_files_instead_of_sending(run_cli, smtp, config, tmp_path) -> None:
    outbox = tmp_path / "outbox"
    code, out, _ = _email(run_cli, config(smtp.port), tmp_path, "maria@example.org", None, "--outbox", str(outbox))
    assert code == 0 and "written to" in out
    assert smtp.messages == []
    message = email.message_from_bytes((outbox / "leaflet.eml").read_bytes(), policy=email.policy.default)
    assert message["To"] == "maria@example.org"
    assert "Maria Lopez" in pdf_text(_attachment(message)[1])


def test_settings_errors(run_cli, tmp_path, config, write_yaml, monkeypatch) -> None:
    code, _, err = _email(run_cli, config(25, password="hunter2"), tmp_path)
    assert code == 7 and "email.password: put the password in HANDOUT_SMTP_PASSWORD, never in a file" in err
    code, _, err = _email(run_cli, config(25, tls="maybe"), tmp_path)
    assert code == 7 and "email.tls:" in err
    code, _, err = _email(run_cli, config(25, max_attachment_mb=0.001), tmp_path)
    assert code == 7 and "above the 0.001 MB limit" in err
    code, _, err = _email(run_cli, config(25), tmp_path, to="maria@example.org\nBcc: all@example.org")
    assert code == 7 and "email: not a valid email address" in err
    code, _, err = _email(run_cli, config(25, reply_to="desk@riverside.example\nBcc: all@example.org"), tmp_path)
    assert code == 7 and "email.reply_to: string should match pattern" in err
    code, _, err = _email(run_cli, config(25, timeout_s=float("inf")), tmp_path)
    assert code == 7 and "email.timeout_s" in err


def test_config_without_a_clinic_section(run_cli, tmp_path, write_yaml) -> None:
    from generator.paths import SAMPLES

    data = __import__("yaml").safe_load((SAMPLES / "patient.yaml").read_text())
    patient = write_yaml("p.yaml", data)
    config = write_yaml("only-email.yaml", {"email": {"from": "a@b.example"}})
    code, _, err = _email(run_cli, config, tmp_path, "maria@example.org", patient)
    assert code == 2 and "clinic: missing (add a clinic: section with at least name and phone)" in err


def test_environment_overrides_the_config(run_cli, smtp, config, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("HANDOUT_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("HANDOUT_SMTP_PORT", str(smtp.port))
    monkeypatch.setenv("HANDOUT_SMTP_TLS", "none")
    monkeypatch.setenv("HANDOUT_MAIL_FROM", "Front desk <desk@riverside.example>")
    code, _, err = _email(run_cli, config(1, host="smtp.invalid", tls="ssl"), tmp_path)
    assert code == 0, err
    assert smtp.messages[0]["From"] == "Front desk <desk@riverside.example>"


def test_batch_email(run_cli, smtp, config, tmp_path) -> None:
    rows = [
        ["E1", "Maria Lopez", "maria@example.org"],
        ["E2", "Al Li", ""],
        ["E3", "Zoë Müller", "refuse@example.org"],
        ["E4", "Sam Park", "sam@example.org"],
    ]
    header = ["id", "patient.name", "email", "prescriber.name", "prescription.medicine", "prescription.dose_mg"]
    header += ["prescription.times_per_day", "prescription.start", "prescription.days_supply"]
    fixed = ["Dr. Sam Lee", "carisoprodol", "350", "3", "2026-11-24", "14"]
    source = write_csv(tmp_path / "p.csv", header, [[*row, *fixed] for row in rows])
    out = tmp_path / "out"
    args = ["batch", str(source), "--out", str(out), "--email", "--config", str(config(smtp.port)), "--jobs", "1"]
    code, stdout, stderr = run_cli(*args, "--combine", str(tmp_path / "all.pdf"))
    assert code == 1
    assert "4 made, 0 failed" in stdout and "Email: 1 failed, 1 no address, 2 sent" in stdout
    pages = [len(PdfReader(out / f"E{n}.pdf").pages) for n in range(1, 5)]
    assert f"({sum(p + p % 2 for p in pages)} pages" in stdout  # every leaflet made is printed, emailed or not
    with (out / "manifest.csv").open(encoding="utf-8") as handle:
        emails = {m["id"]: m["email"] for m in csv.DictReader(handle)}
    assert emails["E1"] == "sent" and emails["E2"] == "no address" and emails["E4"] == "sent"
    assert emails["E3"] == "failed: p.csv row 4: the server refused the recipient (550)"
    assert sorted(m["To"] for m in smtp.messages) == ["maria@example.org", "sam@example.org"]
    assert "Zoë" not in stderr and "Müller" not in stderr
    code, stdout, _ = run_cli(*args, "--resume")  # sent rows are not sent again
    assert "Email: 2 already sent, 1 failed, 1 no address" in stdout
    assert len(smtp.messages) == 2


def test_html_format_puts_the_whole_leaflet_in_the_body(run_cli, smtp, config, tmp_path, generator) -> None:
    from generator.verify import missing_sentences
    from generator.verify.html import html_text

    code, _, err = _email(run_cli, config(smtp.port), tmp_path, "maria@example.org", None, "--format", "html")
    assert code == 0, err
    [message] = smtp.messages
    text = " ".join(html_text(message.get_body(("html",)).get_content()).split())
    assert text.index("Hello Maria,") < text.index("Carisoprodol (Soma)")
    assert "1 tablet of 350 mg" in text
    assert missing_sentences([text], generator.required_sentences("carisoprodol", "en")) == []
    assert message.get_body(("plain",)).get_content().startswith("Hello Maria,")
    name, pdf = _attachment(message)
    assert name == "medicine-leaflet.pdf" and len(PdfReader(io.BytesIO(pdf)).pages) > 1


@pytest.mark.parametrize("rule", ["date_of_birth", "random"])
def test_html_format_is_refused_when_pdfs_are_protected(run_cli, smtp, config, tmp_path, sample, write_yaml, rule):
    import datetime as dt

    sample["patient"]["date_of_birth"] = dt.date(1979, 3, 5)
    sample["patient"]["age"] = 47
    patient = write_yaml("patient.yaml", sample)
    code, _, err = _email(
        run_cli, config(smtp.port, pdf_password=rule), tmp_path, "maria@example.org", patient, "--format", "html"
    )
    assert code == 7
    assert "a leaflet in the message body would show what the password protects" in err
    assert smtp.messages == []
