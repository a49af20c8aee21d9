"""The audit log of `handout serve --audit-log FILE`: who made, downloaded, printed or emailed which leaflet, and
which requests were refused. JSON Lines, one line per event, appended and fsync'd before the answer is sent.

A line holds only what identifies the leaflet and the member of staff, never the patient: time, user, action,
topic, language, layout, format, the leaflet's random code, content version and status (approved or draft),
and the outcome. The fields are a closed list (AuditEntry); nothing from a request's body is copied in but
names the library itself defines (topic, language, layout), checked before they get here.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path

from generator.errors import InputError

ACTIONS = ("made", "downloaded", "printed", "emailed", "refused")


@dataclass(frozen=True)
class Leaflet:
    """What an audit line says of one leaflet: never anything of the patient."""

    topic: str | None = None
    language: str | None = None
    layout: str | None = None
    format: str | None = None
    """pdf or html."""
    code: str | None = None
    """The leaflet's random code (8 hex digits): the page reports printing and downloading with it."""
    content_version: str | None = None
    content: str | None = None
    """approved, or draft when any file it prints is not approved."""


@dataclass(frozen=True)
class AuditEntry:
    """One line of the audit log: who did what, then the leaflet's fields, then the route."""

    time: str
    """When, UTC, ISO 8601 to the second."""
    user: str | None
    """The member of staff (None: the shared token, or a loopback server without one)."""
    action: str
    """One of ACTIONS."""
    status: str
    """made, downloaded, printed: ok; emailed: sent, outbox, failed or uncertain; refused: the reason's class
    (auth, forbidden, input, not-approved, too-long, busy, verification, content, internal, ...)."""
    http_status: int
    leaflet: Leaflet
    route: str
    """The API path asked."""

    def line(self) -> bytes:
        """The JSON line, the leaflet's fields in it directly."""
        fields = {**asdict(self), **asdict(self.leaflet), "route": self.route}
        del fields["leaflet"]
        return (json.dumps(fields, ensure_ascii=True, separators=(",", ":")) + "\n").encode()


class AuditLog:
    """An append-only JSON Lines file: each line is written whole and fsync'd (a crash loses no answered event)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | os.O_CLOEXEC, 0o600)
        except OSError as exc:
            raise InputError(f"{path}: cannot open the audit log ({exc.strerror or type(exc).__name__})") from None
        self._lock = threading.Lock()

    def write(self, entry: AuditEntry) -> None:
        """Append one line (one write call, so lines never interleave) and wait until it is on disk."""
        line = entry.line()
        with self._lock:
            os.write(self._fd, line)
            os.fsync(self._fd)

    def close(self) -> None:
        os.close(self._fd)


def now() -> str:
    """The time an entry is written, as AuditEntry.time."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def read_audit(path: Path, since: dt.date | None, user: str | None) -> Iterator[dict[str, object]]:
    """The entries of an audit log, oldest first, from `since` (UTC date) and of `user` when given."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the audit log ({exc.strerror or type(exc).__name__})") from None
    with handle:
        for number, line in enumerate(handle, 1):
            try:
                entry = json.loads(line)
                day = dt.date.fromisoformat(str(entry["time"])[:10])
            except (ValueError, KeyError, TypeError):
                raise InputError(f"{path}:{number}: not an audit log line") from None
            if (since is None or day >= since) and (user is None or entry.get("user") == user):
                yield entry
