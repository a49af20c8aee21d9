"""The FastAPI application: the staff page, `GET /api/topics` and `POST /api/handouts`.

Nothing is written to disk: each leaflet is made in memory and returned. The clinic comes
from the server's config only. Request bodies are size-limited, only the configured host
names are answered, and patient data never goes into logs (see generator.web.guards).
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import json
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles

from generator import __version__
from generator.audit import AuditLog
from generator.content.library import Library
from generator.errors import HandoutError, InputError
from generator.inputs.personalisation import Clinic, Personalisation, Prescriber, parse_personalisation
from generator.inputs.selection import resolve_topic
from generator.layouts import LayoutLibrary
from generator.mail.settings import EmailSettings
from generator.pipeline import Generator, Handout, HandoutRequest, HtmlHandout
from generator.prescription.policy import ClinicPolicy
from generator.web.accounts import Accounts
from generator.web.builds import BuildPool, BusyError, busy, refused_at_once
from generator.web.catalog import catalog
from generator.web.desk import DeskSettings, build_one, desk_router
from generator.web.fhir_routes import fhir_router
from generator.web.guards import AccessLog, BodyLimit, HostCheck, SecurityHeaders
from generator.web.headers import CONTENT_HEADER, WARNINGS_HEADER, content_header, warnings_header
from generator.web.identity import Access, Gate
from generator.web.monitoring import Metrics, monitoring_router
from generator.web.replies import error_reply as _error
from generator.web.replies import error_status, json_object, message_reply
from generator.web.trail import (
    CODE_HEADER,
    AuditTrail,
    Recent,
    audit_router,
    describe,
    new_code,
    note_leaflet,
    note_refusal,
)
from generator.web.transport import ProxyOnly

OPTIONS = ("topic", "layout", "language", "paper", "format")
"""Keys a request may add beside the single-handout input shape."""
STATIC = resources.files("generator.web") / "static"
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")
MIN_TOKEN_LENGTH = 16


@dataclass(frozen=True)
class WebSettings:
    """What the server is started with."""

    library: Path
    layouts: Path
    clinic: Clinic
    token: str | None = None
    """When set (and no users file), every API call must send it (Authorization: Bearer TOKEN)."""
    accounts: Accounts | None = None
    """Staff accounts (--users FILE): each person sends their own token; the shared token is then not used."""
    user_header: str | None = None
    """A header in which the reverse proxy names the person it signed in (believed from `proxy` only)."""
    proxy: str | None = None
    """The reverse proxy's address (--behind-proxy): the only client answered, over HTTPS only."""
    tls: tuple[Path, Path] | None = None
    """Certificate and key files: the server speaks HTTPS itself."""
    audit_log: Path | None = None
    """JSON Lines file each leaflet made, downloaded, printed, emailed or refused is appended to."""
    max_body_bytes: int = 64 * 1024
    allowed_hosts: tuple[str, ...] = LOOPBACK_NAMES
    """Host header names answered; any other gets 421 (DNS rebinding)."""
    read_timeout_s: float = 5.0
    """Each request, headers and body, must arrive within this time (see generator.web.server)."""
    policy: ClinicPolicy = field(default_factory=ClinicPolicy)
    """The clinic's own rules: course length per topic (the config's policy: section) and the content every
    leaflet must be (content: section, raised by --require); no request can lower them."""
    prescribers: tuple[Prescriber, ...] = ()
    """Prescribers the page offers, from the config file's prescribers: list."""
    email: EmailSettings | None = None
    """Email settings; without them the page offers no email."""
    outbox: Path | None = None
    """With email: write each message to this folder as .eml instead of sending it."""
    workers: int = 0
    """Worker processes that make leaflets (0: one at a time on a thread of the server); see generator.web.builds."""
    queue: int = 8
    """Builds that may wait for a worker; more are refused with 503 and Retry-After."""


def _request_schema() -> dict[str, Any]:
    schema = Personalisation.model_json_schema(by_alias=True)
    del schema["properties"]["clinic"]  # the clinic comes from the server's config
    schema["properties"] |= {
        "topic": {"type": "string", "description": "Topic name (default: the prescription's medicine)"},
        "layout": {"type": "string", "description": "Layout profile (default: standard)"},
        "language": {"type": "string", "description": "Language (default: the patient's)"},
        "paper": {"type": "string", "enum": ["letter", "a4"], "description": "Paper size (default: the layout's)"},
        "format": {
            "type": "string",
            "enum": ["pdf", "html"],
            "description": "pdf (tagged PDF/UA-1, the default) or html (the same leaflet as one accessible web page)",
        },
    }
    return schema


