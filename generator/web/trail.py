"""The audit trail of the leaflet routes: what the routes note of each request, written as audit lines.

Routes note each leaflet they made (`note_leaflet`), what a refused request asked for (`note_asked`) and, when
they know it, why it was refused (`note_refusal`). The AuditTrail middleware writes the lines (generator.audit)
when the answer starts, before it is sent, with the staff member generator.web.identity found; a refused
request is one `refused` line with the reason's class (from the note, else from the status). It also counts
refusals for /metrics.

The page reports printing and downloading a leaflet it was sent (`POST /api/audit` with the leaflet's code,
from the X-Handout-Code header): the line repeats what the server noted when it made that leaflet, so the
page cannot write anything else into the log.
"""

from __future__ import annotations

import asyncio
import secrets
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from generator.audit import AuditEntry, AuditLog, Leaflet, now
from generator.content.chain import ContentChain
from generator.content.library import Library
from generator.errors import (
    ContentError,
    DeliveryError,
    HandoutError,
    LayoutError,
    NotApprovedError,
    RenderError,
    TooLongError,
    VerifyError,
)
from generator.web.monitoring import Metrics
from generator.web.replies import json_object, message_reply

CODE_HEADER = "X-Handout-Code"
"""Response header with the random code of the leaflet (or leaflets printed together) just made."""
AUDITED = (
    "/api/handouts",
    "/api/leaflets",
    "/api/leaflets/html",
    "/api/leaflets/email",
    "/api/fhir/handouts",
    "/infobutton",
    "/api/audit",
)
REPORTED = ("printed", "downloaded")
"""What the page reports it did with a leaflet."""
_STATUS_REASONS = {400: "input", 401: "auth", 403: "forbidden", 404: "not-found", 413: "too-large", 415: "input"}
_STATUS_REASONS |= {422: "input", 502: "delivery", 503: "busy"}
_ERROR_REASONS: tuple[tuple[type[BaseException], str], ...] = (
    (NotApprovedError, "not-approved"),
    (TooLongError, "too-long"),
    (VerifyError, "verification"),
    (ContentError, "content"),
    (LayoutError, "layout"),
    (RenderError, "render"),
    (DeliveryError, "delivery"),
    (HandoutError, "input"),
    (BrokenProcessPool, "worker-died"),
)
REMEMBERED = 10_000
"""Leaflets whose code the page may report printing or downloading (the most recent)."""


def new_code() -> str:
    """A leaflet's random code."""
    return secrets.token_hex(4)


def describe(
    library: Library, topic: str, language: str, layout: str, fmt: str, code: str, chain: ContentChain | None
) -> Leaflet:
    """The audit description of a leaflet made (`topic` empty for a leaflet of several medicines)."""
    version = library.topic(topic).content_version if topic in library.topic_names() else None
    approved = chain is not None and all(each.status == "approved" for each in chain.files)
    return Leaflet(topic or None, language, layout, fmt, code, version, "approved" if approved else "draft")


def _notes(request: Request) -> dict[str, Any]:
    return request.scope.setdefault("state", {}).setdefault("audit", {"leaflets": []})


def note_leaflet(request: Request, action: str, leaflet: Leaflet, status: str = "ok") -> None:
    """A leaflet made (or emailed, or downloaded as a web page) for this request."""
    _notes(request)["leaflets"].append((action, status, leaflet))


def note_asked(request: Request, leaflet: Leaflet) -> None:
    """What a request asked for, said on its refusal line if it is refused."""
    _notes(request)["asked"] = leaflet


def note_refusal(request: Request, error: BaseException) -> None:
    """Why a request was refused: the class of `error`."""
    _notes(request)["reason"] = next((name for kind, name in _ERROR_REASONS if isinstance(error, kind)), "internal")


class AuditTrail:
    """Write the audit lines of the leaflet routes (see the module) and count refusals."""

    def __init__(
        self, app: ASGIApp, log: AuditLog | None, metrics: Metrics, remember: Callable[[str | None, Leaflet], None]
    ) -> None:
        self.app, self.log, self.metrics = app, log, metrics
        self.remember = remember
        """Called with each leaflet made and its maker (see Recent)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in AUDITED:
            await self.app(scope, receive, send)
            return
        scope.setdefault("state", {})  # where the routes' notes and the staff member are kept

        started = False

        async def writing(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                await self._write(scope, message["status"])
            await send(message)

        try:
            await self.app(scope, receive, writing)
        except Exception:
            if not started:  # the server's error page answers 500: the refusal is written all the same
                await self._write(scope, 500)
            raise

    async def _write(self, scope: Scope, status: int) -> None:
        state = scope.get("state", {})
        notes = state.get("audit", {"leaflets": []})
        staff = state.get("staff")
        user = staff.name if staff is not None else None
        if status < 400:
            lines = list(notes["leaflets"])
            for action, _, leaflet in lines:
                if action == "made":
                    self.remember(user, leaflet)
        else:
            reason = notes.get("reason") or _STATUS_REASONS.get(status, "internal")
            self.metrics.refused.labels(reason).inc()
            lines = [("refused", reason, replace(notes.get("asked", Leaflet()), code=None))]
        if self.log is None:
            return
        entries = [
            AuditEntry(now(), user, action, done, status, leaflet, scope["path"]) for action, done, leaflet in lines
        ]
        await asyncio.to_thread(_write_all, self.log, entries)


def _write_all(log: AuditLog, entries: list[AuditEntry]) -> None:
    for entry in entries:
        log.write(entry)


class Recent:
    """The leaflets made lately, by code and maker, so the page can report printing or downloading them."""

    def __init__(self) -> None:
        self._by_code: OrderedDict[tuple[str | None, str], list[Leaflet]] = OrderedDict()

    def add(self, user: str | None, leaflet: Leaflet) -> None:
        assert leaflet.code is not None
        self._by_code.setdefault((user, leaflet.code), []).append(leaflet)
        self._by_code.move_to_end((user, leaflet.code))
        while len(self._by_code) > REMEMBERED:
            self._by_code.popitem(last=False)

    def get(self, user: str | None, code: str) -> list[Leaflet]:
        return self._by_code.get((user, code), [])


def audit_router(recent: Recent, check_token: Callable[[Request], Response | None]) -> APIRouter:
    """POST /api/audit: the page says it printed or downloaded a leaflet it was sent."""
    router = APIRouter()

    @router.post("/api/audit", summary="Record that the page printed or downloaded a leaflet", status_code=204)
    async def reported(request: Request) -> Response:
        """`{"action": "printed" or "downloaded", "code": "<X-Handout-Code of the leaflet>"}`."""
        refused = check_token(request)
        if refused:
            return refused
        body = await json_object(request)
        if isinstance(body, Response):
            return body
        action, code = body.get("action"), body.get("code")
        if action not in REPORTED or not isinstance(code, str):
            return message_reply(f"expected action ({' or '.join(REPORTED)}) and code", 422)
        made = recent.get(request.state.staff.name, code)
        if not made:
            return message_reply("no leaflet you made lately has this code", 404)
        for leaflet in made:
            note_leaflet(request, action, leaflet)
        return Response(status_code=204)

    return router
