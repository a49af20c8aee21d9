"""The front-desk routes: POST /api/leaflets (one or more leaflets for one patient, one PDF to print),
POST /api/leaflets/email (the same leaflets emailed to the patient, as `handout email` does) and
POST /api/schedule (what a prescription's schedule will say, for the page's summary line).

Every problem with the form comes back in one answer, each on its field (see desk_request);
problems that belong to no field come back in plain words saying what to do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from generator.audit import Leaflet
from generator.content.labels import load_wording
from generator.errors import ContentError, DeliveryError, HandoutError, InputError, NotApprovedError, TooLongError
from generator.inputs.personalisation import Clinic
from generator.mail.delivery import check_address
from generator.mail.handout import mail_handout
from generator.mail.settings import EmailSettings
from generator.pipeline import Generator, Handout, HandoutRequest, HtmlHandout
from generator.prescription.policy import ClinicPolicy
from generator.render.combine import combine_pdf_bytes
from generator.web.builds import BuildPool, BusyError, busy, refused_at_once
from generator.web.catalog import DEFAULT_LAYOUT
from generator.web.desk_request import WHERE, DeskRequest, read_desk_request
from generator.web.headers import CONTENT_HEADER, WARNINGS_HEADER, content_header, warnings_header
from generator.web.replies import NOT_APPROVED_STATUS, error_reply, json_object, message_reply
from generator.web.schedule_words import schedule_words
from generator.web.trail import CODE_HEADER, describe, new_code, note_asked, note_leaflet, note_refusal

TRY_AGAIN = "Try again; if it happens again, tell whoever looks after this system."


@dataclass(frozen=True)
class DeskSettings:
    """What the desk routes need from the server's settings."""

    clinic: Clinic
    policy: ClinicPolicy
    email: EmailSettings | None
    outbox: Path | None


@dataclass(frozen=True)
class _Made:
    request: DeskRequest
    handouts: tuple[tuple[str, Handout | HtmlHandout], ...]
    made_on: dt.date

    @property
    def warnings(self) -> tuple[tuple[str, str], ...]:
        return tuple(dict.fromkeys(warning for _, handout in self.handouts for warning in handout.warnings))

    @property
    def headers(self) -> dict[str, str]:
        """The staff warnings and the content status of every leaflet made."""
        content = content_header(handout.chain for _, handout in self.handouts)
        return {WARNINGS_HEADER: warnings_header(self.warnings), CONTENT_HEADER: content}

    def file_name(self, code: str, suffix: str = "pdf") -> str:
        """Named from the topics, the language and the leaflet's random code, never the patient."""
        topics = "-".join(self.request.name(topic) for topic in self.request.topics)
        return f"{topics}-{self.request.language}-{code}.{suffix}"


def _title(generator: Generator, request: DeskRequest, topic: str) -> str:
    """A leaflet's title in plain words: its topic's, or its medicines' (Carisoprodol (Soma) + Cyclobenzaprine)."""
    topics = request.medicines if request.for_medicines(topic) else (topic,)
    return " + ".join(generator.library.topic(name).title for name in topics)


def _plain(exc: Exception, generator: Generator, title: str | None) -> tuple[str, int]:
    """A problem that belongs to no field, in plain words with what to do, and its status."""
    if isinstance(exc, TooLongError) and title is not None:
        default = generator.layouts.get(exc.instead or DEFAULT_LAYOUT).title
        return (
            f"The {title} leaflet is too long for this layout: it needs {exc.pages} pages and the layout holds "
            f"{exc.max_pages}. Choose the layout '{default}' and make it again.",
            422,
        )
    if isinstance(exc, DeliveryError):
        reason = str(exc).removeprefix(f"{WHERE}: ")
        return f"The email was not sent ({reason}). Check the address, or print the leaflet instead.", 502
    if isinstance(exc, NotApprovedError):
        leaflet = f"The {title} leaflet" if title is not None else "The leaflet"
        return (
            f"{leaflet} was not made: this server prints only content approved by your clinic. ({exc}) "
            "Ask whoever looks after the leaflet library to have it reviewed and approved.",
            NOT_APPROVED_STATUS,
        )
    if isinstance(exc, ContentError):
        return f"The leaflet library has a problem, so no leaflet was made. {TRY_AGAIN} ({exc})", 500
    if isinstance(exc, HandoutError):
        return f"The leaflet did not pass its own checks, so it was not made. {TRY_AGAIN}", 500
    return f"Something went wrong and no leaflet was made. {TRY_AGAIN}", 500


