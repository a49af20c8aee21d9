"""EHR-facing routes: POST /api/fhir/handouts (a FHIR Bundle in, the PDF or a DocumentReference out),
POST /api/fhir/form (an order in, the desk page's form fields out) and GET or POST /infobutton (HL7 Infobutton
knowledge requests, answered with a feed of matching leaflets).

Like the rest of the API, nothing is written to disk and patient data never reaches the logs.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from generator.audit import Leaflet
from generator.content.codes import CodeIndex
from generator.errors import HandoutError, InputError
from generator.fhir.document import LeafletRecord, document_reference, operation_outcome
from generator.fhir.form import read_order_form
from generator.fhir.handout import build_fhir, decode_bundle
from generator.fhir.infobutton import atom_feed, find_entries, json_feed, parse_query
from generator.fhir.mapping import read_fhir
from generator.inputs.personalisation import Clinic
from generator.pipeline import Generator, HandoutRequest
from generator.web.builds import BUSY_MESSAGE, BuildPool, BusyError, busy, refused_at_once
from generator.web.headers import WARNINGS_HEADER, warnings_header
from generator.web.replies import error_reply, error_status, form_params, message_reply
from generator.web.trail import CODE_HEADER, describe, new_code, note_leaflet, note_refusal

FHIR_JSON = "application/fhir+json"
OUTPUTS = ("pdf", "DocumentReference")


def _outcome(error: HandoutError, status: int, headers: dict[str, str] | None = None) -> Response:
    outcome = operation_outcome(error).model_dump_json()
    return Response(outcome, status_code=status, media_type=FHIR_JSON, headers=headers)


class _UnreadBodyError(Exception):
    """A FHIR body that cannot be read, with the status to answer."""

    def __init__(self, error: InputError, status: int) -> None:
        super().__init__(str(error))
        self.error, self.status = error, status


async def _fhir_json(request: Request, what: str) -> Any:
    """The decoded JSON of a FHIR request body (`what`: the Bundle, the order); _UnreadBodyError if unreadable."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind not in (FHIR_JSON, "application/json"):
        raise _UnreadBodyError(InputError(f"request: send the {what} as {FHIR_JSON}"), 415)
    try:
        return decode_bundle((await request.body()).decode("utf-8"), "request")
    except UnicodeDecodeError:
        raise _UnreadBodyError(InputError("request: body is not UTF-8 JSON"), 400) from None
    except InputError as exc:
        raise _UnreadBodyError(exc, 400) from None


def _busy(exc: BusyError) -> Response:
    return _outcome(HandoutError(BUSY_MESSAGE), 503, {"Retry-After": str(exc.retry_after)})


def _make(
    generator: Generator, clinic: Clinic, bundle: Any, options: dict[str, str | None]
) -> tuple[bytes, dict[str, str], Leaflet]:
    """The leaflet (PDF, or a DocumentReference) of a Bundle, its headers and audit description; run in a build
    worker."""
    library = generator.library
    if options["paper"] and options["paper"] not in ("letter", "a4"):  # a layout is checked where it is looked up
        message = "unknown paper (known: letter, a4)"
        raise InputError(f"request: paper: {message}", (("paper", message),))
    if options["topic"] and options["topic"] not in library.topic_names():
        message = f"unknown topic (known: {', '.join(library.topic_names())})"
        raise InputError(f"request: topic: {message}", (("topic", message),))
    made_on = dt.date.today()
    fhir = read_fhir(bundle, "request", library, CodeIndex(library), made_on, options["topic"])
    request = HandoutRequest(
        topic=fhir.topic,
        data=fhir.data,
        clinic=clinic,
        made_on=made_on,
        layout=options["layout"] or "standard",
        paper=options["paper"],
    )
    handout = build_fhir(generator, request, fhir, "request")
    warnings = tuple(("bundle", warning) for warning in fhir.warnings) + handout.warnings
    code = new_code()
    headers = {WARNINGS_HEADER: warnings_header(warnings), CODE_HEADER: code}
    topic = handout.topics[0] if len(handout.topics) == 1 else ""
    leaflet = describe(library, topic, handout.language, request.layout, "pdf", code, handout.chain)
    if options["output"] != "DocumentReference":
        return handout.pdf, headers, leaflet
    versions = tuple((topic, library.topic(topic).content_version) for topic in handout.topics)
    record = LeafletRecord(
        fhir.patient_reference, fhir.order_references, versions, handout.subject, handout.language, made_on, clinic
    )
    document = document_reference(handout.pdf, record, dt.datetime.now(dt.UTC))
    return document.model_dump_json().encode(), headers, leaflet


def _generic(generator: Generator, topic: str, language: str, clinic: Clinic) -> bytes:
    """The topic's generic leaflet (no patient, no schedule), verified like any other; run in a build worker."""
    return generator.build_generic(topic, language, "standard", clinic, dt.date.today(), "request").pdf


