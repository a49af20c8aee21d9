"""Sending a message over SMTP (with bounded retries for temporary failures), or to an outbox folder."""

from __future__ import annotations

import re
import smtplib
import ssl
import time
from email.message import EmailMessage
from pathlib import Path

from generator.errors import DeliveryError
from generator.mail_settings import EmailSettings, smtp_password
from generator.pipeline import write_atomically

_ADDRESS = re.compile(r"[^@\s<>,;\"']+@[^@\s<>,;\"']+\.[A-Za-z]{2,}")


def check_address(address: str, where: str) -> str:
    """A single plain email address, or a DeliveryError naming the field."""
    address = address.strip()
    if not _ADDRESS.fullmatch(address):
        raise DeliveryError(f"{where}: email: not a valid email address")
    return address


class _TemporaryError(Exception):
    """A failure worth another attempt."""


def _tls_context(settings: EmailSettings) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if settings.ca_file:
        try:
            context.load_verify_locations(cafile=str(settings.ca_file))
        except (OSError, ssl.SSLError) as exc:
            raise DeliveryError(f"email.ca_file: cannot load {settings.ca_file} ({exc.__class__.__name__})") from None
    return context


def _send_once(message: EmailMessage, settings: EmailSettings, where: str) -> None:
    host, port, timeout = settings.host, settings.smtp_port, settings.timeout_s
    try:
        if settings.tls == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=timeout, context=_tls_context(settings))
        else:
            client = smtplib.SMTP(host, port, timeout=timeout)
        with client:
            if settings.tls == "starttls":
                client.starttls(context=_tls_context(settings))
            if settings.user:
                client.login(settings.user, smtp_password() or "")
            client.send_message(message)
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(f"{where}: SMTP login refused ({exc.smtp_code})") from None
    except smtplib.SMTPRecipientsRefused as exc:
        code = next(iter(exc.recipients.values()))[0]
        if 400 <= code < 500:
            raise _TemporaryError(f"recipient deferred ({code})") from None
        raise DeliveryError(f"{where}: the server refused the recipient ({code})") from None
    except smtplib.SMTPNotSupportedError as exc:
        raise DeliveryError(f"{where}: the server does not support this ({exc})") from None
    except smtplib.SMTPResponseException as exc:
        if 400 <= exc.smtp_code < 500:
            raise _TemporaryError(f"server replied {exc.smtp_code}") from None
        raise DeliveryError(f"{where}: the server refused the message ({exc.smtp_code})") from None
    except ssl.SSLError as exc:
        reason = exc.reason or exc.__class__.__name__
        raise DeliveryError(f"{where}: TLS failed with {host}:{port} ({reason})") from None
    except TimeoutError:
        raise _TemporaryError(f"timed out talking to {host}:{port}") from None
    except (smtplib.SMTPException, OSError) as exc:
        raise _TemporaryError(f"cannot reach {host}:{port} ({exc.__class__.__name__})") from None


def send(message: EmailMessage, settings: EmailSettings, where: str) -> int:
    """Send `message`; retry temporary failures a bounded number of times. Returns the attempts used."""
    delay = settings.retry_delay_s
    for attempt in range(1, settings.retries + 2):
        try:
            _send_once(message, settings, where)
            return attempt
        except _TemporaryError as exc:
            if attempt > settings.retries:
                raise DeliveryError(f"{where}: not sent after {attempt} attempt(s): {exc}") from None
            time.sleep(delay)
            delay *= 2
    raise AssertionError("unreachable")


def write_outbox(message: EmailMessage, outbox: Path, name: str) -> Path:
    """Save `message` as OUTBOX/NAME.eml for staff to check before sending."""
    path = outbox / f"{name}.eml"
    write_atomically(path, bytes(message))
    return path
