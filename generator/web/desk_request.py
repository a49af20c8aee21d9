"""Reading a front-desk request (one patient, one or more leaflets) and finding every problem in one round.

Validating the personalisation stops at the first failing stage (a blank name would hide a dose
above the label limit), so here each part is checked on its own as far as it can be: the options,
the patient, prescriber and prescription fields, the schedule of a prescription whose fields are
valid, and the age against the date of birth. All problems come back together, each on its field.
Several medicines (`prescriptions`, one leaflet for all) are checked the same way, each prescription
on its own, its problems named `prescriptions[N].field`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from generator.content.labels import load_wording
from generator.content.library import Library
from generator.content.schema import parse_model
from generator.errors import InputError
from generator.inputs.personalisation import (
    MAX_MEDICINES,
    Patient,
    Personalisation,
    Prescription,
    check_age,
    in_list,
    parse_personalisation,
)
from generator.inputs.selection import find_medicine_topics
from generator.layouts import LayoutLibrary
from generator.prescription.cautions import MAX_DAYS_AHEAD, START_TOO_FAR, staff_warnings
from generator.prescription.dosing import make_schedule
from generator.prescription.policy import ClinicPolicy
from generator.web.catalog import DEFAULT_LAYOUT, PAPERS

WHERE = "request"
MAX_LEAFLETS = 6
OPTIONS = ("topics", "language", "layout", "paper", "grayscale", "double_sided")
"""Keys a desk request adds beside the single-handout input shape."""

Problem = tuple[str, str]
_TAPER_FIELDS = ("prescription.taper", "prescription.last_day")
_FIELD_FIRST = re.compile(r"^([a-z_]+(?:\[\d+\])?(?:\.[a-z_]+)*): (.+)$")
"""A whole-body message that starts with its field ("prescriptions: a list of two or more")."""


@dataclass(frozen=True)
class DeskRequest:
    """Leaflets for one patient, in the order chosen, all in one language, layout, paper and colour."""

    topics: tuple[str, ...]
    """The leaflets in print order; with several medicines, the first one's topic stands for their one leaflet."""
    data: Personalisation
    language: str
    layout: str
    paper: str | None
    grayscale: bool
    medicines: tuple[str, ...] = ()
    """With several prescriptions: each one's topic, in order (together they make one leaflet)."""
    double_sided: bool = False
    """Leaflets printed together each start on a front page (a blank page after an odd page count)."""

    def for_medicines(self, topic: str) -> bool:
        """Whether `topic` stands for the one leaflet of several medicines."""
        return bool(self.medicines) and topic == self.medicines[0]

    def name(self, topic: str) -> str:
        """A leaflet's name in file names: its topic, or the medicines' topics joined."""
        return "-".join(self.medicines) if self.for_medicines(topic) else topic


class _Problems:
    def __init__(self) -> None:
        self.found: list[Problem] = []

    def add(self, field: str, message: str) -> None:
        if (field, message) not in self.found:
            self.found.append((field, message))

    def add_all(self, error: InputError, index: int | None = None) -> None:
        """Every problem of `error`, a prescription's named in the list of several when `index` is given."""
        for field, message in error.problems or (("", str(error).removeprefix(f"{WHERE}: ")),):
            found = None if field else _FIELD_FIRST.match(message)
            if found:
                field, message = found.groups()
            self.add(field if index is None else in_list(field, index), message)

    def fields(self) -> set[str]:
        return {field for field, _ in self.found}


def _refused(field: str, failed: set[str]) -> bool:
    """Whether `field`, or a part of it (prescription.times[0]), is already refused."""
    return any(one == field or one.startswith((f"{field}[", f"{field}.")) for one in failed)


def _language_name(library: Library, code: str) -> str:
    return load_wording(library.root, code).labels.language_name


def _not_in_language(library: Library, topic: str, language: str | None) -> str | None:
    """Why `topic` cannot be made in `language`, or None when it can."""
    available = library.languages(topic)
    if not language or language in available:
        return None
    names = ", ".join(_language_name(library, code) for code in available)
    return f"not available in {_language_name(library, language)} (available: {names})"


