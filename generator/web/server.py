"""Running the web application under uvicorn, with a deadline and size limits for reading each request.

uvicorn closes idle kept-alive connections, but a client that sends its headers or body a
byte at a time could hold a connection (and a worker's memory) open for ever. Here every
request, headers and body, must arrive within `read_timeout_s` of its first byte (or of the
connection opening), else the connection is closed.

uvicorn's header limit applies to h11 only; with httptools a header could grow until the
deadline (one of 79 MB took the server from 99 to 235 MB). Here the request target, the header
lines and their bytes are counted as they arrive, and a request over a limit is answered 414 or
431 and its connection closed at once, the rest unread: see MAX_URL_BYTES, MAX_HEAD_BYTES and
MAX_HEADERS.

An absolute-form request target (`GET http://host/ HTTP/1.1`) names the host asked for, whatever
the Host header says (RFC 9112 §3.2.2): its authority replaces the Host header's value, so the
Host check (generator.web.guards) holds it to the allowed names.
"""

from __future__ import annotations

import asyncio
import copy
import json
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

import uvicorn
from uvicorn.config import LOGGING_CONFIG
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from generator.web.app import WebSettings, create_app
from generator.web.guards import target_authority

MAX_URL_BYTES = 8 * 1024
"""Longest request target (path and query string); a longer one is answered 414 URI Too Long (RFC 9112 §3).
Apache's LimitRequestLine is 8190 bytes and nginx's buffer for a request line 8 KiB; this API's longest
(an Infobutton query) is under 1 KiB."""
MAX_HEAD_BYTES = 32 * 1024
"""Most bytes of request target, header names and values (trailers included) one request may send; more is
answered 431 Request Header Fields Too Large. nginx's default ceiling (large_client_header_buffers 4 8k): the
page sends under 1 KiB, but a browser sends every cookie other programs on this computer set for localhost."""
MAX_HEADERS = 100
"""Most header lines (trailers included) one request may send; more is answered 431 (Apache's and gunicorn's
default limit)."""
_HEAD_MESSAGE = f"the request headers are over the {MAX_HEAD_BYTES // 1024} KiB limit"


@dataclass
class _Head:
    """What the head of the request being read has cost so far, in bytes."""

    target: int = 0
    """Of the request target."""
    kept: int = 0
    """Of the target and the header names and values uvicorn keeps."""
    held: int = 0
    """Of reads in which the parser reported nothing: a header line httptools collects until its end. (The part
    of that line in the read it began in is counted when it ends, so a head may pass the limit by one read, at
    most 256 KiB, before it is refused.)"""
    lines: int = 0
    """Header lines."""


class _OverLimitError(Exception):
    """Raised in a parser callback to stop httptools at once; uvicorn then logs its one-line warning "Invalid HTTP
    request received." and calls send_400_response."""


class DeadlineProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol (httptools' C parser), closing connections whose request is not read in time
    or whose head is over the limits (after a 414 or 431)."""

    read_timeout_s = 5.0
    _deadline: asyncio.TimerHandle | None = None
    _head: _Head
    _reading = False
    """Between the first byte of a request and its end."""
    _reported = False
    """Whether the parser reported anything of the read being parsed."""
    _refusal: tuple[int, str] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:  # type: ignore[override]
        super().connection_made(transport)  # type: ignore[arg-type]
        self._head = _Head()
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._deadline is None:
            self._arm()  # the first bytes of a next request on a kept-alive connection
        self._reported = False
        super().data_received(data)
        if self._reading and not self._reported and not self.transport.is_closing():
            self._head.held += len(data)  # all of this read is one line the parser is still collecting
            if self._head.kept + self._head.held > MAX_HEAD_BYTES:
                self._refuse(431, _HEAD_MESSAGE)

    def send_400_response(self, msg: str) -> None:
        """uvicorn's answer to a request the parser refused; ours when a limit stopped it."""
        if self._refusal is None:
            super().send_400_response(msg)
        else:
            self._refuse(*self._refusal)

    def on_message_begin(self) -> None:
        self._unset_keepalive_if_required()  # a request that follows in the same read must not meet the timer below
        self._head, self._reading, self._reported = _Head(), True, True
        super().on_message_begin()

    def on_url(self, url: bytes) -> None:
        self._reported = True
        self._head.target += len(url)
        if self._head.target > MAX_URL_BYTES:
            self._stop(414, f"the request URL is over the {MAX_URL_BYTES // 1024} KiB limit")
        self._keep(len(url))
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._reported = True
        self._head.lines += 1
        if self._head.lines > MAX_HEADERS:
            self._stop(431, f"more than {MAX_HEADERS} request header lines")
        self._head.held = 0  # the line is in: counted below
        self._keep(len(name) + len(value))
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        authority = target_authority(self.url)
        if authority is not None:  # absolute-form: the target names the host asked for (RFC 9112 §3.2.2)
            self.headers[:] = [(name, authority if name == b"host" else value) for name, value in self.headers]
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        self._reported = True
        super().on_body(body)

    def on_message_complete(self) -> None:
        self._disarm()  # the whole request is in
        self._reading = False
        super().on_message_complete()
        if self.cycle.response_complete and not self.transport.is_closing():
            # answered before its body was all in (a refusal: 401, 413, 421, 503): uvicorn set its keep-alive
            # timer with the answer, cancelled it for each later piece of body, and sets none at the end
            self._unset_keepalive_if_required()
            self.timeout_keep_alive_task = self.loop.call_later(
                self.timeout_keep_alive, self.timeout_keep_alive_handler
            )

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._deadline = self.loop.call_later(self.read_timeout_s, self._expire)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        if not self.transport.is_closing():
            self.transport.close()

    def _keep(self, size: int) -> None:
        self._head.kept += size
        if self._head.kept > MAX_HEAD_BYTES:
            self._stop(431, _HEAD_MESSAGE)

    def _stop(self, status: int, message: str) -> None:
        self._refusal = (status, message)
        raise _OverLimitError

    def _refuse(self, status: int, message: str) -> None:
        """Answer `status` (unless an answer to an earlier request is still being sent) and close, the rest unread."""
        if self.cycle is None or self.cycle.response_complete:
            body = json.dumps({"error": message, "errors": []}).encode()
            head = [
                (b"content-type", b"application/json"),
                (b"content-length", b"%d" % len(body)),
                (b"connection", b"close"),
                *self.server_state.default_headers,
            ]
            lines = [f"HTTP/1.1 {status} {HTTPStatus(status).phrase}".encode()] + [b"%s: %s" % pair for pair in head]
            self.transport.write(b"\r\n".join(lines) + b"\r\n\r\n" + body)
        self.transport.close()


def server_config(settings: WebSettings, host: str, port: int) -> uvicorn.Config:
    """The uvicorn configuration `handout serve` runs with."""
    protocol = type("Deadline", (DeadlineProtocol,), {"read_timeout_s": settings.read_timeout_s})
    log_config: dict[str, Any] = copy.deepcopy(LOGGING_CONFIG)
    log_config["formatters"]["plain"] = {"format": "%(asctime)s %(message)s", "datefmt": "%Y-%m-%d %H:%M:%S"}
    log_config["handlers"]["plain"] = {
        "class": "logging.StreamHandler",
        "formatter": "plain",
        "stream": "ext://sys.stderr",
    }
    log_config["loggers"]["generator.web"] = {"handlers": ["plain"], "level": "INFO", "propagate": False}
    return uvicorn.Config(
        create_app(settings),
        host=host,
        port=port,
        http=protocol,
        access_log=False,  # uvicorn's own access log holds the client address and the query string
        log_config=log_config,
        log_level="info",
        timeout_keep_alive=5,
        server_header=False,
        ssl_certfile=settings.tls[0] if settings.tls else None,
        ssl_keyfile=settings.tls[1] if settings.tls else None,
        proxy_headers=False,  # generator.web.transport reads the proxy's headers, from the proxy only
    )


def serve(settings: WebSettings, host: str, port: int) -> None:
    """Serve until Ctrl-C."""
    uvicorn.Server(server_config(settings, host, port)).run()
