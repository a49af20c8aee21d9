"""The FastAPI application: the staff page, `GET /api/topics` and `POST /api/handouts`.

Nothing is written to disk: each leaflet is made in memory and returned. Request bodies
are size-limited; patient data never goes into logs (only method, path and status do).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hmac
import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from generator import __version__
from generator.content import Library
from generator.errors import ContentError, HandoutError, InputError, LayoutError
from generator.inputs import Clinic, Personalisation, parse_personalisation
from generator.labels import label_languages, load_wording
from generator.layouts import LayoutLibrary
from generator.pipeline import Generator, Handout, HandoutRequest
from generator.selection import resolve_topic
from generator.strictdata import DataError, load_json
from generator.web.builds import BuildPool, BusyError, busy
from generator.web.fhir_routes import fhir_router
from generator.web.headers import WARNINGS_HEADER, warnings_header

OPTIONS = ("topic", "layout", "language", "paper")
"""Keys a request may add beside the single-handout input shape."""
STATIC = resources.files("generator.web") / "static"


@dataclass(frozen=True)
class WebSettings:
    """What the server is started with."""

    library: Path
    layouts: Path
    clinic: Clinic
    token: str | None = None
    """When set, every API call must send it (Authorization: Bearer TOKEN)."""
    max_body_bytes: int = 64 * 1024
    workers: int = 0
    """Worker processes that make leaflets (0: one at a time on a thread of the server); see generator.web.builds."""
    queue: int = 8
    """Builds that may wait for a worker; more are refused with 503 and Retry-After."""


class BodyLimit:
    """Refuse request bodies over the limit (413), whether or not they announce their length."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        length = dict(scope["headers"]).get(b"content-length")
        if length is not None and int(length) > self.limit:
            await _too_large(self.limit)(scope, receive, send)
            return
        seen = 0

        async def limited() -> dict[str, Any]:
            nonlocal seen
            message = await receive()
            seen += len(message.get("body", b""))
            if seen > self.limit:
                raise _TooLargeError
            return message

        try:
            await self.app(scope, limited, send)
        except _TooLargeError:
            await _too_large(self.limit)(scope, receive, send)


class _TooLargeError(Exception):
    pass


def _too_large(limit: int) -> JSONResponse:
    return JSONResponse({"error": f"request body is over the {limit // 1024} KiB limit", "errors": []}, status_code=413)


def _error(exc: HandoutError, status: int) -> JSONResponse:
    message = str(exc).removeprefix("request: ")
    fields = [{"field": field, "message": text} for field, text in exc.problems]
    return JSONResponse({"error": message, "errors": fields}, status_code=status)


def _request_schema() -> dict[str, Any]:
    schema = Personalisation.model_json_schema(by_alias=True)
    schema["properties"] |= {
        "topic": {"type": "string", "description": "Topic name (default: the prescription's medicine)"},
        "layout": {"type": "string", "description": "Layout profile (default: standard)"},
        "language": {"type": "string", "description": "Language (default: the patient's)"},
        "paper": {"type": "string", "enum": ["letter", "a4"], "description": "Paper size (default: the layout's)"},
    }
    return schema


