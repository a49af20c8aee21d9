"""ASGI middleware guarding the web server: Host check, body size, security headers, access log.

- Host: only the names the server was started for are answered (421 otherwise), so a page on
  another site cannot reach the token-less loopback server through DNS rebinding; a missing,
  repeated or malformed Host header is refused (400), as RFC 9112 §3.2 asks.
- Body size: bodies over the limit are refused (413), whether or not they announce their length.
- Headers: a Content-Security-Policy allowing the page's own scripts and styles only (and blob:
  frames for the PDF preview), framing by the same origin only, no MIME sniffing, no referrer,
  no caching of API answers (they carry patient data), and on HTTPS answers (the server's TLS, or a
  reverse proxy's, see generator.web.transport) HSTS, so browsers never fall back to plain HTTP.
- Access log: method, path without the query string, status and time taken; never the client
  address or the query (which could hold patient data).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import re
import time
from collections.abc import Iterable
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

ACCESS_LOG = logging.getLogger("generator.web.access")
PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
    "frame-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)
"""The Content-Security-Policy of every answer but the API docs (see generator.web.docs)."""
HSTS = b"max-age=31536000"
"""Strict-Transport-Security on HTTPS answers: a year, this host name only (other hosts of the clinic are theirs)."""
_HOST = re.compile(r"(?:\[(?P<ipv6>[0-9a-f:.]+)\]|(?P<name>[a-z0-9._-]+))(?::[0-9]{1,5})?")
"""A Host header: a name or IPv4 address (letters, digits, dots, hyphens) or a bracketed IPv6 address, then a port."""
_ABSOLUTE_FORM = re.compile(rb"[a-z][a-z0-9+.-]*://([^/?#]*)", re.IGNORECASE)


async def answer(send: Send, status: int, body: dict[str, Any], headers: Iterable[tuple[bytes, bytes]] = ()) -> None:
    """Answer `status` with a JSON body from a middleware, before the application."""
    data = json.dumps(body).encode()
    head = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()), *headers]
    await send({"type": "http.response.start", "status": status, "headers": head})
    await send({"type": "http.response.body", "body": data})


def host_name(header: str) -> str | None:
    """The host of a Host header (or of an absolute-form request target), lower case, without port, brackets or
    final dot; None unless the whole value is a name, an IPv4 address or a bracketed IPv6 address, then an optional
    `:port` of digits (RFC 9110 §7.2). So no user info, path, space or anything after the brackets."""
    match = _HOST.fullmatch(header.strip().lower())
    if match is None:
        return None
    if match["ipv6"] is None:
        return match["name"].removesuffix(".") or None
    try:
        return ipaddress.IPv6Address(match["ipv6"]).compressed
    except ValueError:
        return None


def target_authority(target: bytes) -> bytes | None:
    """The authority (host and port) of an absolute-form request target such as `http://host:port/path`, else None."""
    match = _ABSOLUTE_FORM.match(target)
    return match[1] if match else None


class HostCheck:
    """Answer only requests whose Host header names one of `allowed` (421 otherwise; 400 without exactly one
    well-formed Host header). generator.web.server puts an absolute-form target's authority in the Host header."""

    def __init__(self, app: ASGIApp, allowed: Iterable[str]) -> None:
        self.app = app
        self.allowed = {name.lower().strip("[]").rstrip(".") for name in allowed}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = [value.decode("latin-1") for key, value in scope["headers"] if key == b"host"]
        name = host_name(given[0]) if len(given) == 1 else None
        if name is None:
            message = "send exactly one Host header: a host name or [IPv6 address], with an optional :port"
            await answer(send, 400, {"error": message, "errors": []})
        elif name not in self.allowed:
            message = "this server does not answer for that host name; start it with --allowed-host NAME to add one"
            await answer(send, 421, {"error": message, "errors": []})
        else:
            await self.app(scope, receive, send)


class BodyLimit:
    """Refuse request bodies over the limit (413), whether or not they announce their length."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and (not length.isdigit() or int(length) > self.limit):
            await self._too_large(send)
            return
        seen = 0

        async def limited() -> Message:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLargeError
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLargeError:
            await self._too_large(send)

    async def _too_large(self, send: Send) -> None:
        await answer(send, 413, {"error": f"request body is over the {self.limit // 1024} KiB limit", "errors": []})


class _TooLargeError(Exception):
    pass


class SecurityHeaders:
    """Add the security headers to every answer; API answers are never cached."""

    def __init__(self, app: ASGIApp, policies: dict[str, str]) -> None:
        self.app = app
        self.policies = policies
        """Content-Security-Policy by path; PAGE_POLICY for every other path."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        extra = [
            (b"content-security-policy", self.policies.get(path, PAGE_POLICY).encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"SAMEORIGIN"),
            (b"referrer-policy", b"no-referrer"),
        ]
        if path.startswith("/api/"):
            extra.append((b"cache-control", b"no-store"))
        if scope["scheme"] == "https":
            extra.append((b"strict-transport-security", HSTS))

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                names = {extra_name for extra_name, _ in extra}
                kept = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message = {**message, "headers": kept + extra}
            await send(message)

        await self.app(scope, receive, with_headers)


class AccessLog:
    """Log each request's method, path (no query string), status and time taken; nothing about the client."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def noting(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, noting)
        finally:
            took = (time.perf_counter() - start) * 1000
            ACCESS_LOG.info("%s %s %d %.0f ms", scope["method"], scope["path"], status, took)
