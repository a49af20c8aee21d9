"""A FHIR order as the desk page's form: what the order says, field by field, and what staff must still give.

Read exactly as `POST /api/fhir/handouts` reads it (generator.fhir.mapping.read_orders), so an order refused
there for a clinical reason is refused here with the same messages; what a bare MedicationRequest lacks (the
patient, the prescriber's name) is asked for on the page instead.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from generator.content.codes import CodeIndex
from generator.content.library import Library
from generator.fhir.mapping import read_orders

ASKED = ("patient.name", "prescriber.name")
"""The fields an order may leave to staff (a bare MedicationRequest has no Patient; a reference may name no one)."""


@dataclass(frozen=True)
class OrderForm:
    """The form's fields as the orders give them."""

    topics: tuple[str, ...]
    """Each order's topic, in order (the first is the leaflet chosen; the rest are its further medicines)."""
    patient: dict[str, Any]
    prescriber: dict[str, Any]
    prescriptions: tuple[dict[str, Any], ...]
    warnings: tuple[str, ...]
    """What staff should check about how the order was read (FHIR paths, never the patient's data)."""
    missing: tuple[str, ...]
    """Fields of ASKED the order does not give."""

    def as_json(self) -> dict[str, Any]:
        """The JSON answer, dates as YYYY-MM-DD."""
        return _plain(
            {
                "topics": list(self.topics),
                "patient": self.patient,
                "prescriber": self.prescriber,
                "prescriptions": list(self.prescriptions),
                "warnings": list(self.warnings),
                "missing": list(self.missing),
            }
        )


def read_order_form(data: Any, where: str, library: Library, index: CodeIndex, made_on: dt.date) -> OrderForm:
    """A Bundle (one patient's orders) or a bare MedicationRequest as the form's fields."""
    read = read_orders(data, where, library, index, made_on, asking=True)
    people = read.people
    missing = tuple(field for field in ASKED if not people[field.split(".")[0]].get("name"))
    return OrderForm(
        topics=tuple(order.topic for order in read.orders),
        patient={key: value for key, value in people["patient"].items() if value},
        prescriber={key: value for key, value in people["prescriber"].items() if value},
        prescriptions=tuple(order.prescription for order in read.orders),
        warnings=tuple(warning for order in read.orders for warning in order.warnings),
        missing=missing,
    )


def _plain(value: Any) -> Any:
    """Dates as ISO text, everything else as JSON has it."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    return value
