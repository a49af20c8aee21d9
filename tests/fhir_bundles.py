"""The hand-written FHIR bundles of tests/fhir, as fresh copies to change in a test."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

BUNDLES = Path(__file__).parent / "fhir"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"


def bundle(name: str) -> dict[str, Any]:
    """A fresh copy of one hand-written bundle."""
    return json.loads((BUNDLES / name).read_text(encoding="utf-8"))


def order(data: dict[str, Any]) -> dict[str, Any]:
    """The MedicationRequest of a bundle, to change in a test."""
    return next(e["resource"] for e in data["entry"] if e["resource"]["resourceType"] == "MedicationRequest")


def second_order(data: dict[str, Any], ident: str = "rx-5502") -> dict[str, Any]:
    """A second MedicationRequest in the bundle: cyclobenzaprine 5 mg at bedtime for a week, by the same prescriber."""
    second = copy.deepcopy(order(data))
    second["id"] = ident
    second["medicationCodeableConcept"] = {"coding": [{"system": RXNORM, "code": "828320"}]}
    dosage = second["dosageInstruction"][0]
    dosage["timing"]["repeat"] = {"boundsPeriod": {"start": "2026-11-24", "end": "2026-11-30"}, "frequency": 1}
    dosage["timing"]["repeat"] |= {"period": 1, "periodUnit": "d", "when": ["HS"]}
    second.pop("dispenseRequest")
    data["entry"].append({"fullUrl": f"https://ehr.example.org/fhir/MedicationRequest/{ident}", "resource": second})
    return second