def _topics(
    library: Library, given: Any, language: str | None, problems: _Problems, medicines: list[str] | None
) -> list[str]:
    """The topic names, each known, none twice, each in the language. Without `medicines` (several prescriptions),
    at most one about a medicine; with them, a medicine topic must be one of them and the first stands for all."""
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
        if medicines is not None and library.topic(topic).medicine is not None:
            if medicines and topic not in medicines:
                problems.add(field, "not one of the medicines prescribed: add its prescription, or remove it")
            elif topic in medicines and medicine_topic is None:
                medicine_topic = medicines[0]
                found.append(medicine_topic)  # their one leaflet, printed here (each one's language checked there)
            continue
        if topic in found:
            problems.add(field, "this leaflet is already chosen")
            continue
        if library.topic(topic).medicine is not None:
            if medicine_topic is not None:
                message = "one medicine leaflet at a time here: several medicines go in one leaflet (prescriptions)"
                problems.add(field, message)
                continue
            medicine_topic = topic
        refused = _not_in_language(library, topic, language)
        if refused:
            problems.add(field, refused)
        found.append(topic)
    if medicines and medicine_topic is None:
        found.insert(0, medicines[0])  # not listed: the medicines' leaflet comes first
    return found


def _choice(options: dict[str, Any], key: str, known: list[str], problems: _Problems) -> str | None:
    value = options.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or value not in known:
        problems.add(key, f"expected one of {', '.join(known)}")
        return None
    return value


def _parsed(model: type[Any], value: Any, prefix: str) -> Any:
    """`value` parsed as `model` on its own, or None (its problems are already in the whole body's)."""
    try:
        return parse_model(model, value, WHERE, InputError, prefix=prefix)
    except InputError:
        return None


_LEFT_OUT = ("strength_mg", "times", "as_needed_for", "refills")
"""Optional fields a prescription is checked without when they fail: without them the other checks can only
find fewer problems, never others."""


def _checkable_part(rx: Any, prefix: str, failed: set[str]) -> tuple[Prescription | None, bool]:
    """The prescription parsed on its own, else without its taper and its failed optional fields (and True: the
    taper was left out). So a blank taper step or a wrong refills count does not hide a dose above the limit."""
    whole = _parsed(Prescription, rx, prefix)
    if whole is not None or not isinstance(rx, dict):
        return whole, False
    kept = {
        key: value
        for key, value in rx.items()
        if key not in ("taper", "last_day") and not (key in _LEFT_OUT and _refused(f"{prefix}.{key}", failed))
    }
    return _parsed(Prescription, kept, prefix), True


def _patient_without_failed_fields(body: dict[str, Any], problems: _Problems) -> Patient | None:
    """The patient without its failed fields, for the age checks only (a blank name must not hide them)."""
    given = body.get("patient")
    if not isinstance(given, dict):
        return None
    failed = {field.removeprefix("patient.") for field in problems.fields() if field.startswith("patient.")}
    kept = {key: value for key, value in given.items() if key not in failed}
    kept.setdefault("name", "-")  # a stand-in: this copy is never printed
    return _parsed(Patient, kept, "patient")


@dataclass(frozen=True)
class _Context:
    library: Library
    policy: ClinicPolicy
    data: Personalisation | None
    made_on: dt.date
    problems: _Problems


def _check_prescription(
    context: _Context, topic_name: str, rx: Prescription | None, taper_left_out: bool, index: int | None = None
) -> None:
    """The prescription's problems against the topic's and the clinic's rules, and a start date far ahead."""
    topic = context.library.topic(topic_name)
    try:
        schedule = make_schedule(rx, topic, WHERE, context.policy.max_days.get(topic_name))
        if context.data is not None:
            staff_warnings(context.data, topic, schedule, context.made_on, WHERE)  # refuses a start date far ahead
    except InputError as exc:
        problems = exc.problems or (("prescription", str(exc).removeprefix(f"{WHERE}: ")),)
        failed = context.problems.fields()  # a field already refused keeps that one message
        kept = [
            (field, message)
            for field, message in problems
            if not (taper_left_out and field.startswith(_TAPER_FIELDS))
            and not _refused(field if index is None else in_list(field, index), failed)
        ]
        if kept:
            context.problems.add_all(InputError(str(exc), tuple(kept)), index)


