"""A FHIR R4 Bundle (Patient, MedicationRequest, Practitioner, Medication) -> one Personalisation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner

from generator.content.codes import CodeIndex
from generator.content.library import Library
from generator.errors import InputError
from generator.fhir.bundle import parse_bundle
from generator.fhir.dosage import read_course
from generator.fhir.medication import choose_medicine, rxnorm_codes
from generator.fhir.people import patient_fields, prescriber_fields
from generator.fhir.problems import Problems
from generator.inputs.personalisation import Personalisation, parse_personalisation

ORDER_STATUSES = ("active",)
ORDER_INTENTS = ("order", "original-order", "reflex-order", "filler-order", "instance-order")
PERSON_PATHS = {
    "patient.name": "Patient.name",
    "patient.preferred_name": "Patient.name.where(use='usual').given",
    "patient.date_of_birth": "Patient.birthDate",
    "patient.language": "Patient.communication.language",
    "prescriber.name": "Practitioner.name",
    "prescriber.phone": "Practitioner.telecom",
    "prescription.medicine": "MedicationRequest.medication",
}


@dataclass(frozen=True)
class FhirInput:
    """What one bundle asks for: a topic and personalisation, plus where each field came from."""

    topic: str
    data: Personalisation
    patient_reference: str
    """How the bundle refers to the Patient (for a DocumentReference's subject)."""
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


def read_fhir(data: Any, where: str, library: Library, index: CodeIndex, topic: str | None = None) -> FhirInput:
    """Read one Bundle; every problem names its FHIR path and none quotes the patient's values."""
    bundle = parse_bundle(data, where)
    problems = Problems(where)
    request = bundle.only("MedicationRequest").resource
    _check_order(request, problems)
    patient = bundle.resolve(request.subject, request)
    if not isinstance(patient, Patient):
        raise problems.fail("MedicationRequest.subject", "must refer to the Patient in the bundle")
    patient_entry = next(entry for entry in bundle.of_type("Patient") if entry.resource is patient)
    prescriber = bundle.resolve(request.requester, request)
    if not isinstance(prescriber, Practitioner):
        problems.add("MedicationRequest.requester", "must refer to a Practitioner in the bundle (the prescriber)")
    choice = choose_medicine(rxnorm_codes(request, bundle, problems), index, library, topic, problems)
    chosen = library.topic(choice.topic)
    medicine = chosen.medicine
    assert medicine is not None  # choose_medicine refuses other topics
    people = {"patient": patient_fields(patient, problems)}
    if isinstance(prescriber, Practitioner):
        people["prescriber"] = prescriber_fields(prescriber, problems)
    course = read_course(request, choice.strength_mg, chosen.as_needed_reasons, problems)
    problems.raise_if_any()
    reference = bundle.reference_to(patient_entry)
    paths = PERSON_PATHS | course.paths
    fields = {**people, "prescription": {"medicine": medicine.name, **course.prescription}}
    try:
        personalisation = parse_personalisation(fields, where)
    except InputError as exc:
        raise explain(exc, where, paths) from None
    return FhirInput(choice.topic, personalisation, reference, choice.warnings + course.warnings, paths)
