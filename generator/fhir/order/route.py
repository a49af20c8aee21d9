"""Dosage.route and Dosage.method: the leaflet is for tablets swallowed whole, so the route must be oral and the
method, when given, taking or swallowing.

EHRs say "oral" many ways: SNOMED CT 26643006 "Oral route" or 260548002 "Oral" (Epic), HL7's PO, the FDA's
route code C38288, a local code (an Epic OID) with the display or text "Oral". Any of them is oral; a route that
says something else is refused, and one that says nothing readable is refused as unclear.
"""

from __future__ import annotations

from fhir.resources.R4B.codeableconcept import CodeableConcept

from generator.fhir.problems import Problems

SNOMED = "http://snomed.info/sct"
ORAL_CODES = {
    (SNOMED, "26643006"),
    (SNOMED, "260548002"),
    ("http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration", "PO"),
    ("http://ncimeta.nci.nih.gov", "C38288"),
    ("urn:oid:2.16.840.1.113883.3.26.1.1", "C38288"),
}
"""Oral: SNOMED CT oral route and oral (qualifier), HL7 v3 PO, the FDA route of administration (NCI) ORAL."""
ORAL_WORDS = {"oral", "oral route", "by mouth", "orally", "po", "p.o.", "per os", "mouth"}
METHOD_CODES = {(SNOMED, "419652001"), (SNOMED, "421521009")}
"""SNOMED CT Take and Swallow."""
METHOD_WORDS = {"take", "swallow", "by mouth"}


def _words(concept: CodeableConcept) -> set[str]:
    """The concept's text and codings' displays, lower case, without SNOMED CT's '(qualifier value)' tags."""
    said = [concept.text, *(coding.display for coding in concept.coding or [])]
    return {text.split(" (")[0].strip().casefold() for text in said if text and text.strip()}


def _says(concept: CodeableConcept, codes: set[tuple[str, str]], words: set[str]) -> bool | None:
    """True when a code or word of the concept is among `codes` or `words`; None when it has no code or
    word this module can read at all (a local code with no display); else False."""
    coded = {(coding.system, coding.code) for coding in concept.coding or []}
    if coded & codes or _words(concept) & words:
        return True
    known_systems = {system for system, _ in codes}
    readable = _words(concept) or any(system in known_systems for system, _ in coded)
    return False if readable else None


def check_route_and_method(
    route: CodeableConcept | None, method: CodeableConcept | None, path: str, problems: Problems
) -> None:
    """Refuse a route other than oral, and a method other than take or swallow, at `path` (the Dosage)."""
    if route is not None:
        oral = _says(route, ORAL_CODES, ORAL_WORDS)
        if oral is False:
            problems.add(f"{path}.route", "not by mouth: the leaflet is for tablets taken by mouth")
        elif oral is None:
            problems.add(f"{path}.route", "no code or text the leaflet reads as oral (for example SNOMED CT 26643006)")
    if method is not None and not _says(method, METHOD_CODES, METHOD_WORDS):
        problems.add(
            f"{path}.method", "only taking or swallowing the tablets (SNOMED CT 419652001, 421521009) is printed"
        )
