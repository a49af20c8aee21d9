"""POST /api/fhir/form: a FHIR order read as the desk page's form, exactly as POST /api/fhir/handouts reads it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.inputs.personalisation import read_clinic
from generator.paths import SAMPLES, layouts_root, library_root
from generator.web.app import WebSettings, create_app

ORDERS = Path(__file__).parent / "fhir"
FHIR_JSON = "application/fhir+json"


@pytest.fixture(scope="module")
def client() -> TestClient:
    settings = WebSettings(library_root(), layouts_root(), read_clinic(SAMPLES / "clinic.yaml"), token="t0ken")
    return TestClient(create_app(settings), base_url="http://127.0.0.1:8000", headers={"Authorization": "Bearer t0ken"})


def _order(name: str) -> dict:
    return json.loads((ORDERS / name).read_text())


def _form(client: TestClient, order: dict):
    return client.post("/api/fhir/form", content=json.dumps(order), headers={"Content-Type": FHIR_JSON})


def test_a_bundle_fills_every_field_it_gives(client) -> None:
    answer = _form(client, _order("carisoprodol-tid.json"))
    assert answer.status_code == 200, answer.text
    assert answer.json() == {
        "topics": ["carisoprodol"],
        "patient": {
            "name": "Maria Elena Lopez",
            "preferred_name": "Mari",
            "date_of_birth": "1979-03-05",
            "language": "en",
        },
        "prescriber": {"name": "Dr. Sam Lee", "phone": "555-0100"},
        "prescriptions": [
            {
                "medicine": "carisoprodol",
                "dose_mg": 350.0,
                "times_per_day": 3,
                "start": "2026-11-24",
                "days_supply": 14,
                "strength_mg": 350.0,
                "refills": 0,
            }
        ],
        "warnings": [
            "MedicationRequest.dosageInstruction[0].text: free-text instructions, not printed; "
            "compare them with the printed schedule"
        ],
        "missing": [],
    }


def test_a_bare_medication_request_asks_for_the_patient(client) -> None:
    bundle = _order("carisoprodol-tid.json")
    [order] = [
        entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == "MedicationRequest"
    ]
    del order["requester"]
    answer = _form(client, order).json()
    assert answer["missing"] == ["patient.name", "prescriber.name"]
    assert answer["patient"] == {} and answer["prescriber"] == {}
    assert answer["prescriptions"][0]["dose_mg"] == 350.0


def test_a_taper_order_gives_its_steps_and_last_day(client) -> None:
    [rx] = _form(client, _order("carisoprodol-taper.json")).json()["prescriptions"]
    assert rx["taper"] == [{"from": "2026-12-04", "dose_mg": 350.0, "times_per_day": 2}]
    assert rx["last_day"] == "2026-12-06"


def test_several_orders_for_one_patient_give_several_prescriptions(client) -> None:
    bundle = _order("carisoprodol-tid.json")
    second = _order("cyclobenzaprine-contained.json")
    [order] = [entry for entry in second["entry"] if entry["resource"]["resourceType"] == "MedicationRequest"]
    order["resource"]["subject"] = {"reference": "Patient/p-1001"}
    order["resource"]["requester"] = {"reference": "Practitioner/dr-lee"}
    order["fullUrl"] = "https://ehr.example.org/fhir/MedicationRequest/rx-5502"
    bundle["entry"].append(order)
    answer = _form(client, bundle)
    assert answer.status_code == 200, answer.text
    assert answer.json()["topics"] == ["carisoprodol", "cyclobenzaprine"]
    assert [rx["medicine"] for rx in answer.json()["prescriptions"]] == ["carisoprodol", "cyclobenzaprine"]


def test_a_clinical_refusal_has_the_same_messages_as_the_handouts_route(client) -> None:
    bundle = _order("carisoprodol-tid.json")
    order = next(
        entry["resource"] for entry in bundle["entry"] if entry["resource"]["resourceType"] == "MedicationRequest"
    )
    order["dosageInstruction"][0]["doseAndRate"][0]["doseQuantity"]["value"] = 10  # 3,500 mg a dose
    form = _form(client, bundle)
    made = client.post("/api/fhir/handouts", content=json.dumps(bundle), headers={"Content-Type": FHIR_JSON})
    assert form.status_code == made.status_code == 422
    issues = [(issue["expression"][0], issue["diagnostics"]) for issue in made.json()["issue"]]
    errors = form.json()["errors"]
    assert [error["message"] for error in errors] == [diagnostics for _, diagnostics in issues]
    assert all(error["field"].startswith(path) for error, (path, _) in zip(errors, issues, strict=True))
    assert "3,500 mg a dose is above the 350 mg limit for carisoprodol" in form.json()["error"]


def test_the_form_route_needs_the_token_and_fhir_json(client) -> None:
    order = _order("carisoprodol-tid.json")
    refused = client.post(
        "/api/fhir/form", content=json.dumps(order), headers={"Authorization": "", "Content-Type": FHIR_JSON}
    )
    assert refused.status_code == 401
    wrong = client.post("/api/fhir/form", content=json.dumps(order), headers={"Content-Type": "text/plain"})
    assert wrong.status_code == 415 and wrong.json()["error"] == "send the order as application/fhir+json"
    broken = client.post("/api/fhir/form", content="{", headers={"Content-Type": FHIR_JSON})
    assert broken.status_code == 400 and broken.json()["error"].startswith("request:1: invalid JSON")


SECRET = "Zq7Secret"
_VALUES = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.sampled_from(["", SECRET, "2026-11-24", "active"]))


def _mangled(order: dict, data: st.DataObject) -> dict:
    """The sample order with a few of its values swapped for odd ones (and the patient's name made secret)."""
    mangled = json.loads(json.dumps(order).replace("Lopez", SECRET))
    request = next(e["resource"] for e in mangled["entry"] if e["resource"]["resourceType"] == "MedicationRequest")
    for key in data.draw(st.lists(st.sampled_from(sorted(request)), max_size=3)):
        request[key] = data.draw(_VALUES)
    return mangled


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_order_is_read_or_refused_in_words_that_never_quote_the_patient(client, data) -> None:
    answer = _form(client, _mangled(_order("carisoprodol-tid.json"), data))
    assert answer.status_code in (200, 422), answer.text
    if answer.status_code == 422:
        assert SECRET not in answer.text and answer.json()["errors"]


def test_orders_sent_without_their_patient_must_name_the_same_one(client) -> None:
    order = next(
        e["resource"]
        for e in _order("carisoprodol-tid.json")["entry"]
        if e["resource"]["resourceType"] == "MedicationRequest"
    )
    other = json.loads(json.dumps(order)) | {"id": "rx-5502", "subject": {"reference": "Patient/p-2002"}}
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [{"resource": order}, {"resource": other}]}
    answer = _form(client, bundle)
    assert answer.status_code == 422
    assert answer.json()["errors"] == [
        {
            "field": "MedicationRequest[1].subject",
            "message": "the orders refer to different patients: one leaflet is for one",
        }
    ]
    other["subject"] = order["subject"]
    assert _form(client, bundle).json()["missing"] == ["patient.name"]
