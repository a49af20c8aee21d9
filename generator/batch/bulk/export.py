"""`handout batch DIR --fhir-bulk`: one leaflet per patient from the NDJSON files of a FHIR Bulk Data export.

Each line is one resource, typed by its `resourceType` (file names are not trusted). The export is
read in two passes, so memory grows with the patients, not with the orders:

1. the Patients, Practitioners, PractitionerRoles and Medications are indexed by reference (generator.batch.bulk.index:
   where each is, not the resource);
2. the MedicationRequests stream past. An order that makes no leaflet (not active, not an order, a
   medicine no topic of the library lists) is a skipped row at once, saying why; an order whose subject
   names no Patient of the export fails its row (never a guessed patient); the others are kept, as
   places, under their patient. A line that is no readable resource fails its row.

Then each patient with kept orders is one row: a Bundle of the Patient, those orders and the
Practitioners and Medications they refer to, made exactly as a line of FHIR NDJSON is
(generator.batch.rowmaker), so every check, the verification and the manifest are the same. The row's
id (its leaflet's file name, and what --resume knows it by) is the Patient's id, never a name.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.batch.bulk.files import ExportFiles, parse
from generator.batch.bulk.index import INDEXED, ExportIndex
from generator.batch.rowmaker import SAFE_ID
from generator.batch.rows import BatchRow
from generator.content.codes import CodeIndex
from generator.content.library import Library
from generator.content.topic import RXNORM
from generator.fhir.mapping import ORDER_INTENTS, ORDER_STATUSES
from generator.inputs.personalisation import MAX_MEDICINES

ORDER = "MedicationRequest"
_STATUSES = ("active", "on-hold", "cancelled", "completed", "entered-in-error", "stopped", "draft", "unknown")
_INTENTS = ("proposal", "plan", "order", "original-order", "reflex-order", "filler-order", "instance-order", "option")


@dataclass(frozen=True)
class _Kept:
    """An order that will be in its patient's leaflet: where it is."""

    file: int
    offset: int
    place: str


@dataclass(frozen=True)
class _Patient:
    """A patient with kept orders, before its Bundle is read."""

    reference: str
    orders: list[_Kept]


@dataclass(frozen=True)
class _Verdict:
    """What becomes of one order."""

    kind: str
    """keep, skip or fail."""
    text: str
    """Kept: its patient's reference; else why (no patient value quoted)."""


@contextlib.contextmanager
def bulk_rows(folder: Path, library: Path) -> Iterator[tuple[int, Iterator[BatchRow]]]:
    """How many manifest lines the export makes (read before any work), and its rows, streamed."""
    codes = CodeIndex(Library(library))
    with ExportFiles(folder) as files:
        export = BulkExport(files, codes)
        yield export.count(), export.rows()


