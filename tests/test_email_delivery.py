"""Email against a misbehaving SMTP server on loopback: an overall deadline, never a second copy when
delivery is uncertain, and protected attachments whose email says nothing medical (random codes too)."""

from __future__ import annotations

import csv
import email
import email.policy
import io
import re
import socketserver
import threading
import time
from pathlib import Path

import pytest
from helpers import write_csv
from pypdf import PdfReader

from generator.errors import DeliveryError
from generator.mail.delivery import send
from generator.mail.message import CODE_ALPHABET, CODE_LENGTH
from generator.mail.settings import EmailSettings
from generator.paths import SAMPLES


class FakeSMTP:
    """A tiny SMTP server: 'accept' behaves; 'slow' greets one byte every 2 s; 'drop' closes the connection
    once the message's final '.' arrives; 'accept-drop' accepts the message (250), then closes."""

    def __init__(self, mode: str) -> None:
        self.mode, self.connections, self.messages = mode, 0, []
        self.stop = threading.Event()
        fake = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                fake.connections += 1
                fake.converse(self.rfile, self.wfile)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True

            def handle_error(self, request, client_address) -> None:
                pass  # the client hanging up on a misbehaving server is the point

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def converse(self, rfile, wfile) -> None:
        if self.mode == "slow":
            for byte in b"220 slow.example ESMTP\r\n":
                wfile.write(bytes([byte]))
                if self.stop.wait(2):
                    return
            return
        wfile.write(b"220 fake.example ESMTP\r\n")
        while line := rfile.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                wfile.write(b"354 go ahead\r\n")
                data = b"".join(iter(rfile.readline, b".\r\n"))
                self.messages.append(email.message_from_bytes(data, policy=email.policy.default))
                if self.mode == "drop":
                    return
                wfile.write(b"250 queued\r\n")
                if self.mode == "accept-drop":
                    return
            elif verb == b"QUIT":
                wfile.write(b"221 bye\r\n")
                return
            else:
                wfile.write(b"250 ok\r\n")

    def close(self) -> None:
        self.stop.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake_smtp():
    servers: list[FakeSMTP] = []

    def _start(mode: str = "accept") -> FakeSMTP:
        servers.append(FakeSMTP(mode))
        return servers[-1]

    yield _start
    for server in servers:
        server.close()


def _config(write_yaml, port: int, **email_settings: object) -> Path:
    settings = {"host": "127.0.0.1", "port": port, "tls": "none", "from": "Clinic <desk@clinic.example>"}
    settings |= {"retries": 2, "retry_delay_s": 0, "timeout_s": 5} | email_settings
    return write_yaml("config.yaml", {"clinic": {"name": "Riverside", "phone": "555-0199"}, "email": settings})


def _two_rows(tmp_path: Path, prefix: str) -> Path:
    """A batch CSV of two patients with email addresses, ids PREFIX1 and PREFIX2."""
    header = ["id", "patient.name", "email", "prescriber.name", "prescription.medicine", "prescription.dose_mg"]
    header += ["prescription.times_per_day", "prescription.start", "prescription.days_supply"]
    fixed = ["Dr. Lee", "carisoprodol", "350", "3", "2026-11-24", "14"]
    return write_csv(
        tmp_path / "p.csv", header, [[f"{prefix}{i}", "Al Li", f"al{i}@example.org", *fixed] for i in (1, 2)]
    )


def _email(run_cli, config: Path, patient: Path = SAMPLES / "patient.yaml"):
    args = ["--patient", str(patient), "--to", "maria@example.org", "--config", str(config), "--made-on", "2026-11-25"]
    return run_cli("email", *args)


def test_a_server_greeting_one_byte_every_2_s_cannot_hang_a_message(fake_smtp) -> None:
    server = fake_smtp("slow")
    settings = EmailSettings.model_validate(
        {"host": "127.0.0.1", "port": server.port, "tls": "none", "from": "a@b.example", "deadline_s": 3}
    )
    message = email.message.EmailMessage()
    message["To"], message["From"] = "maria@example.org", "a@b.example"
    began = time.monotonic()
    with pytest.raises(DeliveryError, match=r"not sent: 127.0.0.1:\d+ did not finish within 3 s"):
        send(message, settings, "test")
    assert time.monotonic() - began < 3 + 1
    assert server.connections == 1  # no time was left for another attempt


def test_the_email_command_keeps_its_deadline(run_cli, fake_smtp, write_yaml) -> None:
    server = fake_smtp("slow")
    began = time.monotonic()
    code, _, err = _email(run_cli, _config(write_yaml, server.port, deadline_s=2))
    assert code == 7 and "did not finish within 2 s" in err
    assert time.monotonic() - began < 2 + 10  # the deadline plus making the leaflet


def test_accepted_then_dropped_is_sent_once(run_cli, fake_smtp, write_yaml) -> None:
    server = fake_smtp("accept-drop")
    code, out, err = _email(run_cli, _config(write_yaml, server.port))
    assert code == 0, err
    assert out.startswith("Email sent")
    assert len(server.messages) == 1 and server.connections == 1


def test_dropped_after_the_final_dot_is_uncertain_and_never_retried(run_cli, fake_smtp, write_yaml) -> None:
    server = fake_smtp("drop")
    code, _, err = _email(run_cli, _config(write_yaml, server.port, retries=3))
    assert code == 7
    assert "delivery uncertain: the connection to 127.0.0.1" in err and "check before sending again" in err
    assert len(server.messages) == 1 and server.connections == 1