def build_one(generator: Generator, request: HandoutRequest, html: bool) -> Handout | HtmlHandout:
    """One leaflet (as an HTML page with `html`); run in a build worker."""
    return generator.build_html(request, WHERE) if html else generator.build(request, WHERE)


def desk_router(
    generator: Generator,
    pool: BuildPool,
    settings: DeskSettings,
    check_token: Callable[[Request], Response | None],
) -> APIRouter:
    """The routes, over the server's generator, its build pool and settings."""
    router = APIRouter()

    async def read(request: Request) -> dict[str, Any] | Response:
        refused = check_token(request) or refused_at_once(pool)
        return refused if refused else await json_object(request)

    async def build(
        asked: Request, body: dict[str, Any], problems: tuple[tuple[str, str], ...] = (), html: bool = False
    ) -> _Made | Response:
        """Every leaflet of the request (as HTML pages with `html`), or the answer saying why not;
        `problems` found beforehand are reported with the form's."""
        made_on = dt.date.today()
        named = body.get("topics") if isinstance(body.get("topics"), list) else []
        known = [topic for topic in named if isinstance(topic, str) and topic in generator.library.topic_names()]
        note_asked(asked, Leaflet(",".join(known) or None))  # only the library's own names: never the body's text
        try:
            request = read_desk_request(generator.library, generator.layouts, settings.policy, body, made_on)
        except InputError as exc:
            return error_reply(_refusal(exc.problems + problems), 422)
        note_asked(asked, Leaflet(",".join(request.topics), request.language, request.layout))
        if problems:
            return error_reply(_refusal(problems), 422)
        handouts = []
        for topic in request.topics:
            several = request.for_medicines(topic)
            data = request.data
            if data.prescriptions and not several:  # a leaflet beside several medicines' one is about no medicine
                data = data.model_copy(update={"prescriptions": []})
            one = HandoutRequest(
                topic="" if several else topic,
                data=data,
                clinic=settings.clinic,
                made_on=made_on,
                layout=request.layout,
                paper=request.paper,
                language=request.language,
                grayscale=request.grayscale,
                policy=settings.policy,
            )
            try:
                handouts.append((topic, await pool.run(build_one, one, html)))
            except BusyError as exc:
                return busy(exc)
            except InputError as exc:
                return error_reply(exc, 422)
            except Exception as exc:
                note_refusal(asked, exc)
                return _plain_reply(exc, generator, _title(generator, request, topic))
        return _Made(request, tuple(handouts), made_on)

    def note_made(asked: Request, made: _Made, action: str, fmt: str, codes: list[str], done: list[str]) -> None:
        """An audit note for each leaflet made: its code and outcome (ok, or an email's)."""
        for (topic, handout), code, status in zip(made.handouts, codes, done, strict=True):
            layout = made.request.layout
            leaflet = describe(generator.library, topic, handout.language, layout, fmt, code, handout.chain)
            note_leaflet(asked, action, leaflet, status)

    @router.post(
        "/api/leaflets",
        summary="Make one or more verified leaflets for one patient, as one PDF to print",
        response_class=Response,
        responses={
            200: {"content": {"application/pdf": {}}, "description": "The leaflets, each starting on a front page"},
            422: {"description": "Every input problem, each with its field; or a plain-words error"},
        },
    )
    async def leaflets(request: Request) -> Response:
        """The single-handout input shape plus `topics` (a list, in print order), `language`, `layout`,
        `paper`, `grayscale` and `double_sided`. Several leaflets are joined one after the other; with
        `double_sided`, as `handout batch --combine` does (each starting on a front page)."""
        body = await read(request)
        if isinstance(body, Response):
            return body
        result = await build(request, body)
        if isinstance(result, Response):
            return result
        parts = [handout.pdf for _, handout in result.handouts if isinstance(handout, Handout)]
        double_sided = result.request.double_sided
        pdf = parts[0] if len(parts) == 1 else (await run_in_threadpool(combine_pdf_bytes, parts, double_sided))[0]
        code = new_code()  # one for the leaflets printed together
        note_made(request, result, "made", "pdf", [code] * len(parts), ["ok"] * len(parts))
        disposition = f'inline; filename="{result.file_name(code)}"'
        headers = {"Content-Disposition": disposition, CODE_HEADER: code, **result.headers}
        return Response(pdf, media_type="application/pdf", headers=headers)

    @router.post(
        "/api/leaflets/html",
        summary="The same leaflet as one accessible web page (HTML), for one leaflet at a time",
        response_class=Response,
        responses={200: {"content": {"text/html": {}}, "description": "The leaflet as a web page"}},
    )
    async def leaflet_page(request: Request) -> Response:
        """As POST /api/leaflets, for one topic: the verified HTML version (for a patient portal or a screen reader)."""
        body = await read(request)
        if isinstance(body, Response):
            return body
        topics = body.get("topics")
        if isinstance(topics, list) and len(topics) > 1:
            message = "A web page holds one leaflet: choose one leaflet, or download the PDF for several."
            return message_reply(message, 422)
        result = await build(request, body, html=True)
        if isinstance(result, Response):
            return result
        code = new_code()
        note_made(request, result, "downloaded", "html", [code], ["ok"])
        [(_, page)] = result.handouts
        assert isinstance(page, HtmlHandout)
        disposition = f'attachment; filename="{result.file_name(code, "html")}"'
        headers = {"Content-Disposition": disposition, CODE_HEADER: code, **result.headers}
        return Response(page.html.encode("utf-8"), media_type="text/html; charset=utf-8", headers=headers)

    @router.post(
        "/api/leaflets/email",
        summary="Make the leaflets and email each to the patient (or save it to the outbox)",
        responses={404: {"description": "Email is not set up on this server"}},
    )
    async def email(request: Request) -> Response:
        """As POST /api/leaflets, plus `to` (the patient's address): one message per leaflet."""
        if settings.email is None:
            message = "Email is not set up on this server: print the leaflet instead."
            return message_reply(message, 404)
        body = await read(request)
        if isinstance(body, Response):
            return body
        to = body.pop("to", None)
        try:
            check_address(to if isinstance(to, str) else "", WHERE)
            problems: tuple[tuple[str, str], ...] = ()
        except DeliveryError:
            problems = (("to", "not a valid email address"),)
        result = await build(request, body, problems)
        if isinstance(result, Response):
            return result
        try:
            sent = await run_in_threadpool(_send, generator, settings, result, str(to))
        except DeliveryError as exc:
            return _plain_reply(exc, generator, None)
        codes = [outcome.pop("audit_code") for outcome in sent]
        note_made(request, result, "emailed", "pdf", codes, [_delivered(outcome) for outcome in sent])
        return JSONResponse({"sent": sent}, headers=result.headers)

    @router.post(
        "/api/schedule",
        summary="What the leaflet's dose schedule will say for one prescription (the desk page's summary line)",
        responses={422: {"description": "The leaflet could not be made with this prescription: each problem"}},
    )
    async def schedule(request: Request) -> Response:
        """`prescription` (as in a patient file) and optional `layout`: `{"topic", "rows", "daily_limit",
        "refills"}`, the schedule table's rows (header first) and the sentences under it, as the leaflet prints
        them in English."""
        refused = check_token(request)
        if refused:
            return refused
        body = await json_object(request)
        if isinstance(body, Response):
            return body
        try:
            words = schedule_words(generator.library, generator.layouts, settings.policy, body)
        except InputError as exc:
            return error_reply(exc, 422)
        return JSONResponse(words)

    return router


