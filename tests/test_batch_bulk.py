"""handout batch DIR --fhir-bulk: a leaflet per patient of a FHIR Bulk Data export (tests/fhir/bulk: Synthea)."""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest
from helpers import pdf_text
from hypothesis import given
from hypothesis import strategies as st

from generator.batch.bulk.export import BulkExport
from generator.batch.bulk.files import ExportFiles, parse, sniff
from generator.content.codes import CodeIndex
from generator.content.library import Library
from generator.paths import library_root

BULK = Path(__file__).parent / "fhir" / "bulk"
RXNORM = "http://www.nlm.nih.gov/research/umls/rxnorm"
PATIENT_A = "6a4160eb-a793-2f86-2302-378626f46cce"
"""Has carisoprodol and cyclobenzaprine orders (lines 2 and 8), and a naproxen one (line 4)."""
PATIENT_B = "8e1a0a7c-e308-444b-075a-3c2b1f60f881"
"""Has a carisoprodol order Synthea wrote with no dosageInstruction (line 5)."""
NAMES = ("Yvone889", "Janina163", "Rocky100", "Corrin41")


def _lines(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (BULK / name).read_text(encoding="utf-8").splitlines()]


def _write(folder: Path, name: str, resources: list[Any]) -> None:
    folder.mkdir(exist_ok=True)
    text = [r if isinstance(r, str) else json.dumps(r) for r in resources]
    (folder / name).write_text("\n".join(text) + "\n", encoding="utf-8")