class BulkExport:
    """The rows of one export: skipped and failed order lines, failed lines, then one row per patient."""

    def __init__(self, files: ExportFiles, codes: CodeIndex) -> None:
        self.files, self.codes = files, codes
        self.index = ExportIndex()
        for line in files.lines():
            if line.kind is None or line.kind in INDEXED:
                resource = parse(line.text)
                if not isinstance(resource, str) and resource["resourceType"] in INDEXED:
                    self.index.add(files, line, resource)
        self._medicines: dict[str, list[str] | None] = {}

    def count(self) -> int:
        """The number of rows (manifest lines): one more pass over the orders."""
        return sum(1 for _ in self._plan())

    def rows(self) -> Iterator[BatchRow]:
        """Every row, in export order, then the patients' rows in the order of their first kept order."""
        for item in self._plan():
            yield self._patient_row(item) if isinstance(item, _Patient) else item

    def _plan(self) -> Iterator[BatchRow | _Patient]:
        kept: dict[str, list[_Kept]] = {}
        for line in self.files.lines():
            if line.kind is not None and line.kind != ORDER and line.kind not in INDEXED:
                continue  # a resource no leaflet reads (Observation, Encounter...)
            where = self.files.place(line.file, line.number)
            resource = parse(line.text)
            if isinstance(resource, str):
                yield BatchRow(where, line.row, problem=resource, fhir=True)
            elif resource["resourceType"] == ORDER:
                verdict = self._verdict(resource)
                if verdict.kind == "keep":
                    kept.setdefault(verdict.text, []).append(_Kept(line.file, line.offset, where))
                elif verdict.kind == "skip":
                    yield BatchRow(where, line.row, skip=verdict.text)
                else:
                    yield BatchRow(where, line.row, problem=verdict.text, fhir=True)
        for reference, orders in kept.items():
            yield _Patient(reference, orders)

    def _verdict(self, order: dict[str, Any]) -> _Verdict:
        """Whether an order is kept (its patient's reference), skipped or failed, and why."""
        status, intent = order.get("status"), order.get("intent")
        if status not in ORDER_STATUSES:
            shown = status if status in _STATUSES else "missing or not a FHIR status"
            return _Verdict("skip", f"MedicationRequest.status: {shown}; a leaflet is made only for an active order")
        if intent not in ORDER_INTENTS:
            shown = intent if intent in _INTENTS else "missing or not a FHIR intent"
            return _Verdict("skip", f"MedicationRequest.intent: {shown}; a leaflet is made only for an order")
        if order.get("doNotPerform") is True:
            return _Verdict("skip", "MedicationRequest.doNotPerform: the order says not to take the medicine")
        codes = self._rxcuis(order)
        if isinstance(codes, _Verdict):
            return codes
        if not any(self.codes.get(code) for code in codes):
            message = (
                "no RxNorm code a topic of the library lists: not a medicine the library has (handout list --codes)"
            )
            return _Verdict("skip", f"MedicationRequest.medication: {message}")
        patient = self.index.resolve(order.get("subject"), "Patient")
        if patient is None:
            message = "names no Patient of this export; a leaflet is never made for a guessed patient"
            return _Verdict("fail", f"MedicationRequest.subject: {message}")
        return _Verdict("keep", patient)

    def _rxcuis(self, order: dict[str, Any]) -> list[str] | _Verdict:
        """The RxCUIs of an order's medicine (its own concept, a contained or an exported Medication)."""
        if "medicationCodeableConcept" in order:
            return _rxnorm(order["medicationCodeableConcept"])
        reference = order.get("medicationReference")
        target = reference.get("reference") if isinstance(reference, dict) else None
        if not isinstance(target, str):
            return _Verdict("fail", "MedicationRequest.medication[x]: missing (which medicine is unknown)")
        if target.startswith("#"):
            contained = order.get("contained") if isinstance(order.get("contained"), list) else []
            medication = next((c for c in contained if isinstance(c, dict) and f"#{c.get('id')}" == target), None)
            if medication is not None:
                return _rxnorm(medication.get("code"))
        key = self.index.resolve(reference, "Medication") or ""
        if key not in self._medicines:  # Medications are few; each is read once
            place = self.index.usable(key)
            self._medicines[key] = _rxnorm(self.files.read(place.file, place.offset).get("code")) if place else None
        codes = self._medicines[key]
        if codes is None:
            message = "names no Medication of this export (or two that differ); which medicine is unknown"
            return _Verdict("fail", f"MedicationRequest.medicationReference: {message}")
        return codes

    def _patient_row(self, patient: _Patient) -> BatchRow:
        """One patient's row: its Bundle, or a failed row when the patient is unclear or has too many orders."""
        found = self.index.found[patient.reference]
        orders = _places([order.place for order in patient.orders])
        where = f"{'; '.join(found.places)} (orders: {orders})"
        extras = {"id": _stem(patient.reference)}
        if found.ambiguous:
            problem = (
                "Patient.id: different Patients of the export have this id; the orders are matched to none of them"
            )
            return BatchRow(where, found.rows[0], extras=extras, problem=problem, fhir=True)
        if len(patient.orders) > MAX_MEDICINES:
            problem = (
                f"MedicationRequest: {len(patient.orders)} active orders of the library's medicines for one patient; "
                f"one leaflet holds at most {MAX_MEDICINES} medicines, so none was made"
            )
            return BatchRow(where, found.rows[0], extras=extras, problem=problem, fhir=True)
        return BatchRow(where, found.rows[0], self._bundle(patient), extras, fhir=True)

    def _bundle(self, patient: _Patient) -> dict[str, Any]:
        """The Patient, its kept orders, and the Practitioners (or roles) and Medications they name (references made
        literal)."""
        found = self.index.found[patient.reference]
        resources = [self.files.read(found.file, found.offset)]
        others: dict[str, dict[str, Any]] = {}
        for kept in patient.orders:
            order = self.files.read(kept.file, kept.offset)
            order["subject"] = {**order["subject"], "reference": patient.reference}
            self._include(order, "requester", ("Practitioner", "PractitionerRole"), others)
            self._include(order, "medicationReference", ("Medication",), others)
            resources.append(order)
        return {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": r} for r in resources] + [{"resource": r} for r in others.values()],
        }

    def _include(self, holder: dict[str, Any], key: str, kinds: tuple[str, ...], others: dict[str, Any]) -> None:
        """Make `holder[key]` literal and add what it names to `others`, when it names one resource of the export
        of one of `kinds` (a PractitionerRole brings its practitioner too); else leave it as written."""
        for kind in kinds:
            target = self.index.resolve(holder.get(key), kind)
            place = self.index.usable(target)
            if target and place:
                holder[key] = {**holder[key], "reference": target}
                if target not in others:
                    others[target] = self.files.read(place.file, place.offset)
                    if kind == "PractitionerRole":
                        self._include(others[target], "practitioner", ("Practitioner",), others)
                return


def _rxnorm(concept: Any) -> list[str]:
    codings = concept.get("coding") if isinstance(concept, dict) else None
    if not isinstance(codings, list):
        return []
    return [
        c["code"]
        for c in codings
        if isinstance(c, dict) and c.get("system") == RXNORM and isinstance(c.get("code"), str)
    ]


def _places(places: list[str]) -> str:
    """'A.ndjson line 3', 'A.ndjson line 9' -> 'A.ndjson lines 3, 9'."""
    by_file: dict[str, list[str]] = {}
    for place in places:
        name, _, number = place.rpartition(" line ")
        by_file.setdefault(name, []).append(number)
    return "; ".join(
        f"{name} line{'s' if len(numbers) > 1 else ''} {', '.join(numbers)}" for name, numbers in by_file.items()
    )


def _stem(reference: str) -> str:
    """The leaflet's file stem: the Patient's id when it is a safe file name, else a hash of the reference."""
    ident = reference.split("/", 1)[1]
    return ident if SAFE_ID.fullmatch(ident) else "patient-" + hashlib.sha256(reference.encode()).hexdigest()[:16]