def _delivered(outcome: dict[str, Any]) -> str:
    """An email's outcome in a word for the audit log (never the message, which may name the address)."""
    if outcome["uncertain"]:
        return "uncertain"
    text = str(outcome["outcome"])
    return "sent" if text.startswith("sent") else "outbox" if text.startswith("written") else "failed"


def _refusal(problems: tuple[tuple[str, str], ...]) -> InputError:
    text = "; ".join(f"{field}: {message}" if field else message for field, message in problems)
    return InputError(f"{WHERE}: {text}", problems)


def _plain_reply(exc: Exception, generator: Generator, title: str | None) -> JSONResponse:
    message, status = _plain(exc, generator, title)
    return message_reply(message, status)


def _send(generator: Generator, settings: DeskSettings, made: _Made, to: str) -> list[dict[str, Any]]:
    """Email each leaflet as `handout email` does; what became of each."""
    assert settings.email is not None
    sent = []
    for topic, handout in made.handouts:
        assert isinstance(handout, Handout)  # emailed leaflets are made as PDFs
        labels = load_wording(generator.library.root, handout.language).labels
        code = new_code()
        name = f"{made.request.name(topic)}-{made.made_on.isoformat()}-{code}"
        done = mail_handout(
            handout, made.request.data, settings.clinic, to, settings.email, labels, WHERE, settings.outbox, name
        )
        sent.append(
            {
                "topic": topic,
                "title": _title(generator, made.request, topic),
                "outcome": done.outcome,
                "uncertain": done.uncertain,
                "code": done.code,
                "audit_code": code,
            }
        )
    return sent
