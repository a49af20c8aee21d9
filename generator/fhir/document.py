"""The finished leaflet as a FHIR R4 DocumentReference, so the EHR can file it in the patient's chart."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib

from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.operationoutcome import OperationOutcome

from generator.errors import HandoutError

LOINC = "http://loinc.org"
EDUCATION_NOTE = {"system": LOINC, "code": "34895-3", "display": "Education note"}
"""LOINC document type for patient education material (IHE PCC and C-CDA use it for education)."""
CONTENT_VERSION = "urn:patient-handouts:content-version"
"""Code system of content.format: which topic and content version made the PDF."""


def document_reference(
    pdf: bytes,
    patient_reference: str,
    versions: list[tuple[str, str]],
    title: str,
    language: str,
    made_on: dt.date,
) -> DocumentReference:
    """A validated DocumentReference carrying the PDF (base64) for the Patient `patient_reference`;
    `versions` is (topic, content version) of each topic in it (several for a leaflet of several medicines)."""
    code = "+".join(f"{topic}/{version}" for topic, version in versions)
    display = ", ".join(f"{topic} (content version {version})" for topic, version in versions)
    return DocumentReference.model_validate(
        {
            "resourceType": "DocumentReference",
            "status": "current",
            "docStatus": "final",
            "type": {"coding": [EDUCATION_NOTE], "text": "Patient education leaflet"},
            "subject": {"reference": patient_reference},
            "description": title,
            "content": [
                {
                    "attachment": {
                        "contentType": "application/pdf",
                        "language": language,
                        "data": base64.b64encode(pdf).decode("ascii"),
                        "size": len(pdf),
                        "hash": base64.b64encode(hashlib.sha1(pdf).digest()).decode("ascii"),
                        "title": title,
                        "creation": made_on.isoformat(),
                    },
                    "format": {
                        "system": CONTENT_VERSION,
                        "code": code,
                        "display": f"patient-handouts {display}",
                    },
                }
            ],
        }
    )


def operation_outcome(error: HandoutError) -> OperationOutcome:
    """An error as a FHIR OperationOutcome: one issue per problem, its FHIR path as the expression."""
    if error.problems:
        issues = [
            {"severity": "error", "code": "invalid", "diagnostics": text, "expression": [path.split(" (")[0]]}
            for path, text in error.problems
        ]
    else:
        issues = [{"severity": "error", "code": "processing", "diagnostics": str(error)}]
    return OperationOutcome.model_validate({"resourceType": "OperationOutcome", "issue": issues})
