"""Patient and Practitioner resources -> the patient and prescriber parts of a Personalisation."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole

from generator.fhir.bundle import ParsedBundle
from generator.fhir.dates import period_covers
from generator.fhir.problems import Problems
from generator.languages import LanguageCodeError, leaflet_language

BCP47 = "urn:ietf:bcp:47"
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _full_name(name: HumanName, with_prefix: bool) -> str:
    if name.text and name.text.strip():
        return name.text.strip()
    parts = [*(name.prefix or [] if with_prefix else []), *(name.given or []), name.family or ""]
    return " ".join(part.strip() for part in parts if part and part.strip())


NAME_USES = ("usual", "official", "temp", "nickname", "anonymous", "old", "maiden")
"""HumanName.use codes (FHIR R4 name-use)."""
_FORMER = ("old", "maiden")
"""HumanName.use values of a name no longer in use."""


def _current(name: HumanName, on: dt.date) -> bool:
    """Whether `name` is in use on the day `on`: not old (or maiden), and within its period, if it has one."""
    if name.use in _FORMER:
        return False
    return name.period is None or period_covers(name.period.start, name.period.end, on)


def _chosen_name(names: list[HumanName], on: dt.date, where: str, problems: Problems) -> tuple[int, HumanName] | None:
    """The name to print on the day `on`: the current official name, else the current usual one, else the
    only current one. Never an old name or one whose period has ended; two candidates are refused."""
    unknown = [index for index, name in enumerate(names) if name.use is not None and name.use not in NAME_USES]
    for index in unknown:
        problems.add(f"{where}[{index}].use", f"not a FHIR name use ({', '.join(NAME_USES)})")
    if unknown:
        return None
    current = [(index, name) for index, name in enumerate(names) if _current(name, on)]
    for use in ("official", "usual"):
        found = [(index, name) for index, name in current if name.use == use]
        if len(found) > 1:
            problems.add(where, f"more than one current name with use '{use}'; which to print is unclear")
            return None
        if found:
            return found[0]
    if len(current) > 1:
        problems.add(where, "more than one current name and none is official or usual; which to print is unclear")
        return None
    if not current and names:
        problems.add(where, "no current name: each is old or its period has ended")
        return None
    return current[0] if current else None


def patient_fields(patient: Patient, on: dt.date, problems: Problems) -> dict[str, Any]:
    """name, preferred_name, date_of_birth and language of the Patient resource, its names as on the day `on`."""
    fields: dict[str, Any] = {}
    names = patient.name or []
    chosen = _chosen_name(names, on, "Patient.name", problems)
    printed = _full_name(chosen[1], with_prefix=False) if chosen else ""
    if chosen and not printed:
        problems.add(
            f"Patient.name[{chosen[0]}]", "missing (the leaflet says who it is for): give text, or given and family"
        )
    elif not names:
        problems.add("Patient.name", "missing (the leaflet says who it is for): give text, or given and family")
    fields["name"] = printed
    usual = [(i, n) for i, n in enumerate(names) if n.use == "usual" and _current(n, on)]
    if len(usual) > 1:
        problems.add(
            "Patient.name", "more than one current name with use 'usual'; which is the preferred name is unclear"
        )
    elif usual and usual[0][1].given:
        fields["preferred_name"] = usual[0][1].given[0]
    elif usual:
        problems.add(f"Patient.name[{usual[0][0]}].given", "missing: a 'usual' name gives the preferred given name")
    if patient.birthDate is not None:
        birth = str(patient.birthDate)
        if not _FULL_DATE.match(birth):
            problems.add("Patient.birthDate", "only a full date (YYYY-MM-DD) is used; leave it out otherwise")
        else:
            fields["date_of_birth"] = dt.date.fromisoformat(birth)
    language = _language(patient, problems)
    if language:
        fields["language"] = language
    return fields


def _language(patient: Patient, problems: Problems) -> str | None:
    """The preferred communication language as the library names it (es-MX -> es, zh-CN -> zh-Hans); none: the
    default."""
    comms = patient.communication or []
    preferred = [(i, c) for i, c in enumerate(comms) if c.preferred]
    if not preferred and len(comms) > 1:
        problems.add("Patient.communication", "several languages and none marked preferred")
        return None
    chosen = preferred if preferred else list(enumerate(comms))
    codes = set()
    for index, comm in chosen:
        bcp47 = [c.code for c in comm.language.coding or [] if c.system == BCP47 and c.code]
        if not bcp47:
            problems.add(f"Patient.communication[{index}].language", f"needs a coding with system {BCP47}")
            continue
        try:
            codes.add(leaflet_language(bcp47[0]))
        except LanguageCodeError as exc:
            problems.add(f"Patient.communication[{index}].language", str(exc))
    if len(codes) > 1:
        problems.add("Patient.communication", "more than one preferred language")
        return None
    return codes.pop() if codes else None


def _rank(point: ContactPoint) -> tuple[int, int]:
    return (0 if point.use == "work" else 1, point.rank or 1_000_000)


def prescriber_fields(
    request: MedicationRequest, bundle: ParsedBundle, on: dt.date, problems: Problems, required: bool = True
) -> dict[str, Any]:
    """name (with prefix, e.g. Dr.) and work phone of the prescriber: the requester as a Practitioner or a
    PractitionerRole (its practitioner's name, its own phone first), in the bundle or contained; else the name
    a reference displays (a conditional reference, one to a resource not sent, or one to a resource with no
    current name). Without a name that is a problem only when `required` (else the name is left empty)."""
    where = "MedicationRequest.requester"
    found = bundle.resolve(request.requester, request, where, problems)
    role_phones: list[ContactPoint] = []
    person_phones: list[ContactPoint] = []
    displays = [request.requester.display if request.requester else None]
    if isinstance(found, PractitionerRole):
        role_phones = found.telecom or []
        displays.insert(0, found.practitioner.display if found.practitioner else None)
        contained = request.requester is not None and (request.requester.reference or "").startswith("#")
        holder = request if contained else found  # '#id' is resolved in the resource that contains it
        found = bundle.resolve(found.practitioner, holder, "PractitionerRole.practitioner", problems)
    name = ""
    if isinstance(found, Practitioner):
        named = Problems(problems.where)  # a display can stand in for a name that cannot be chosen
        chosen = _chosen_name(found.name or [], on, "Practitioner.name", named)
        name = _full_name(chosen[1], with_prefix=True) if chosen else ""
        person_phones = found.telecom or []
        if not name and not any(display and display.strip() for display in displays):
            problems.found += named.found
    elif found is not None:
        problems.add(
            where, f"refers to a {found.get_resource_type()}; the prescriber is a Practitioner or PractitionerRole"
        )
        return {}
    name = name or next((display.strip() for display in displays if display and display.strip()), "")
    if not name and required:
        problems.add(
            where, "no prescriber's name: refer to a Practitioner with a name, or give the reference a display"
        )
    fields: dict[str, Any] = {"name": name}
    for source in (role_phones, person_phones):  # the role's phone first: where the prescriber works
        calls = [p for p in source if p.system == "phone" and p.value and p.use != "old"]
        if calls:
            fields["phone"] = sorted(calls, key=_rank)[0].value
            break
    return fields
