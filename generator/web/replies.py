"""Reading a JSON request body and answering errors, shared by the API's routes."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from fastapi import Request
from fastapi.responses import JSONResponse, Response

from generator.errors import ContentError, HandoutError, InputError, NotApprovedError
from generator.inputs.strictdata import DataError, load_json

NOT_APPROVED_STATUS = 422
"""A leaflet refused because the server requires approved content and some of it is not: the request cannot be
made under this server's settings (like an input problem), not a fault of the server."""


def error_status(exc: HandoutError) -> int:
    """The status of a refused leaflet: 500 for a problem with the library, except content refused as not approved
    (NOT_APPROVED_STATUS); 422 for any other problem, the request's."""
    if isinstance(exc, NotApprovedError):
        return NOT_APPROVED_STATUS
    return 500 if isinstance(exc, ContentError) else 422


def message_reply(message: str, status: int, headers: dict[str, str] | None = None) -> JSONResponse:
    """`{"error": message, "errors": []}` with `status`: a problem that belongs to no field."""
    return JSONResponse({"error": message, "errors": []}, status_code=status, headers=headers)


def error_reply(exc: HandoutError, status: int) -> JSONResponse:
    """`{"error": message, "errors": [{"field", "message"}]}` with `status`."""
    message = str(exc).removeprefix("request: ")
    fields = [{"field": field, "message": text} for field, text in exc.problems]
    return JSONResponse({"error": message, "errors": fields}, status_code=status)


async def json_object(request: Request) -> dict[str, Any] | JSONResponse:
    """The body as a JSON object read by the strict JSON reader, or the error answer to send instead.

    A `clinic` in the body is refused: the clinic comes from the server's config only.
    """
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        return error_reply(InputError("request: send the body as application/json"), 415)
    try:
        body = load_json((await request.body()).decode("utf-8"))
    except DataError as exc:
        field = exc.field or "body"
        return error_reply(InputError(f"request: {field}: {exc}", ((field, str(exc)),)), 422)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return error_reply(InputError("request: body is not valid JSON"), 400)
    if not isinstance(body, dict):
        return error_reply(InputError("request: expected a JSON object"), 422)
    if "clinic" in body:
        message = "not accepted here: the clinic comes from the server's config"
        return error_reply(InputError(f"request: clinic: {message}", (("clinic", message),)), 422)
    return body


FORM = "application/x-www-form-urlencoded"


async def form_params(request: Request) -> dict[str, str] | Response:
    """A form-encoded body's parameters (the last of a name repeated), or the error answer to send instead."""
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != FORM:
        return error_reply(InputError(f"request: send the parameters as {FORM}"), 415)
    try:
        return dict(parse_qsl((await request.body()).decode("ascii"), keep_blank_values=True, strict_parsing=False))
    except UnicodeDecodeError:
        return error_reply(InputError("request: a form body is ASCII (non-ASCII characters are percent-encoded)"), 400)
