"""Where each Patient, Practitioner and Medication of a Bulk Data export is, found by reference.

Only places are kept (file, offset, a digest of the line), never the resources, so memory grows
by about a hundred bytes a resource. References are `Type/id` (or a URL ending so), or conditional
ones as Synthea writes them (`Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|9999912345`),
resolved by identifier system|value. Two different resources with the same id, or one identifier
naming two resources, are ambiguous: never resolved to either.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from generator.batch.bulk.files import ExportFiles, Line

INDEXED = ("Patient", "Practitioner", "PractitionerRole", "Medication")
"""The resource types an order's leaflet needs besides the order."""


@dataclass
class Found:
    """Where one resource (by Type/id) is in the export."""

    file: int
    offset: int
    digest: bytes
    rows: list[int]
    """Export row of each line with this Type/id (two or more: given twice)."""
    places: list[str]
    ambiguous: bool = False
    """Lines with this Type/id differ: which one is meant is unclear."""


def _digest(resource: dict[str, Any]) -> bytes:
    text = json.dumps(resource, sort_keys=True, ensure_ascii=False)
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


@dataclass
class ExportIndex:
    """Patients, Practitioners and Medications of an export, by reference and by identifier."""

    found: dict[str, Found] = field(default_factory=dict)
    identifiers: dict[str, str | None] = field(default_factory=dict)
    """'Type?system|value' -> 'Type/id' (None: the identifier names two resources)."""

    def add(self, files: ExportFiles, line: Line, resource: dict[str, Any]) -> None:
        """Index one resource read from `line` (a resource without an id cannot be referred to: passed over)."""
        kind, ident = resource["resourceType"], resource.get("id")
        if not isinstance(ident, str) or not ident:
            return
        reference, digest, place = f"{kind}/{ident}", _digest(resource), files.place(line.file, line.number)
        known = self.found.get(reference)
        if known is None:
            self.found[reference] = Found(line.file, line.offset, digest, [line.row], [place])
        else:
            known.rows.append(line.row)
            known.places.append(place)
            known.ambiguous |= known.digest != digest
        for key in _identifier_keys(kind, resource.get("identifier")):
            if self.identifiers.setdefault(key, reference) != reference:
                self.identifiers[key] = None

    def resolve(self, reference: Any, kind: str) -> str | None:
        """The `kind/id` a reference (a FHIR Reference object) names in the export, else None."""
        target = reference.get("reference") if isinstance(reference, dict) else None
        if not isinstance(target, str):
            return None
        if target.startswith(f"{kind}?identifier="):
            return self.identifiers.get(f"{kind}?{target.split('=', 1)[1]}")
        parts = target.rstrip("/").split("/")
        literal = f"{kind}/{parts[-1]}" if len(parts) >= 2 and parts[-2] == kind else None
        return literal if literal in self.found else None

    def usable(self, reference: str | None) -> Found | None:
        """Where the resource is, when it is in the export once (or identically more than once)."""
        known = self.found.get(reference) if reference else None
        return None if known is None or known.ambiguous else known


def _identifier_keys(kind: str, identifiers: Any) -> list[str]:
    if not isinstance(identifiers, list):
        return []
    keys = []
    for identifier in identifiers:
        if isinstance(identifier, dict):
            system, value = identifier.get("system"), identifier.get("value")
            if isinstance(system, str) and isinstance(value, str):
                keys.append(f"{kind}?{system}|{value}")
    return keys