def fhir_router(
    generator: Generator, pool: BuildPool, clinic: Clinic, check_token: Callable[[Request], Response | None]
) -> APIRouter:
    """The routes, over the server's generator, its build pool and clinic."""
    router = APIRouter()
    codes = CodeIndex(generator.library)

    @router.post(
        "/api/fhir/handouts",
        summary="Make one verified leaflet from a FHIR R4 Bundle",
        response_class=Response,
        responses={
            200: {"content": {"application/pdf": {}, FHIR_JSON: {}}, "description": "The PDF, or a DocumentReference"},
            422: {"content": {FHIR_JSON: {}}, "description": "OperationOutcome: each issue names its FHIR path"},
            401: {"description": "Access token missing or wrong"},
        },
    )
    async def fhir_handout(
        request: Request,
        output: str = "pdf",
        topic: str | None = None,
        layout: str | None = None,
        paper: str | None = None,
    ) -> Response:
        """The body is a Bundle (Patient, MedicationRequest, Practitioner, Medication); `?output=DocumentReference`
        returns the leaflet as a FHIR DocumentReference to file in the chart."""
        refused = check_token(request) or refused_at_once(pool, _busy)
        if refused:
            return refused
        try:
            bundle = await _fhir_json(request, "Bundle")
        except _UnreadBodyError as exc:
            return _outcome(exc.error, exc.status)
        if output not in OUTPUTS:
            message = f"expected one of {', '.join(OUTPUTS)}"
            return _outcome(InputError(f"request: output: {message}", (("output", message),)), 422)
        options = {"output": output, "topic": topic, "layout": layout, "paper": paper}
        try:
            body, headers, leaflet = await pool.run(_make, clinic, bundle, options)
        except BusyError as exc:
            return _busy(exc)
        except HandoutError as exc:
            note_refusal(request, exc)
            return _outcome(exc, error_status(exc))
        except Exception as exc:
            note_refusal(request, exc)
            return _outcome(HandoutError("internal error; the leaflet was not made"), 500)
        note_leaflet(request, "made", leaflet)
        if output == "DocumentReference":
            return Response(body, media_type=FHIR_JSON, headers=headers)
        headers["Content-Disposition"] = 'inline; filename="leaflet.pdf"'
        return Response(body, media_type="application/pdf", headers=headers)

    @router.post(
        "/api/fhir/form",
        summary="Read a FHIR order (a Bundle, or a bare MedicationRequest) as the desk page's form fields",
        responses={422: {"description": "Every problem, each on its FHIR path, as POST /api/fhir/handouts says it"}},
    )
    async def fhir_form(request: Request) -> Response:
        """`{"topics", "patient", "prescriber", "prescriptions", "warnings", "missing"}`: the fields the order
        gives, read as POST /api/fhir/handouts reads it, and `missing`, what the page must ask for (a bare
        MedicationRequest's patient name or prescriber). Nothing is made and nothing is kept."""
        refused = check_token(request)
        if refused:
            return refused
        try:
            data = await _fhir_json(request, "order")
        except _UnreadBodyError as exc:
            return error_reply(exc.error, exc.status)
        try:
            form = await run_in_threadpool(read_order_form, data, "request", generator.library, codes, dt.date.today())
        except InputError as exc:
            return error_reply(exc, 422)
        return JSONResponse(form.as_json())

    async def infobutton_answer(request: Request, params: Mapping[str, str]) -> Response:
        """The knowledge response to one request's parameters, however they came."""
        try:
            query = parse_query(params)
        except InputError as exc:
            return error_reply(exc, 400)
        entries = find_entries(query, generator.library, codes, clinic.leaflet_url)
        if query.response_type == "application/pdf":
            if not entries:
                return _no_leaflet()
            topic = entries[0].topic
            try:
                pdf = await pool.run(_generic, topic, query.language, clinic)
            except BusyError as exc:
                return busy(exc)
            code = new_code()
            version = generator.library.topic(topic).content_version
            note_leaflet(request, "made", Leaflet(topic, query.language, "standard", "pdf", code, version))
            disposition = f'inline; filename="{topic}-{query.language}.pdf"'
            headers = {"Content-Disposition": disposition, CODE_HEADER: code}
            return Response(pdf, media_type="application/pdf", headers=headers)
        updated = dt.datetime.now(dt.UTC).replace(microsecond=0)
        if query.response_type == "application/json":
            return Response(json.dumps(json_feed(query, entries, updated)), media_type="application/json")
        media = "application/atom+xml" if query.response_type == "application/atom+xml" else "text/xml"
        return Response(atom_feed(query, entries, updated), media_type=media)

    @router.get("/infobutton", summary="HL7 Infobutton knowledge request (URL-based)", response_class=Response)
    async def infobutton(request: Request) -> Response:
        """mainSearchCriteria.v.c (an RxCUI, or an NDC) with mainSearchCriteria.v.cs (2.16.840.1.113883.6.88 or
        2.16.840.1.113883.6.69), or the medicine's name in mainSearchCriteria.v.dn -> a feed (knowledgeResponseType
        text/xml or application/json) of the matching leaflet, or its generic PDF (application/pdf); unknown codes:
        an empty feed (404 for a PDF)."""
        return check_token(request) or await infobutton_answer(request, request.query_params)

    @router.post("/infobutton", summary="HL7 Infobutton knowledge request (form POST)", response_class=Response)
    async def infobutton_post(request: Request) -> Response:
        """The same request as GET, its parameters in an application/x-www-form-urlencoded body."""
        refused = check_token(request)
        if refused:
            return refused
        params = await form_params(request)
        return params if isinstance(params, Response) else await infobutton_answer(request, params)

    return router


def _no_leaflet() -> JSONResponse:
    message = "no leaflet for this code, code system, language and recipient (the feed is empty)"
    return message_reply(message, 404)