def _manifest(out: Path) -> list[dict[str, str]]:
    with (out / "manifest.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _batch(run_cli, source: Path, out: Path, *extra: str) -> tuple[int, str, str]:
    args = ("batch", str(source), "--fhir-bulk", "--out", str(out), "--made-on", "2026-11-25", "--jobs", "1")
    return run_cli(*args, *extra)


def _order_lines(rows: list[dict[str, str]], file: str) -> list[int]:
    """Every line of `file` the manifest's source column names (a patient's row names its orders)."""
    found = []
    for row in rows:
        for part in re.findall(rf"{re.escape(file)} lines? ([\d, ]+)", row["source"]):
            found += [int(n) for n in part.split(",")]
    return sorted(found)


def _order(patient: str, code: str, status: str = "active") -> dict[str, Any]:
    """A copy of the fixture's carisoprodol order, for `patient`, with another code and status."""
    order = next(o for o in _lines("MedicationRequest.000.ndjson") if o["id"].startswith("4df461a5"))
    order["medicationCodeableConcept"] = {"coding": [{"system": RXNORM, "code": code}]}
    return order | {"subject": {"reference": patient}, "status": status}


def test_synthea_export_makes_one_leaflet_per_patient(run_cli, tmp_path) -> None:
    out = tmp_path / "out"
    code, stdout, _ = _batch(run_cli, BULK, out)
    assert code == 1 and "1 made, 1 failed, 8 skipped" in stdout
    rows = _manifest(out)
    assert _order_lines(rows, "MedicationRequest.000.ndjson") == list(range(1, 12))  # each order exactly once
    by_source = {r["source"]: r for r in rows}
    assert by_source["MedicationRequest.000.ndjson line 1"]["reason"] == (
        "MedicationRequest.000.ndjson line 1: MedicationRequest.status: stopped; a leaflet is made only for an "
        "active order"
    )
    assert by_source["MedicationRequest.000.ndjson line 4"]["reason"] == (
        "MedicationRequest.000.ndjson line 4: MedicationRequest.medication: no RxNorm code a topic of the library "
        "lists: not a medicine the library has (handout list --codes)"
    )
    made = by_source["Patient.000.ndjson line 1 (orders: MedicationRequest.000.ndjson lines 2, 8)"]
    assert (made["status"], made["id"], Path(made["output"]).name) == ("made", PATIENT_A, f"{PATIENT_A}.pdf")
    text = pdf_text(Path(made["output"]))
    assert "Yvone889" in text and "Carisoprodol" in text and "Cyclobenzaprine" in text
    assert "Dr. Joaquín233 Duarte203" in text  # Synthea's Practitioner?identifier=...|NPI, resolved in the export
    refused = by_source["Patient.000.ndjson line 2 (orders: MedicationRequest.000.ndjson line 5)"]
    assert (refused["status"], refused["id"]) == ("failed", PATIENT_B)
    assert refused["reason"].startswith(
        "Patient.000.ndjson line 2 (orders: MedicationRequest.000.ndjson line 5): MedicationRequest.dosageInstruction"
    )
    manifest = (out / "manifest.csv").read_text(encoding="utf-8")
    assert not [name for name in NAMES if name in manifest]
    assert sorted(p.name for p in out.glob("*.pdf")) == [f"{PATIENT_A}.pdf"]

    code, stdout, _ = _batch(run_cli, BULK, out, "--resume", "--jobs", "2")
    assert "0 made, 1 failed, 9 skipped" in stdout
    again = {r["source"]: r for r in _manifest(out)}
    assert again[made["source"]]["status"] == "skipped" and again[made["source"]]["sha256"] == made["sha256"]


def test_file_names_are_not_trusted_and_a_bad_line_fails_alone(run_cli, tmp_path) -> None:
    """Orders before the Patients they name, all in files named anyhow; bad lines fail one by one."""
    export = tmp_path / "export"
    orders = _lines("MedicationRequest.000.ndjson")
    nobody = _order("Patient/not-in-this-export", "197446")
    shared = {"system": "https://hospital.example/mrn", "value": "M1"}
    twins = [
        {"resourceType": "Patient", "id": f"twin-{n}", "identifier": [shared], "name": [{"text": "X"}]} for n in (1, 2)
    ]
    by_identifier = _order("Patient?identifier=https://hospital.example/mrn|M1", "197446")
    observation = {"resourceType": "Observation", "id": "o1", "status": "final"}
    _write(export, "a.ndjson", [*orders[:3], "{not json", nobody, observation, "[1, 2]"])
    _write(export, "b.ndjson", [*_lines("Practitioner.000.ndjson"), *orders[3:], '{"id": "x"}', by_identifier])
    _write(export, "c.ndjson", [*_lines("Patient.000.ndjson"), *twins])
    code, stdout, _ = _batch(run_cli, export, tmp_path / "out")
    assert code == 1 and "1 made, 6 failed, 8 skipped" in stdout
    reasons = {
        r["source"]: r["reason"].removeprefix(r["source"] + ": ") for r in _manifest(tmp_path / "out") if r["reason"]
    }
    subject = (
        "MedicationRequest.subject: names no Patient of this export; a leaflet is never made for a guessed patient"
    )
    assert reasons["a.ndjson line 4"].startswith("invalid JSON")
    assert reasons["a.ndjson line 5"] == subject
    assert reasons["a.ndjson line 7"] == "expected a FHIR resource (a JSON object)"
    assert reasons["b.ndjson line 11"].startswith("resourceType: missing")
    assert reasons["b.ndjson line 12"] == subject  # an identifier two Patients share names neither
    assert "a.ndjson line 6" not in reasons  # an Observation: not read
    assert reasons["c.ndjson line 2 (orders: b.ndjson line 4)"].startswith("MedicationRequest.dosageInstruction")


@pytest.mark.parametrize("same", [False, True])
def test_two_patients_with_one_id(run_cli, tmp_path, same) -> None:
    """Two different Patients with one id: refused for both, never a guess; the same resource twice is harmless."""
    export = tmp_path / "export"
    shutil.copytree(BULK, export)
    patient = next(p for p in _lines("Patient.000.ndjson") if p["id"] == PATIENT_B)
    twin = patient if same else patient | {"name": [{"use": "official", "family": "Other", "given": ["Someone"]}]}
    with (export / "Patient.000.ndjson").open("a", encoding="utf-8") as handle:
        handle.write(json.dumps(twin) + "\n")
    _batch(run_cli, export, tmp_path / "out")
    row = next(r for r in _manifest(tmp_path / "out") if r["id"] == PATIENT_B)
    assert (
        row["source"]
        == "Patient.000.ndjson line 2; Patient.000.ndjson line 4 (orders: MedicationRequest.000.ndjson line 5)"
    )
    if same:
        assert "MedicationRequest.dosageInstruction" in row["reason"]
    else:
        assert row["reason"].endswith(
            "Patient.id: different Patients of the export have this id; the orders are matched to none of them"
        )
        assert "Someone" not in row["reason"] and "Rocky100" not in row["reason"]


def test_more_orders_than_one_leaflet_holds_is_one_failed_row(run_cli, tmp_path) -> None:
    export = tmp_path / "export"
    _write(export, "Patient.ndjson", [p for p in _lines("Patient.000.ndjson") if p["id"] == PATIENT_B])
    _write(export, "Orders.ndjson", [_order(f"Patient/{PATIENT_B}", "197446") for _ in range(7)])
    code, stdout, _ = _batch(run_cli, export, tmp_path / "out")
    assert code == 1 and "0 made, 1 failed, 0 skipped" in stdout
    [row] = _manifest(tmp_path / "out")
    assert row["reason"] == (
        "Patient.ndjson line 1 (orders: Orders.ndjson lines 1, 2, 3, 4, 5, 6, 7): MedicationRequest: 7 active orders "
        "of the library's medicines for one patient; one leaflet holds at most 6 medicines, so none was made"
    )


def test_bundle_takes_the_referenced_resources_with_literal_references(tmp_path) -> None:
    """Conditional references resolved by identifier; one to a resource not in the export is left as written."""
    export = tmp_path / "export"
    medication = {"resourceType": "Medication", "id": "m1", "code": {"coding": [{"system": RXNORM, "code": "828320"}]}}
    by_reference = _order(f"Patient/{PATIENT_A}", "828320")
    del by_reference["medicationCodeableConcept"]
    by_reference["medicationReference"] = {"reference": "Medication/m1"}
    elsewhere = _order(f"Patient/{PATIENT_B}", "197446")
    elsewhere["requester"] = {
        "reference": "Practitioner?identifier=http://hl7.org/fhir/sid/us-npi|1",
        "display": "Dr. A",
    }
    lost = _order(f"Patient/{PATIENT_B}", "197446") | {"medicationReference": {"reference": "Medication/gone"}}
    del lost["medicationCodeableConcept"]
    _write(export, "x.ndjson", [*_lines("Patient.000.ndjson"), *_lines("Practitioner.000.ndjson"), medication])
    _write(export, "y.ndjson", [by_reference, elsewhere, lost])
    with ExportFiles(export) as files:
        rows = list(BulkExport(files, CodeIndex(Library(library_root()))).rows())
    assert [r.problem for r in rows if r.problem] == [
        "MedicationRequest.medicationReference: names no Medication of this export (or two that differ); "
        "which medicine is unknown"
    ]
    first, second = (r.data["entry"] for r in rows if not r.problem)
    practitioner = next(p for p in _lines("Practitioner.000.ndjson") if p["name"][0]["family"] == "Duarte203")
    assert [e["resource"]["resourceType"] for e in first] == [
        "Patient",
        "MedicationRequest",
        "Practitioner",
        "Medication",
    ]
    assert first[1]["resource"]["requester"]["reference"] == f"Practitioner/{practitioner['id']}"
    assert first[1]["resource"]["medicationReference"] == {"reference": "Medication/m1"}
    assert [e["resource"]["resourceType"] for e in second] == ["Patient", "MedicationRequest"]
    assert second[1]["resource"]["requester"] == elsewhere["requester"]


def test_a_folder_needs_fhir_bulk_and_fhir_bulk_a_folder(run_cli, tmp_path) -> None:
    code, _, err = run_cli("batch", str(BULK), "--out", str(tmp_path / "out"))
    assert (code, err) == (2, f"Error: {BULK}: a folder; add --fhir-bulk to read it as a FHIR Bulk Data export\n")
    source = BULK / "Patient.000.ndjson"
    code, _, err = _batch(run_cli, source, tmp_path / "out")
    assert code == 2
    assert err == f"Error: {source}: --fhir-bulk: expected the folder of a Bulk Data export (.ndjson files)\n"
    (tmp_path / "empty").mkdir()
    code, _, err = _batch(run_cli, tmp_path / "empty", tmp_path / "out")
    assert err == f"Error: {tmp_path / 'empty'}: --fhir-bulk: no .ndjson files in this folder\n"


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**9), 10**9) | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=8,
)


