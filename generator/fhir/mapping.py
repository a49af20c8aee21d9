"""A FHIR R4 Bundle (Patient, MedicationRequest, Practitioner, Medication) -> one Personalisation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.patient import Patient
from pydantic import ValidationError

from generator.content.codes import CodeIndex
from generator.content.library import Library
from generator.errors import InputError
from generator.fhir.bundle import Entry, ParsedBundle, parse_bundle
from generator.fhir.order.dosage import read_course
from generator.fhir.order.medication import choose_medicine, rxnorm_codes
from generator.fhir.people import patient_fields, prescriber_fields
from generator.fhir.problems import Problems
from generator.inputs.personalisation import (
    MAX_MEDICINES,
    Personalisation,
    Prescription,
    in_list,
    parse_personalisation,
)
from generator.prescription.dosing import make_schedule

ORDER_STATUSES = ("active",)
ORDER_INTENTS = ("order", "original-order", "reflex-order", "filler-order", "instance-order")
PERSON_PATHS = {
    "patient.name": "Patient.name",
    "patient.preferred_name": "Patient.name.where(use='usual').given",
    "patient.date_of_birth": "Patient.birthDate",
    "patient.language": "Patient.communication.language",
    "prescriber.name": "Practitioner.name",
    "prescriber.phone": "Practitioner.telecom",
}


@dataclass(frozen=True)
class FhirInput:
    """What one bundle asks for: a topic and personalisation, plus where each field came from."""

    topic: str
    data: Personalisation
    patient_reference: str
    """How the bundle refers to the Patient (for a DocumentReference's subject)."""
    order_references: tuple[str, ...]
    """How the bundle refers to each MedicationRequest (for a DocumentReference's context)."""
    warnings: tuple[str, ...]
    paths: dict[str, str]
    """Personalisation field -> FHIR path, so the generator's messages can name the FHIR element."""

    def explain(self, exc: InputError, where: str) -> InputError:
        """The generator's error about this input (from `where`), with each field named by its FHIR path."""
        return explain(exc, where, self.paths)


def explain(exc: InputError, where: str, paths: dict[str, str]) -> InputError:
    """`prescription.taper[0].dose_mg: ...` -> `MedicationRequest.dosageInstruction[1]...doseQuantity (...): ...`."""
    if not exc.problems or not str(exc).startswith(f"{where}: "):
        return exc
    named = tuple((f"{paths[field]} ({field})" if field in paths else field, text) for field, text in exc.problems)
    return InputError(f"{where}: " + "; ".join(f"{field}: {text}" for field, text in named), named)


def _check_order(request: Any, problems: Problems) -> None:
    if request.status not in ORDER_STATUSES:
        problems.add("MedicationRequest.status", "a leaflet is made only for an active order")
    if request.intent not in ORDER_INTENTS:
        problems.add("MedicationRequest.intent", "a leaflet is made only for an order, not a proposal or plan")
    if request.doNotPerform:
        problems.add("MedicationRequest.doNotPerform", "the order says not to take the medicine")
    if request.modifierExtension:
        problems.add("MedicationRequest.modifierExtension", "changes the order's meaning and is not understood")


@dataclass(frozen=True)
class Order:
    """One MedicationRequest, read: its topic, prescription fields, their FHIR paths and warnings."""

    topic: str
    prescription: dict[str, Any]
    paths: dict[str, str]
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class OrdersRead:
    """A Bundle's orders for one patient, read: the people and each order, before they make a Personalisation."""

    bundle: ParsedBundle
    entries: list[Entry]
    """The MedicationRequest entries, in bundle order."""
    patient: Entry | None
    """None only when asking: a bare MedicationRequest sent without its Patient."""
    people: dict[str, dict[str, Any]]
    orders: list[Order]


def read_orders(
    data: Any,
    where: str,
    library: Library,
    index: CodeIndex,
    made_on: dt.date,
    topic: str | None = None,
    asking: bool = False,
) -> OrdersRead:
    """Read one Bundle's MedicationRequests (at most MAX_MEDICINES, for one patient and one prescriber) and the
    people they name; every problem names its FHIR path and none quotes the patient's values. `asking` (the desk
    page, which asks staff for what an order lacks) also takes a bare MedicationRequest, and a Bundle without a
    Patient or a prescriber's name; each order's limits are then checked too, so one answer names every problem."""
    if asking and isinstance(data, dict) and data.get("resourceType") == "MedicationRequest":
        data = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": data}]}
    bundle = parse_bundle(data, where)
    problems = Problems(where)
    entries = bundle.of_type("MedicationRequest")
    requests = [entry.resource for entry in entries]
    if not requests:
        raise problems.fail(
            "Bundle.entry.resource.ofType(MedicationRequest)", "expected a MedicationRequest, found none"
        )
    several = len(requests) > 1
    if len(requests) > MAX_MEDICINES:
        message = f"{len(requests)} orders; one leaflet holds at most {MAX_MEDICINES} medicines"
        raise problems.fail("Bundle.entry.resource.ofType(MedicationRequest)", message)
    if several and topic:
        raise problems.fail("topic", "not with several MedicationRequests (each order's medicine is its topic)")
    # a second Patient could be the one an order means: never guessed
    patient_entry = None if asking and not bundle.of_type("Patient") else bundle.only("Patient")
    patient = patient_entry.resource if patient_entry else None
    assert patient is None or isinstance(patient, Patient)
    orders, prescribers = [], []
    for number, request in enumerate(requests):
        named = Problems(where) if not several else _Numbered(where, number)
        subject = bundle.resolve(request.subject, request, "MedicationRequest.subject", named)
        if patient is not None and subject is not patient:
            named.add("MedicationRequest.subject", "must refer to the Patient in the bundle")
        elif patient is None and _subject(request) != _subject(requests[0]):  # orders sent without their Patient
            named.add("MedicationRequest.subject", "the orders refer to different patients: one leaflet is for one")
        prescribers.append(prescriber_fields(request, bundle, made_on, named, required=not asking))
        if several and prescribers[-1].get("name") != prescribers[0].get("name"):
            named.add("MedicationRequest.requester", "the orders name different prescribers: one leaflet names one")
        orders.append(_read_order(request, bundle, library, index, topic, named))
        problems.found += named.found
    patient_part = patient_fields(patient, made_on, problems) if patient is not None else {}
    people = {"patient": patient_part, "prescriber": prescribers[0]}
    if problems.found or asking:  # the generator's limits on each order read whole, so one answer names every problem
        for number, order in enumerate(orders):
            for field, text in _limit_problems(order, library, where):
                path = order.paths.get(field, "")
                if several:
                    field, path = in_list(field, number), _numbered(path, number)
                problems.add(f"{path} ({field})" if path else field, text)
    problems.raise_if_any()
    return OrdersRead(bundle, entries, patient_entry, people, orders)


def read_fhir(
    data: Any, where: str, library: Library, index: CodeIndex, made_on: dt.date, topic: str | None = None
) -> FhirInput:
    """Read one Bundle: one MedicationRequest (one medicine) or several for one patient (one leaflet for
    them all); every problem names its FHIR path and none quotes the patient's values. Names are read as they
    are on `made_on`."""
    read = read_orders(data, where, library, index, made_on, topic)
    orders, people, several = read.orders, read.people, len(read.orders) > 1
    assert read.patient is not None
    reference = read.bundle.reference_to(read.patient)
    warnings = tuple(
        _numbered(warning, number) if several else warning
        for number, order in enumerate(orders)
        for warning in order.warnings
    )
    if several:
        paths = PERSON_PATHS | {
            in_list(field, number): _numbered(path, number)
            for number, order in enumerate(orders)
            for field, path in order.paths.items()
        }
        fields = {**people, "prescriptions": [order.prescription for order in orders]}
    else:
        paths, fields = PERSON_PATHS | orders[0].paths, {**people, "prescription": orders[0].prescription}
    try:
        personalisation = parse_personalisation(fields, where)
    except InputError as exc:
        raise explain(exc, where, paths) from None
    order_references = tuple(read.bundle.reference_to(entry) for entry in read.entries)
    topic_name = "" if several else orders[0].topic
    return FhirInput(topic_name, personalisation, reference, order_references, warnings, paths)


def _subject(request: MedicationRequest) -> str | None:
    """The patient an order names, as it names it."""
    return request.subject.reference if request.subject else None


def _read_order(
    request: MedicationRequest,
    bundle: ParsedBundle,
    library: Library,
    index: CodeIndex,
    topic: str | None,
    problems: Problems,
) -> Order:
    """One MedicationRequest's medicine and course; its problems go to `problems`."""
    _check_order(request, problems)
    try:
        choice = choose_medicine(rxnorm_codes(request, bundle, problems), index, library, topic, problems)
    except InputError:
        return Order("", {}, {}, ())  # what was wrong is in `problems`
    chosen = library.topic(choice.topic)
    medicine = chosen.medicine
    assert medicine is not None  # choose_medicine refuses other topics
    try:
        course = read_course(request, choice.strength_mg, chosen.as_needed_reasons, problems)
    except InputError:
        return Order(choice.topic, {}, {}, choice.warnings)
    prescription = {"medicine": medicine.name, **course.prescription}
    paths = {"prescription.medicine": "MedicationRequest.medication", **course.paths}
    return Order(choice.topic, prescription, paths, choice.warnings + course.warnings)


def _limit_problems(order: Order, library: Library, where: str) -> tuple[tuple[str, str], ...]:
    """(prescription field, message) of each limit the generator would refuse the order for."""
    if not order.prescription:
        return ()
    try:
        make_schedule(Prescription.model_validate(order.prescription), library.topic(order.topic), where)
    except InputError as exc:
        return exc.problems
    except ValidationError:
        return ()  # a field the generator's input model refuses is named when the order is read again
    return ()


class _Numbered(Problems):
    """Problems of the `number`th of several MedicationRequests: their paths say which."""

    def __init__(self, where: str, number: int) -> None:
        super().__init__(where)
        self.number = number

    def add(self, path: str, message: str) -> None:
        super().add(_numbered(path, self.number), message)


def _numbered(path: str, number: int) -> str:
    """MedicationRequest.x of the `number`th order -> MedicationRequest[number].x (Medication too)."""
    for kind in ("MedicationRequest", "Medication"):
        if path.startswith(kind + ".") or path == kind:
            return f"{kind}[{number}]{path[len(kind) :]}"
    return path