def create_app(settings: WebSettings) -> FastAPI:
    """The web application over one content library and clinic."""
    generator = Generator(Library(settings.library), LayoutLibrary(settings.layouts))
    pool = BuildPool(generator, settings.workers, settings.queue)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        pool.close()  # stop the build workers with the server

    app = FastAPI(
        title="patient-handouts",
        version=__version__,
        description="Make verified, personalised medication leaflets (PDF). "
        "POST /api/handouts takes the single-handout input shape and returns the PDF.",
        lifespan=lifespan,
    )
    app.state.builds = pool
    app.add_middleware(BodyLimit, limit=settings.max_body_bytes)
    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")

    def check_token(request: Request) -> JSONResponse | None:
        if settings.token is None:
            return None
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), settings.token.encode()):
            return None
        return JSONResponse({"error": "access token missing or wrong", "errors": []}, status_code=401)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def page() -> HTMLResponse:
        return HTMLResponse((STATIC / "index.html").read_text(encoding="utf-8"))

    topics_json = json.dumps(_topics(generator, settings.clinic)).encode()  # once: the event loop only sends it

    @app.get("/api/topics", summary="Topics, layouts and languages the library has")
    async def topics(request: Request) -> Response:
        refused = check_token(request)
        if refused:
            return refused
        return Response(topics_json, media_type="application/json")

    @app.post(
        "/api/handouts",
        summary="Make one verified leaflet",
        response_class=Response,
        responses={
            200: {"content": {"application/pdf": {}}, "description": "The leaflet"},
            422: {"description": "Input errors, each with its field"},
            401: {"description": "Access token missing or wrong"},
            413: {"description": "Request body too large"},
        },
        openapi_extra={
            "requestBody": {"required": True, "content": {"application/json": {"schema": _request_schema()}}}
        },
    )
    async def make(request: Request) -> Response:
        refused = check_token(request)
        if refused:
            return refused
        if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
            return _error(InputError("request: send the body as application/json"), 415)
        try:
            body = load_json((await request.body()).decode("utf-8"))
        except DataError as exc:
            field = exc.field or "body"
            return _error(InputError(f"request: {field}: {exc}", ((field, str(exc)),)), 422)
        except (json.JSONDecodeError, UnicodeDecodeError):
            return _error(InputError("request: body is not valid JSON"), 400)
        if not isinstance(body, dict):
            return _error(InputError("request: expected a JSON object"), 422)
        options = {key: body.pop(key) for key in OPTIONS if key in body}
        try:
            handout = await pool.run(_build, settings.clinic, body, options)
        except BusyError as exc:
            return busy(exc)
        except (InputError, LayoutError) as exc:
            return _error(exc, 422)
        except HandoutError as exc:
            return _error(exc, 500 if isinstance(exc, ContentError) else 422)
        except Exception:
            return JSONResponse({"error": "internal error; the leaflet was not made", "errors": []}, status_code=500)
        headers = {
            "Content-Disposition": 'inline; filename="leaflet.pdf"',
            "Cache-Control": "no-store",
            WARNINGS_HEADER: warnings_header(handout.warnings),
        }
        return Response(handout.pdf, media_type="application/pdf", headers=headers)

    app.include_router(fhir_router(generator, pool, settings.clinic, check_token))
    return app


def _topics(generator: Generator, clinic: Clinic) -> dict[str, Any]:
    """What GET /api/topics answers: the clinic, and the library's topics, layouts and languages."""
    library, layouts = generator.library, generator.layouts
    return {
        "clinic": {"name": clinic.name, "phone": clinic.phone},
        "topics": [
            {
                "name": name,
                "title": library.topic(name).title,
                "medicine": library.topic(name).medicine is not None,
                "languages": library.languages(name),
            }
            for name in library.topic_names()
        ],
        "layouts": [{"name": n, "description": layouts.get(n).description} for n in layouts.names()],
        "languages": [
            {"code": code, "name": load_wording(library.root, code).labels.language_name}
            for code in label_languages(library.root)
        ],
    }


def _build(generator: Generator, clinic: Clinic, body: dict[str, Any], options: dict[str, Any]) -> Handout:
    for key, value in options.items():
        if not isinstance(value, str):
            raise InputError(f"request: {key}: expected a string", ((key, "expected a string"),))
    known = {"layout": generator.layouts.names(), "paper": ["letter", "a4"]}
    for key, value in options.items():
        if value and key in known and value not in known[key]:
            message = f"unknown {key} '{value}' (known: {', '.join(known[key])})"
            raise InputError(f"request: {key}: {message}", ((key, message),))
    data = parse_personalisation(body, "request")
    request = HandoutRequest(
        topic=resolve_topic(generator.library, options.get("topic"), data, "request"),
        data=data,
        clinic=data.clinic or clinic,
        made_on=dt.date.today(),
        layout=options.get("layout") or "standard",
        paper=options.get("paper"),
        language=options.get("language"),
    )
    return generator.build(request, "request")