@given(kind=st.from_regex(r"[A-Z][A-Za-z]{0,20}", fullmatch=True), rest=st.dictionaries(st.text(max_size=8), _JSON))
def test_a_line_that_starts_with_its_type_is_typed_without_parsing(kind, rest) -> None:
    resource = {"resourceType": kind, **{k: v for k, v in rest.items() if k != "resourceType"}}
    line = json.dumps(resource, separators=(",", ":")).encode()
    assert sniff(line) == kind
    assert parse(line) == resource


@given(st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_any_line_parses_or_says_why_and_never_disagrees_with_its_sniffed_type(line) -> None:
    record = parse(line)
    assert isinstance(record, (dict, str))
    if isinstance(record, dict) and sniff(line) is not None:
        assert sniff(line) == record["resourceType"]


def test_a_practitioner_role_requester_brings_its_practitioner(tmp_path) -> None:
    """A requester given as a PractitionerRole (in another file of the export) comes with the role and the
    Practitioner it names, so the reader prints the practitioner's name and the role's phone."""
    export = tmp_path / "export"
    practitioner = next(p for p in _lines("Practitioner.000.ndjson") if p["name"][0]["family"] == "Duarte203")
    role = {
        "resourceType": "PractitionerRole",
        "id": "role-1",
        "practitioner": {"reference": f"Practitioner/{practitioner['id']}"},
        "telecom": [{"system": "phone", "value": "555-0142", "use": "work"}],
    }
    order = _order(f"Patient/{PATIENT_A}", "828320") | {"requester": {"reference": "PractitionerRole/role-1"}}
    _write(export, "x.ndjson", [*_lines("Patient.000.ndjson"), *_lines("Practitioner.000.ndjson"), role])
    _write(export, "y.ndjson", [order])
    with ExportFiles(export) as files:
        (row,) = [r for r in BulkExport(files, CodeIndex(Library(library_root()))).rows() if r.data]
    kinds = [e["resource"]["resourceType"] for e in row.data["entry"]]
    assert kinds == ["Patient", "MedicationRequest", "PractitionerRole", "Practitioner"]
    assert row.data["entry"][2]["resource"]["practitioner"]["reference"] == f"Practitioner/{practitioner['id']}"