def _check_start(context: _Context, rx: Any, prefix: str) -> None:
    """A start date far ahead, found even when the rest of the prescription cannot be read (so it comes back in the
    first round with the other problems)."""
    start = rx.get("start") if isinstance(rx, dict) else None
    if not isinstance(start, str) or _refused(f"{prefix}.start", context.problems.fields()):
        return
    try:
        day = dt.date.fromisoformat(start)
    except ValueError:
        return
    if (day - context.made_on).days > MAX_DAYS_AHEAD:
        context.problems.add(f"{prefix}.start", START_TOO_FAR)


def _one_medicine(context: _Context, body: dict[str, Any], topics: list[str]) -> None:
    """`prescription` checked for the medicine topic chosen, if any."""
    _check_start(context, body.get("prescription"), "prescription")
    data = context.data
    if data is not None:
        prescription, taper_left_out = data.prescription, False
    else:
        failed = context.problems.fields()
        prescription, taper_left_out = _checkable_part(body.get("prescription"), "prescription", failed)
    for name in topics:
        if context.library.topic(name).medicine is None or (prescription is None and "prescription" in body):
            continue
        _check_prescription(context, name, prescription, taper_left_out)


def _several_medicines(context: _Context, given: Any, language: str | None) -> list[str]:
    """The topic of each of `prescriptions`, each prescription checked on its own; [] when one is unknown."""
    if not isinstance(given, list):
        return []
    given = given[:MAX_MEDICINES]
    failed = context.problems.fields()
    medicines = [
        rx.get("medicine")
        if isinstance(rx, dict) and isinstance(rx.get("medicine"), str) and f"prescriptions[{i}].medicine" not in failed
        else None
        for i, rx in enumerate(given)
    ]
    topics, problems = find_medicine_topics(context.library, medicines)
    for field, message in problems:
        context.problems.add(field, message)
    for index, (name, rx) in enumerate(zip(topics, given, strict=True)):
        prefix = f"prescriptions[{index}]"
        _check_start(context, rx, prefix)
        if not name:
            continue
        refused = _not_in_language(context.library, name, language)
        if refused:
            context.problems.add(f"{prefix}.medicine", refused)
        if context.data is not None:
            _check_prescription(context, name, context.data.prescriptions[index], False, index)
        else:
            prescription, taper_left_out = _checkable_part(rx, prefix, failed)
            if prescription is not None:
                _check_prescription(context, name, prescription, taper_left_out, index)
    return topics if all(topics) else []


def _layout_holds(layouts: LayoutLibrary, layout: str, count: int, problems: _Problems) -> None:
    chosen = layouts.get(layout)
    if count > 1 and not chosen.several_medicines:
        default = layouts.get(DEFAULT_LAYOUT).title or DEFAULT_LAYOUT
        message = f"'{chosen.title or layout}' holds one medicine: for {count} medicines choose '{default}'"
        problems.add("layout", message)


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
    double_sided = options.get("double_sided", False)
    for key, flag in (("grayscale", grayscale), ("double_sided", double_sided)):
        if not isinstance(flag, bool):
            problems.add(key, "expected true or false")
    data: Personalisation | None = None
    try:
        data = parse_personalisation(body, WHERE)
        patient = data.patient
    except InputError as exc:
        problems.add_all(exc)
        patient = _patient_without_failed_fields(body, problems)
    if patient is not None:
        try:
            check_age(patient, made_on, WHERE)
        except InputError as exc:
            problems.add_all(exc)
    context = _Context(library, policy, data, made_on, problems)
    medicines: list[str] = []
    if "prescriptions" in body:
        medicines = _several_medicines(context, body["prescriptions"], language)
        topics = _topics(library, options.get("topics"), language, problems, medicines)
        given = body["prescriptions"]
        _layout_holds(layouts, layout, len(given) if isinstance(given, list) else 0, problems)
    else:
        topics = _topics(library, options.get("topics"), language, problems, None)
        _one_medicine(context, body, topics)
    if problems.found or data is None:
        text = "; ".join(f"{field}: {message}" if field else message for field, message in problems.found)
        raise InputError(f"{WHERE}: {text}", tuple(problems.found))
    language = language or data.patient.language
    return DeskRequest(tuple(topics), data, language, layout, paper, grayscale, tuple(medicines), double_sided)
