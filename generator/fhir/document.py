"""The finished leaflet as a FHIR R4 DocumentReference, so the EHR can file it in the patient's chart."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import uuid
from dataclasses import dataclass

from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.operationoutcome import OperationOutcome

from generator.errors import HandoutError
from generator.inputs.personalisation import Clinic

LOINC = "http://loinc.org"
EDUCATION_NOTE = {"system": LOINC, "code": "34895-3", "display": "Education note"}
"""LOINC document type for patient education material (IHE PCC and C-CDA use it for education)."""
CLINICAL_NOTE = {
    "system": "http://hl7.org/fhir/us/core/CodeSystem/us-core-documentreference-category",
    "code": "clinical-note",
    "display": "Clinical Note",
}
"""US Core's DocumentReference category for notes (US Core requires a category)."""
PDF_FORMAT = {
    "system": "http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode",
    "code": "urn:ihe:iti:xds:2017:mimeTypeSufficient",
    "display": "mimeType Sufficient",
}
"""IHE format code for a document its MIME type describes whole (a PDF)."""
CONTENT_VERSION = "urn:patient-handouts:content-version"
"""Identifier system naming which topics and content versions made the PDF."""


@dataclass(frozen=True)
class LeafletRecord:
    """What the chart's DocumentReference says of one leaflet besides the PDF: whom and which orders it is for,
    what made it, and who hands it out."""

    patient_reference: str
    order_references: tuple[str, ...]
    versions: tuple[tuple[str, str], ...]
    """(topic, content version) of each topic in it (several for a leaflet of several medicines)."""
    title: str
    language: str
    made_on: dt.date
    clinic: Clinic


def document_reference(pdf: bytes, record: LeafletRecord, created: dt.datetime) -> DocumentReference:
    """A US Core DocumentReference carrying the PDF (base64): its required elements (status, type, category,
    subject, the attachment's contentType and data) and its Must Support ones (identifier, date, the clinic as
    author, content.format, context: the orders it is about). `created` is when it is made (its `date`)."""
    digest = hashlib.sha256(pdf).hexdigest()
    versions = "+".join(f"{topic}/{version}" for topic, version in record.versions)
    clinic = {
        "resourceType": "Organization",
        "id": "clinic",
        "name": record.clinic.name,
        "telecom": [{"system": "phone", "value": record.clinic.phone, "use": "work"}],
        **({"address": [{"text": record.clinic.address}]} if record.clinic.address else {}),
    }
    return DocumentReference.model_validate(
        {
            "resourceType": "DocumentReference",
            "contained": [clinic],
            "identifier": [
                {"system": "urn:ietf:rfc:3986", "value": f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_OID, digest)}"},
                {"system": CONTENT_VERSION, "value": versions},
            ],
            "status": "current",
            "docStatus": "final",
            "type": {"coding": [EDUCATION_NOTE], "text": "Patient education leaflet"},
            "category": [{"coding": [CLINICAL_NOTE], "text": "Clinical Note"}],
            "subject": {"reference": record.patient_reference},
            "date": created.astimezone(dt.UTC).isoformat(timespec="seconds"),
            "author": [{"reference": "#clinic", "display": record.clinic.name}],
            "description": record.title,
            "content": [
                {
                    "attachment": {
                        "contentType": "application/pdf",
                        "language": record.language,
                        "data": base64.b64encode(pdf).decode("ascii"),
                        "size": len(pdf),
                        "hash": base64.b64encode(hashlib.sha1(pdf).digest()).decode("ascii"),
                        "title": record.title,
                        "creation": record.made_on.isoformat(),
                    },
                    "format": PDF_FORMAT,
                }
            ],
            "context": {"related": [{"reference": reference} for reference in record.order_references]},
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
