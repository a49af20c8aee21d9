"""Running the web application under uvicorn, with a deadline for reading each request.

uvicorn closes idle kept-alive connections, but a client that sends its headers or body a
byte at a time could hold a connection (and a worker's memory) open for ever. Here every
request, headers and body, must arrive within `read_timeout_s` of its first byte (or of the
connection opening), else the connection is closed.

An absolute-form request target (`GET http://host/ HTTP/1.1`) names the host asked for, whatever
the Host header says (RFC 9112 §3.2.2): its authority replaces the Host header's value, so the
Host check (generator.web.guards) holds it to the allowed names.
"""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import uvicorn
from uvicorn.config import LOGGING_CONFIG
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from generator.web.app import WebSettings, create_app
from generator.web.guards import target_authority


class DeadlineProtocol(HttpToolsProtocol):
    """uvicorn's HTTP/1.1 protocol (httptools' C parser), closing connections whose request is not read in time."""

    read_timeout_s = 5.0
    _deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:  # type: ignore[override]
        super().connection_made(transport)  # type: ignore[arg-type]
        self._arm()

    def data_received(self, data: bytes) -> None:
        if self._deadline is None:
            self._arm()  # the first bytes of a next request on a kept-alive connection
        super().data_received(data)

    def on_message_begin(self) -> None:
        self._unset_keepalive_if_required()  # a request that follows in the same read must not meet the timer below
        super().on_message_begin()

    def on_headers_complete(self) -> None:
        authority = target_authority(self.url)
        if authority is not None:  # absolute-form: the target names the host asked for (RFC 9112 §3.2.2)
            self.headers[:] = [(name, authority if name == b"host" else value) for name, value in self.headers]
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._disarm()  # the whole request is in
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
    )


def serve(settings: WebSettings, host: str, port: int) -> None:
    """Serve until Ctrl-C."""
    uvicorn.Server(server_config(settings, host, port)).run()
