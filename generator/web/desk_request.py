"""Reading a front-desk request (one patient, one or more leaflets) and finding every problem in one round.

Validating the personalisation stops at the first failing stage (a blank name would hide a dose
above the label limit), so here each part is checked on its own as far as it can be: the options,
the patient, prescriber and prescription fields, the schedule of a prescription whose fields are
valid, and the age against the date of birth. All problems come back together, each on its field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from generator.content.labels import load_wording
from generator.content.library import Library
from generator.content.schema import parse_model
from generator.errors import InputError
from generator.inputs.personalisation import Patient, Personalisation, Prescription, check_age, parse_personalisation
from generator.layouts import LayoutLibrary
from generator.prescription.cautions import staff_warnings
from generator.prescription.dosing import make_schedule
from generator.prescription.policy import ClinicPolicy
from generator.web.catalog import DEFAULT_LAYOUT, PAPERS

WHERE = "request"
MAX_LEAFLETS = 6
OPTIONS = ("topics", "language", "layout", "paper", "grayscale")
"""Keys a desk request adds beside the single-handout input shape."""

Problem = tuple[str, str]
_TAPER_FIELDS = ("prescription.taper", "prescription.last_day")


@dataclass(frozen=True)
class DeskRequest:
    """Leaflets for one patient, in the order chosen, all in one language, layout, paper and colour."""

    topics: tuple[str, ...]
    data: Personalisation
    language: str
    layout: str
    paper: str | None
    grayscale: bool


class _Problems:
    def __init__(self) -> None:
        self.found: list[Problem] = []

    def add(self, field: str, message: str) -> None:
        if (field, message) not in self.found:
            self.found.append((field, message))

    def add_all(self, error: InputError) -> None:
        for field, message in error.problems or (("", str(error).removeprefix(f"{WHERE}: ")),):
            self.add(field, message)


def _language_name(library: Library, code: str) -> str:
    return load_wording(library.root, code).labels.language_name


def _topics(library: Library, given: Any, language: str | None, problems: _Problems) -> list[str]:
    """The topic names, each known, none twice, at most one about a medicine, each in the language."""
    if not isinstance(given, list) or not given or not all(isinstance(item, str) for item in given):
        problems.add("topics", "choose at least one leaflet")
        return []
    if len(given) > MAX_LEAFLETS:
        problems.add("topics", f"at most {MAX_LEAFLETS} leaflets at a time")
        return []
    found: list[str] = []
    medicine_topic = None
    for index, name in enumerate(given):
        field = f"topics[{index}]"
        topic = library.find_topic(name)
        if topic is None:
            problems.add(field, f"unknown leaflet (known: {', '.join(library.topic_names())})")
            continue
        if topic in found:
            problems.add(field, "this leaflet is already chosen")
            continue
        if library.topic(topic).medicine is not None:
            if medicine_topic is not None:
                problems.add(field, "one medicine leaflet at a time: its prescription is the one on this form")
                continue
            medicine_topic = topic
        available = library.languages(topic)
        if language and language not in available:
            names = ", ".join(_language_name(library, code) for code in available)
            problems.add(field, f"not available in {_language_name(library, language)} (available: {names})")
        found.append(topic)
    return found


def _choice(options: dict[str, Any], key: str, known: list[str], problems: _Problems) -> str | None:
    value = options.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or value not in known:
        problems.add(key, f"expected one of {', '.join(known)}")
        return None
    return value


def _section(model: type[Any], body: dict[str, Any], key: str) -> Any:
    """The section parsed on its own, or None (its problems are already in the whole body's)."""
    try:
        return parse_model(model, body.get(key), WHERE, InputError, prefix=key)
    except InputError:
        return None


def _full_dose_part(body: dict[str, Any]) -> tuple[Prescription | None, bool]:
    """The prescription parsed on its own, else its full-dose part alone (and True: the taper was left out).

    So a blank taper step does not hide a full-dose problem (a dose above the daily limit).
    """
    rx = body.get("prescription")
    whole = _section(Prescription, body, "prescription")
    if whole is not None or not isinstance(rx, dict):
        return whole, False
    full_dose = {key: value for key, value in rx.items() if key not in ("taper", "last_day")}
    return _section(Prescription, {"prescription": full_dose}, "prescription"), True


def _patient_without_failed_fields(body: dict[str, Any], problems: _Problems) -> Patient | None:
    """The patient without its failed fields, for the age checks only (a blank name must not hide them)."""
    given = body.get("patient")
    if not isinstance(given, dict):
        return None
    failed = {field.removeprefix("patient.") for field, _ in problems.found if field.startswith("patient.")}
    kept = {key: value for key, value in given.items() if key not in failed}
    kept.setdefault("name", "-")  # a stand-in: this copy is never printed
    return _section(Patient, {"patient": kept}, "patient")


def read_desk_request(
    library: Library, layouts: LayoutLibrary, policy: ClinicPolicy, body: dict[str, Any], made_on: dt.date
) -> DeskRequest:
    """The request, or an InputError listing every problem found, each with its field."""
    problems = _Problems()
    options = {key: body.pop(key) for key in OPTIONS if key in body}
    languages = sorted({code for name in library.topic_names() for code in library.languages(name)})
    language = _choice(options, "language", languages, problems)
    layout = _choice(options, "layout", layouts.names(), problems) or DEFAULT_LAYOUT
    paper = _choice(options, "paper", [paper["name"] for paper in PAPERS], problems)
    grayscale = options.get("grayscale", False)
    if not isinstance(grayscale, bool):
        problems.add("grayscale", "expected true or false")
    topics = _topics(library, options.get("topics"), language, problems)
    data: Personalisation | None = None
    taper_left_out = False
    try:
        data = parse_personalisation(body, WHERE)
        patient, prescription = data.patient, data.prescription
    except InputError as exc:
        problems.add_all(exc)
        patient = _patient_without_failed_fields(body, problems)
        prescription, taper_left_out = _full_dose_part(body)
    if patient is not None:
        try:
            check_age(patient, made_on, WHERE)
        except InputError as exc:
            problems.add_all(exc)
    for name in topics:
        topic = library.topic(name)
        if topic.medicine is None or (prescription is None and "prescription" in body):
            continue
        try:
            schedule = make_schedule(prescription, topic, WHERE, policy.max_days.get(name))
            if data is not None:
                staff_warnings(data, topic, schedule, made_on, WHERE)  # refuses a start date far ahead
        except InputError as exc:
            for field, message in exc.problems:
                if not (taper_left_out and field.startswith(_TAPER_FIELDS)):
                    problems.add(field, message)
    if problems.found or data is None:
        text = "; ".join(f"{field}: {message}" if field else message for field, message in problems.found)
        raise InputError(f"{WHERE}: {text}", tuple(problems.found))
    return DeskRequest(tuple(topics), data, language or data.patient.language, layout, paper, grayscale)
