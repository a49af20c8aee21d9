"""The medication of a MedicationRequest: its RxNorm codes -> the topic and the tablet strength."""

from __future__ import annotations

from dataclasses import dataclass

from fhir.resources.R4B.medication import Medication
from fhir.resources.R4B.medicationrequest import MedicationRequest

from generator.content.codes import CodeIndex
from generator.content.library import Library
from generator.content.topic import RXNORM
from generator.fhir.bundle import ParsedBundle
from generator.fhir.problems import Problems


@dataclass(frozen=True)
class MedicineChoice:
    """The topic the order selects, its tablet strength when a product code gives one, and any warnings."""

    topic: str
    strength_mg: float | None
    warnings: tuple[str, ...]


def rxnorm_codes(request: MedicationRequest, bundle: ParsedBundle, problems: Problems) -> list[tuple[str, str]]:
    """(FHIR path, RxCUI) of every RxNorm coding of the order's medication."""
    if request.medicationCodeableConcept is not None:
        concept, base = request.medicationCodeableConcept, "MedicationRequest.medicationCodeableConcept"
    elif request.medicationReference is not None:
        where = "MedicationRequest.medicationReference"
        medication = bundle.resolve(request.medicationReference, request, where, problems)
        if not isinstance(medication, Medication):
            raise problems.fail(where, "does not point to a Medication in the bundle or contained")
        if medication.code is None:
            raise problems.fail("Medication.code", "missing (the medicine's RxNorm code selects the leaflet)")
        concept, base = medication.code, "Medication.code"
    else:
        raise problems.fail("MedicationRequest.medication[x]", "missing (a CodeableConcept or a Medication reference)")
    codings = enumerate(concept.coding or [])
    codes = [(f"{base}.coding[{i}]", c.code) for i, c in codings if c.system == RXNORM and c.code]
    if not codes:
        raise problems.fail(f"{base}.coding", f"no RxNorm code (system {RXNORM}); other code systems are not read")
    return codes


def choose_medicine(
    codes: list[tuple[str, str]], index: CodeIndex, library: Library, requested: str | None, problems: Problems
) -> MedicineChoice:
    """The topic and tablet strength the codes select; a requested topic must agree with them."""
    known = [(path, match) for path, rxcui in codes if (match := index.get(rxcui))]
    warnings = tuple(
        f"{path}: RxCUI {rxcui} is not listed by any topic of the library"
        for path, rxcui in codes
        if not index.get(rxcui)
    )
    topics = sorted({match.topic for _, match in known})
    strengths = sorted({match.code.strength_mg for _, match in known if match.code.strength_mg})
    if len(topics) > 1:
        raise problems.fail(known[0][0], f"the codes select different topics ({', '.join(topics)})")
    if len(strengths) > 1:
        raise problems.fail(known[0][0], "the codes name different tablet strengths")
    if requested and topics and requested != topics[0]:
        raise problems.fail(known[0][0], f"the medicine's code selects topic '{topics[0]}', not '{requested}'")
    topic = requested or (topics[0] if topics else None)
    if topic is None:
        raise problems.fail(
            codes[0][0],
            "no topic of the library lists this medicine's RxCUI (handout list --codes shows the codes it reads)",
        )
    if library.topic(topic).medicine is None:
        raise problems.fail("MedicationRequest", f"topic '{topic}' is not about a medicine; choose a medicine topic")
    unknown = next((path for path, rxcui in codes if not index.get(rxcui)), None)
    if not strengths and unknown:  # it may be a product of a strength the topic does not have: never guess one
        raise problems.fail(
            unknown,
            f"not a code topic '{topic}' lists, and no code it lists gives the tablet strength dispensed; "
            "send the product's RxCUI (handout list --codes)",
        )
    return MedicineChoice(topic, strengths[0] if strengths else None, warnings)