def create_app(settings: WebSettings) -> FastAPI:
    """The web application over one content library and clinic."""
    generator = Generator(Library(settings.library), LayoutLibrary(settings.layouts), settings.policy.content)
    metrics = Metrics()
    pool = BuildPool(generator, settings.workers, settings.queue, metrics)
    gate = Gate(Access(settings.token, settings.accounts, settings.user_header, settings.proxy))
    audit = AuditLog(settings.audit_log) if settings.audit_log else None
    recent = Recent()

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        pool.watch()
        yield
        pool.close()  # stop the build workers with the server
        if audit is not None:
            audit.close()

    app = FastAPI(
        title="patient-handouts",
        version=__version__,
        description="Make verified, personalised medication leaflets (PDF). "
        "POST /api/handouts takes the single-handout input shape and returns the PDF.",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.builds = pool
    docs_page, docs_policy = _docs_page(app)
    app.add_middleware(AuditTrail, log=audit, metrics=metrics, remember=recent.add)  # the last added runs first
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.add_middleware(HostCheck, allowed=settings.allowed_hosts)
    app.add_middleware(SecurityHeaders, policies={"/docs": docs_policy})
    if settings.proxy is not None:
        app.add_middleware(ProxyOnly, proxy=settings.proxy)
    app.add_middleware(AccessLog)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    check_token = gate.check

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page() -> HTMLResponse:
        return HTMLResponse((STATIC / "index.html").read_text(encoding="utf-8"))

    @app.get("/docs", response_class=HTMLResponse, include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(docs_page)

    topics_json = json.dumps(
        catalog(
            generator.library,
            generator.layouts,
            settings.clinic,
            settings.policy,
            settings.prescribers,
            settings.email is not None,
        )
    ).encode()  # once, at start: the event loop only sends it

    @app.get("/api/topics", summary="Topics, layouts and languages the library has")
    async def topics(request: Request) -> Response:
        refused = check_token(request)
        if refused:
            return refused
        return Response(topics_json, media_type="application/json")

    @app.get("/api/me", summary="Whose access token this is: name (null for the shared token) and role")
    async def me(request: Request) -> Response:
        refused = check_token(request)
        if refused:
            return refused
        return JSONResponse({"name": request.state.staff.name, "role": request.state.staff.role})

    @app.post(
        "/api/handouts",
        summary="Make one verified leaflet",
        response_class=Response,
        responses={
            200: {"content": {"application/pdf": {}, "text/html": {}}, "description": "The leaflet (PDF or HTML)"},
            422: {"description": "Input errors, each with its field"},
            401: {"description": "Access token missing or wrong"},
            413: {"description": "Request body too large"},
        },
        openapi_extra={
            "requestBody": {"required": True, "content": {"application/json": {"schema": _request_schema()}}}
        },
    )
    async def make(request: Request) -> Response:
        refused = check_token(request) or refused_at_once(pool)
        if refused:
            return refused
        body = await json_object(request)
        if isinstance(body, JSONResponse):
            return body
        options = {key: body.pop(key) for key in OPTIONS if key in body}
        try:
            topic, made = await pool.run(_build, settings.clinic, body, options)
        except BusyError as exc:
            return busy(exc)
        except HandoutError as exc:  # 422 for the request's problems and content not approved; 500 for the library's
            note_refusal(request, exc)
            return _error(exc, error_status(exc))
        except Exception as exc:
            note_refusal(request, exc)
            return message_reply("internal error; the leaflet was not made", 500)
        html = isinstance(made, HtmlHandout)
        code = new_code()
        layout = options.get("layout") or "standard"
        leaflet = describe(generator.library, topic, made.language, layout, "html" if html else "pdf", code, made.chain)
        note_leaflet(request, "made", leaflet)
        extension, kind = ("html", "text/html; charset=utf-8") if html else ("pdf", "application/pdf")
        headers = {  # no-store: see SecurityHeaders
            "Content-Disposition": f'inline; filename="leaflet.{extension}"',
            WARNINGS_HEADER: warnings_header(made.warnings),
            CONTENT_HEADER: content_header([made.chain]),
            CODE_HEADER: code,
        }
        content = made.html.encode("utf-8") if html else made.pdf
        return Response(content, media_type=kind, headers=headers)

    desk = DeskSettings(settings.clinic, settings.policy, settings.email, settings.outbox)
    app.include_router(desk_router(generator, pool, desk, check_token))
    app.include_router(fhir_router(generator, pool, settings.clinic, check_token))
    app.include_router(audit_router(recent, check_token))
    app.include_router(monitoring_router(generator.library, metrics, pool.alive, gate.check_admin))
    return app


def _docs_page(app: FastAPI) -> tuple[str, str]:
    """Swagger UI's page (from its CDN) and a Content-Security-Policy allowing its one inline script by hash."""
    page = get_swagger_ui_html(openapi_url=app.openapi_url or "/openapi.json", title=f"{app.title} API").body
    text = bytes(page).decode()
    hashes = " ".join(
        "'sha256-" + base64.b64encode(hashlib.sha256(script.encode()).digest()).decode() + "'"
        for script in re.findall(r"<script>(.*?)</script>", text, re.DOTALL)
    )
    cdn = "https://cdn.jsdelivr.net"
    policy = (
        f"default-src 'self'; script-src 'self' {cdn} {hashes}; style-src 'self' {cdn} 'unsafe-inline'; "
        "img-src 'self' data: https://fastapi.tiangolo.com; connect-src 'self'; object-src 'none'; "
        "base-uri 'none'; frame-ancestors 'self'"
    )
    return text, policy


def _build(
    generator: Generator, clinic: Clinic, body: dict[str, Any], options: dict[str, Any]
) -> tuple[str, Handout | HtmlHandout]:
    """The topic and leaflet of one POST /api/handouts request; run in a build worker."""
    for key, value in options.items():
        if not isinstance(value, str):
            raise InputError(f"request: {key}: expected a string", ((key, "expected a string"),))
    known = {"paper": ["letter", "a4"], "format": ["pdf", "html"]}  # a layout is checked where it is looked up
    for key, value in options.items():
        if value and key in known and value not in known[key]:
            message = f"unknown {key} (known: {', '.join(known[key])})"
            raise InputError(f"request: {key}: {message}", ((key, message),))
    data = parse_personalisation(body, "request")
    request = HandoutRequest(
        topic=resolve_topic(generator.library, options.get("topic"), data, "request"),
        data=data,
        clinic=clinic,
        made_on=dt.date.today(),
        layout=options.get("layout") or "standard",
        paper=options.get("paper"),
        language=options.get("language"),
    )
    return request.topic, build_one(generator, request, options.get("format") == "html")
