"""Sending a message over SMTP (bounded retries, an overall deadline), or to an outbox folder.

smtplib's timeout bounds each read, so a server that answers one byte every few seconds could
hold a message for ever: a watchdog shuts the connection down when the message's deadline
(`deadline_s`, all attempts included) passes. A message is retried only while it surely has
not been delivered: once its final "." has gone out, a dropped connection or a missing answer
means the server may have it, and that is reported as "delivery uncertain", never retried.
After the server accepts the message, a failure to say goodbye (QUIT) does not matter.
"""

from __future__ import annotations

import contextlib
import re
import smtplib
import socket
import ssl
import threading
import time
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from generator.errors import DeliveryError, DeliveryUncertainError
from generator.files import write_atomically
from generator.mail.settings import EmailSettings, smtp_password

_ADDRESS = re.compile(r"[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[A-Za-z]{2,}")
_END_OF_DATA = b"\r\n.\r\n"


def check_address(address: str, where: str) -> str:
    """A single plain email address, or a DeliveryError naming the field."""
    address = address.strip()
    if not _ADDRESS.fullmatch(address):
        raise DeliveryError(f"{where}: email: not a valid email address")
    return address


class _TemporaryError(Exception):
    """A failure worth another attempt: the message surely was not delivered."""


class _NotesEndOfData:
    """Mixed into smtplib's clients: notes when the message's final "." has been sent.

    The client is made unconnected, so the watchdog is running before the greeting is read.
    """

    message_sent = False

    def connect(self, host: str = "localhost", port: int = 0, source_address: Any = None) -> tuple[int, bytes]:
        self._host = host  # what smtplib's constructor records for STARTTLS's certificate check
        return super().connect(host, port, source_address)  # type: ignore[misc]

    def send(self, s: str | bytes) -> None:
        super().send(s)  # type: ignore[misc]
        if isinstance(s, bytes) and s.endswith(_END_OF_DATA):
            self.message_sent = True


class _Client(_NotesEndOfData, smtplib.SMTP):
    pass


class _SSLClient(_NotesEndOfData, smtplib.SMTP_SSL):
    pass


class _Watchdog:
    """Shut the client's connection down at the deadline, waking any read that is still waiting."""

    def __init__(self, client: smtplib.SMTP, seconds: float) -> None:
        self.client = client
        self.expired = False
        self._timer = threading.Timer(max(seconds, 0.0), self._expire)
        self._timer.daemon = True

    def _expire(self) -> None:
        self.expired = True
        sock = getattr(self.client, "sock", None)
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()


def _tls_context(settings: EmailSettings) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if settings.ca_file:
        try:
            context.load_verify_locations(cafile=str(settings.ca_file))
        except (OSError, ssl.SSLError) as exc:
            raise DeliveryError(f"email.ca_file: cannot load {settings.ca_file} ({exc.__class__.__name__})") from None
    return context


def _converse(client: smtplib.SMTP, message: EmailMessage, settings: EmailSettings) -> None:
    client.connect(settings.host, settings.smtp_port)
    if settings.tls == "starttls":
        client.starttls(context=_tls_context(settings))
    if settings.user:
        client.login(settings.user, smtp_password() or "")
    client.send_message(message)


def _classify(exc: BaseException, client: Any, watchdog: _Watchdog, settings: EmailSettings, where: str) -> Exception:
    """What a failure means for this message: refused, worth another try, out of time, or maybe delivered."""
    server = f"{settings.host}:{settings.smtp_port}"
    if client.message_sent and not isinstance(exc, smtplib.SMTPResponseException):
        return DeliveryUncertainError(
            f"{where}: delivery uncertain: the connection to {server} failed after the whole message was sent "
            f"({'deadline passed' if watchdog.expired else exc.__class__.__name__}); the patient may have it, "
            "so check before sending again"
        )
    if watchdog.expired:
        return DeliveryError(f"{where}: not sent: {server} did not finish within {settings.deadline_s:g} s")
    if isinstance(exc, smtplib.SMTPAuthenticationError):
        return DeliveryError(f"{where}: SMTP login refused ({exc.smtp_code})")
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code = next(iter(exc.recipients.values()))[0]
        if 400 <= code < 500:
            return _TemporaryError(f"recipient deferred ({code})")
        return DeliveryError(f"{where}: the server refused the recipient ({code})")
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        return DeliveryError(f"{where}: the server does not support this ({exc})")
    if isinstance(exc, smtplib.SMTPResponseException):
        if 400 <= exc.smtp_code < 500:
            return _TemporaryError(f"server replied {exc.smtp_code}")
        return DeliveryError(f"{where}: the server refused the message ({exc.smtp_code})")
    if isinstance(exc, ssl.SSLError):
        return DeliveryError(f"{where}: TLS failed with {server} ({exc.reason or exc.__class__.__name__})")
    if isinstance(exc, TimeoutError):
        return _TemporaryError(f"timed out talking to {server}")
    return _TemporaryError(f"cannot reach {server} ({exc.__class__.__name__})")


def _send_once(message: EmailMessage, settings: EmailSettings, where: str, deadline: float) -> None:
    timeout = max(min(settings.timeout_s, deadline - time.monotonic()), 0.01)
    if settings.tls == "ssl":
        client: Any = _SSLClient(timeout=timeout, context=_tls_context(settings))
    else:
        client = _Client(timeout=timeout)
    with _Watchdog(client, deadline - time.monotonic()) as watchdog:
        try:
            _converse(client, message, settings)
        except (smtplib.SMTPException, OSError) as exc:
            raise _classify(exc, client, watchdog, settings, where) from None
        finally:
            with contextlib.suppress(smtplib.SMTPException, OSError):
                if client.message_sent and client.sock is not None:
                    client.quit()  # delivered; a failed goodbye changes nothing
            client.close()


def send(message: EmailMessage, settings: EmailSettings, where: str) -> int:
    """Send `message` within its deadline; retry what surely was not delivered. Returns the attempts used."""
    deadline = time.monotonic() + settings.deadline_s
    delay = settings.retry_delay_s
    for attempt in range(1, settings.retries + 2):
        try:
            _send_once(message, settings, where, deadline)
            return attempt
        except _TemporaryError as exc:
            if attempt > settings.retries or time.monotonic() + delay >= deadline:
                raise DeliveryError(f"{where}: not sent after {attempt} attempt(s): {exc}") from None
            time.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")


def write_outbox(message: EmailMessage, outbox: Path, name: str) -> Path:
    """Save `message` as OUTBOX/NAME.eml for staff to check before sending."""
    path = outbox / f"{name}.eml"
    write_atomically(path, bytes(message))
    return path
