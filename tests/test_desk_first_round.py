"""The desk API answers every problem in the first round, and words each staff warning action first."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from fastapi.testclient import TestClient

from generator.inputs.personalisation import read_clinic
from generator.paths import SAMPLES, layouts_root, library_root
from generator.web.app import WebSettings, create_app
from generator.web.warning_words import warning_words

TODAY = dt.date.today()


@pytest.fixture(scope="module")
def client() -> TestClient:
    settings = WebSettings(library_root(), layouts_root(), read_clinic(SAMPLES / "clinic.yaml"))
    return TestClient(create_app(settings), base_url="http://127.0.0.1:8000")


def _body(patient: dict, **rx: object) -> dict:
    prescription = {"medicine": "carisoprodol", "dose_mg": 350, "times_per_day": 3, "days_supply": 14}
    prescription |= {"start": TODAY.isoformat()} | rx
    return {
        "topics": ["carisoprodol"],
        "patient": patient,
        "prescriber": {"name": "Dr. Sam Lee"},
        "prescription": prescription,
    }


@pytest.mark.parametrize("several", [False, True])
def test_age_date_of_birth_and_a_start_years_ahead_come_back_with_a_missing_dose(client, several) -> None:
    body = _body({"name": " ", "age": 30, "date_of_birth": "1940-01-01"}, start="2062-01-05", dose_mg=None)
    prefix = "prescription"
    if several:
        second = {**body["prescription"], "medicine": "methocarbamol", "dose_mg": 1500, "strength_mg": 750}
        body["prescriptions"] = [body.pop("prescription"), second]
        prefix = "prescriptions[0]"
    errors = client.post("/api/leaflets", json=body).json()["errors"]
    fields = [error["field"] for error in errors]
    for field in ("patient.name", "patient.age", "patient.date_of_birth", f"{prefix}.dose_mg", f"{prefix}.start"):
        assert field in fields, (field, errors)
    assert {
        "field": f"{prefix}.start",
        "message": "more than a year after the leaflet's made-on date; check the year",
    } in errors


def test_a_staff_warning_says_what_to_do_first_and_why_behind_it(client) -> None:
    response = client.post("/api/leaflets", json=_body({"name": "Maria Lopez", "age": 80}))
    assert response.status_code == 200, response.text
    [age] = [w for w in json.loads(response.headers["X-Handout-Warnings"]) if w["field"] == "patient.age"]
    assert (
        age["action"]
        == "Check with the prescriber: guidelines advise against muscle relaxants for patients 65 or older."
    )
    assert age["why"].startswith("The AGS Beers Criteria (2023) advise avoiding muscle relaxants such as carisoprodol")
    assert age["why"].endswith(
        "Source: American Geriatrics Society 2023 Updated AGS Beers Criteria, J Am Geriatr Soc 2023, PubMed 37139824."
    )
    assert "80" not in age["action"] + age["why"]  # the server never repeats the patient's data


@pytest.mark.parametrize(
    ("message", "action", "why"),
    [
        (
            "under 16: the label says safety and effectiveness are not established under 16 years (FDA label, 8.4)",
            "Check with the prescriber: the label does not show it is safe and works for patients under 16.",
            "The label says safety and effectiveness are not established under 16 years. Source: FDA label, 8.4.",
        ),
        (
            "check with the prescriber: the label says to start people 65 or older at 5 mg (FDA label (x), Elderly)",
            "Check with the prescriber: the label says to start people 65 or older at 5 mg.",
            "Source: FDA label (x), Elderly.",
        ),
        (
            "check the dose with the prescriber: the Drug Facts say 2 tablets (650 mg) each time (Drug Facts (DailyMed"
            " set id 97b6), Directions: 'take 2 tablets' (2 x 325 mg = 650 mg))",
            "Check the dose with the prescriber: the Drug Facts say 2 tablets (650 mg) each time.",
            "Source: Drug Facts (DailyMed set id 97b6), Directions: 'take 2 tablets' (2 x 325 mg = 650 mg).",
        ),
        (
            "the course started before the leaflet's made-on date",
            "Check the start date: the course started before today.",
            None,
        ),
        (
            "not yet approved by your clinic: 2 of 15 files are drafts",
            "Not yet approved by your clinic: 2 of 15 files are drafts.",
            None,
        ),
    ],
)
def test_warning_words(message, action, why) -> None:
    assert warning_words(message) == (action, why)