def test_batch_reports_uncertain_delivery_and_resume_does_not_resend(run_cli, fake_smtp, write_yaml, tmp_path) -> None:
    server = fake_smtp("drop")
    header = ["id", "patient.name", "email", "prescriber.name", "prescription.medicine", "prescription.dose_mg"]
    header += ["prescription.times_per_day", "prescription.start", "prescription.days_supply"]
    rows = [
        [f"U{i}", "Al Li", f"al{i}@example.org", "Dr. Lee", "carisoprodol", "350", "3", "2026-11-24", "14"]
        for i in (1, 2)
    ]
    source = write_csv(tmp_path / "p.csv", header, rows)
    out = tmp_path / "out"
    config = _config(write_yaml, server.port)
    args = ["batch", str(source), "--out", str(out), "--email", "--config", str(config), "--jobs", "1"]
    code, stdout, _ = run_cli(*args)
    assert code == 1 and "Email: 2 delivery uncertain" in stdout
    with (out / "manifest.csv").open(encoding="utf-8") as handle:
        emails = [m["email"] for m in csv.DictReader(handle)]
    assert len(emails) == 2 and all(e.startswith("delivery uncertain: the connection to 127.0.0.1") for e in emails)
    assert len(server.messages) == 2 and server.connections == 2
    code, stdout, _ = run_cli(*args, "--resume")
    assert code == 1 and len(server.messages) == 2
    with (out / "manifest.csv").open(encoding="utf-8") as handle:
        emails = [m["email"] for m in csv.DictReader(handle)]
    assert emails == ["delivery uncertain: not sent again by --resume; check with the patient first"] * 2


def _medical_words(generator) -> list[str]:
    return ["carisoprodol", "Carisoprodol", "Soma", *generator.required_sentences("carisoprodol", "en")]


def _bodies(message) -> str:
    return message.get_body(("plain",)).get_content() + message.get_body(("html",)).get_content()


@pytest.mark.parametrize("rule", ["date_of_birth", "random"])
def test_protected_attachment_body_names_no_medicine_or_warning(
    run_cli, fake_smtp, write_yaml, sample, generator, rule
) -> None:
    server = fake_smtp()
    sample["patient"]["date_of_birth"] = "1979-03-05"
    code, _, err = _email(run_cli, _config(write_yaml, server.port, pdf_password=rule), write_yaml("p.yaml", sample))
    assert code == 0, err
    [message] = server.messages
    body = _bodies(message)
    assert not [word for word in _medical_words(generator) if word in body]
    assert "Hello Maria," in body and "555-0199" in body
    assert PdfReader(io.BytesIO(next(message.iter_attachments()).get_content())).is_encrypted


def test_unprotected_attachment_body_lists_the_warnings(run_cli, fake_smtp, write_yaml, generator) -> None:
    server = fake_smtp()
    assert _email(run_cli, _config(write_yaml, server.port))[0] == 0
    body = " ".join(_bodies(server.messages[0]).split())
    key = generator.library.block("carisoprodol", "most-important", "en").must_say
    assert key and all(sentence in body for sentence in key)


def test_random_code_is_for_staff_only(run_cli, fake_smtp, write_yaml) -> None:
    server = fake_smtp()
    config = _config(write_yaml, server.port, pdf_password="random")
    codes = []
    for _ in range(2):
        code, out, err = _email(run_cli, config)
        assert code == 0, err
        found = re.search(r"PDF code for this patient \(give it by phone or in person, never by email\): (\S+)", out)
        assert found, out
        codes.append(found.group(1))
    assert codes[0] != codes[1]
    for secret, message in zip(codes, server.messages, strict=True):
        assert len(secret) == CODE_LENGTH and set(secret) <= set(CODE_ALPHABET)
        assert secret not in message.as_string()
        assert "code" in message.get_body(("plain",)).get_content()
        reader = PdfReader(io.BytesIO(next(message.iter_attachments()).get_content()))
        assert not reader.decrypt("05031979") and reader.decrypt(secret)
        assert "Maria Lopez" in reader.pages[0].extract_text()


def test_batch_manifest_has_each_rows_code(run_cli, fake_smtp, write_yaml, tmp_path) -> None:
    server = fake_smtp()
    header = ["id", "patient.name", "email", "prescriber.name", "prescription.medicine", "prescription.dose_mg"]
    header += ["prescription.times_per_day", "prescription.start", "prescription.days_supply"]
    rows = [
        [f"R{i}", "Al Li", f"al{i}@example.org", "Dr. Lee", "carisoprodol", "350", "3", "2026-11-24", "14"]
        for i in (1, 2)
    ]
    source = write_csv(tmp_path / "p.csv", header, rows)
    out = tmp_path / "out"
    config = _config(write_yaml, server.port, pdf_password="random")
    args = ["batch", str(source), "--out", str(out), "--email", "--config", str(config), "--jobs", "1"]
    code, stdout, _ = run_cli(*args)
    assert code == 0
    with (out / "manifest.csv").open(encoding="utf-8") as handle:
        manifest = {m["id"]: m["password"] for m in csv.DictReader(handle)}
    by_address = {m["To"]: m for m in server.messages}
    assert manifest["R1"] != manifest["R2"]
    for row_id, address in (("R1", "al1@example.org"), ("R2", "al2@example.org")):
        attachment = next(by_address[address].iter_attachments()).get_content()
        assert PdfReader(io.BytesIO(attachment)).decrypt(manifest[row_id])
        assert manifest[row_id] not in by_address[address].as_string() and manifest[row_id] not in stdout
    run_cli(*args, "--resume")  # already sent: not sent again, and the manifest keeps the codes
    with (out / "manifest.csv").open(encoding="utf-8") as handle:
        assert {m["id"]: m["password"] for m in csv.DictReader(handle)} == manifest
    assert len(server.messages) == 2
