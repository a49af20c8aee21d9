"""Patient and Practitioner resources -> the patient and prescriber parts of a Personalisation."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fhir.resources.R4B.contactpoint import ContactPoint
from fhir.resources.R4B.humanname import HumanName
from fhir.resources.R4B.patient import Patient
from fhir.resources.R4B.practitioner import Practitioner

from generator.fhir.problems import Problems

BCP47 = "urn:ietf:bcp:47"
_FULL_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _full_name(name: HumanName, with_prefix: bool) -> str:
    if name.text and name.text.strip():
        return name.text.strip()
    parts = [*(name.prefix or [] if with_prefix else []), *(name.given or []), name.family or ""]
    return " ".join(part.strip() for part in parts if part and part.strip())


def _chosen_name(names: list[HumanName]) -> tuple[int, HumanName] | None:
    """The official name, else the first one (FHIR HumanName.use)."""
    official = [(i, n) for i, n in enumerate(names) if n.use == "official"]
    return official[0] if official else (0, names[0]) if names else None


def patient_fields(patient: Patient, problems: Problems) -> dict[str, Any]:
    """name, preferred_name, date_of_birth and language of the Patient resource."""
    fields: dict[str, Any] = {}
    chosen = _chosen_name(patient.name or [])
    printed = _full_name(chosen[1], with_prefix=False) if chosen else ""
    if not printed:
        where = f"Patient.name[{chosen[0]}]" if chosen else "Patient.name"
        problems.add(where, "missing (the leaflet says who it is for): give text, or given and family")
    fields["name"] = printed
    usual = [(i, n) for i, n in enumerate(patient.name or []) if n.use == "usual"]
    if len(usual) > 1:
        problems.add("Patient.name", "more than one name with use 'usual'; which is the preferred name is unclear")
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
    """The preferred communication language's primary subtag (es-MX -> es); none: the default."""
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
        codes.add(bcp47[0].split("-")[0].lower())
    if len(codes) > 1:
        problems.add("Patient.communication", "more than one preferred language")
        return None
    return codes.pop() if codes else None


def _rank(point: ContactPoint) -> tuple[int, int]:
    return (0 if point.use == "work" else 1, point.rank or 1_000_000)


def prescriber_fields(practitioner: Practitioner, problems: Problems) -> dict[str, Any]:
    """name (with prefix, e.g. Dr.) and work phone of the requesting Practitioner."""
    chosen = _chosen_name(practitioner.name or [])
    name = _full_name(chosen[1], with_prefix=True) if chosen else ""
    if not name:
        problems.add("Practitioner.name", "missing (the leaflet names the prescriber)")
    fields: dict[str, Any] = {"name": name}
    phones = [p for p in practitioner.telecom or [] if p.system == "phone" and p.value and p.use != "old"]
    if phones:
        fields["phone"] = sorted(phones, key=_rank)[0].value
    return fields
