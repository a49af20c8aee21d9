"""The staff web page and JSON API: framework test client, and a real browser (Debian's Chromium)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from helpers import INPUT as VALID
from helpers import pdf_pages_text, pdf_text

from generator.inputs.personalisation import read_clinic
from generator.paths import SAMPLES, layouts_root, library_root
from generator.verify import missing_sentences
from generator.web.app import WebSettings, create_app


def _settings(token: str | None = None) -> WebSettings:
    return WebSettings(library_root(), layouts_root(), read_clinic(SAMPLES / "clinic.yaml"), token=token)


@pytest.fixture(scope="module")
def client() -> TestClient:
    return TestClient(create_app(_settings()), base_url="http://127.0.0.1:8000")


def test_topics(client) -> None:
    data = client.get("/api/topics").json()
    assert {"carisoprodol", "low-back-pain"} <= {t["name"] for t in data["topics"]}
    assert {"standard", "one-page"} <= {layout["name"] for layout in data["layouts"]}
    assert {"en", "es"} <= {language["code"] for language in data["languages"]}


def test_valid_request_gives_a_verified_pdf(client, generator) -> None:
    response = client.post("/api/handouts", json={**VALID, "layout": "one-sheet", "language": "es"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    pages = pdf_pages_text(response.content)
    assert len(pages) == 2  # both sides of one sheet (Spanish carisoprodol needs more than one-page's one side)
    assert missing_sentences(pages, generator.required_sentences("carisoprodol", "es")) == []


def test_hostile_name_prints_literally(client) -> None:
    name = '<img src="/etc/passwd"/> & {{ 7*7 }}'
    response = client.post("/api/handouts", json={**VALID, "patient": {"name": name}})
    assert response.status_code == 200
    assert name in pdf_text(response.content)


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        (
            {"prescription": {**VALID["prescription"], "dose_mg": 3500}},
            "prescription.dose_mg",
            "3,500 mg a dose is above the 350 mg limit for carisoprodol",
        ),
        ({"patient": {"preferred_name": "M"}}, "patient.name", "missing required field"),
        (
            {"prescription": {**VALID["prescription"], "start": "2026-13-01"}},
            "prescription.start",
            "not a calendar date; expected a date as YYYY-MM-DD",
        ),
        ({"patient": {"name": "M", "nickname": "x"}}, "patient.nickname", "unknown field"),
        ({"topic": "aspirin"}, "topic", "unknown topic (known: acetaminophen, carisoprodol,"),
        ({"layout": "poster"}, "layout", "unknown layout (known: a4,"),
        (
            {"prescription": {**VALID["prescription"], "days_supply": 99999999999}},
            "prescription.days_supply",
            "input should be less",
        ),
        (
            {"prescription": {**VALID["prescription"], "start": "9999-12-30"}},
            "prescription.start",
            "not a plausible date",
        ),
    ],
)
def test_invalid_requests_name_the_field(client, change, field, message) -> None:
    response = client.post("/api/handouts", json={**VALID, **change})
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert any(e["field"] == field and e["message"].startswith(message) for e in errors), errors
    assert "Traceback" not in response.text
    assert client.get("/api/topics").status_code == 200  # the server keeps going


def test_body_must_be_json(client) -> None:
    response = client.post("/api/handouts", content=b"patient=x", headers={"content-type": "text/plain"})
    assert response.status_code == 415


def test_malformed_json(client) -> None:
    response = client.post("/api/handouts", content=b"{not json", headers={"content-type": "application/json"})
    assert response.status_code == 400
    assert response.json()["error"] == "body is not valid JSON"


def test_oversized_bodies_are_refused(client) -> None:
    big = {**VALID, "patient": {"name": "x" * 70_000}}
    assert client.post("/api/handouts", json=big).status_code == 413

    def chunks():
        for _ in range(80):
            yield b"x" * 1024

    headers = {"content-type": "application/json"}
    assert client.post("/api/handouts", content=chunks(), headers=headers).status_code == 413


def test_token_is_enforced_when_set() -> None:
    secured = TestClient(create_app(_settings(token="front-desk-7")), base_url="http://localhost:8000")
    assert secured.get("/api/topics").status_code == 401
    assert secured.post("/api/handouts", json=VALID).status_code == 401
    wrong = {"Authorization": "Bearer nope"}
    assert secured.post("/api/handouts", json=VALID, headers=wrong).status_code == 401
    right = {"Authorization": "Bearer front-desk-7"}
    assert secured.post("/api/handouts", json=VALID, headers=right).status_code == 200
    assert secured.get("/api/topics", headers={"Authorization": "bearer front-desk-7"}).status_code == 200
    assert secured.get("/api/topics", headers={"Authorization": "front-desk-7"}).status_code == 401
    assert secured.get("/").status_code == 200  # the page itself asks for the token


def test_openapi_documents_the_endpoints(client) -> None:
    spec = client.get("/openapi.json").json()
    body = spec["paths"]["/api/handouts"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert {"patient", "prescriber", "prescription", "topic", "layout", "language"} <= set(body["properties"])
    assert "/api/topics" in spec["paths"]


def test_no_files_are_written(client, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert client.post("/api/handouts", json=VALID).status_code == 200
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--host", "0.0.0.0"], "not a loopback address; add --allow-remote and an access token"),
        (["--host", "0.0.0.0", "--allow-remote"], "--allow-remote: needs an access token"),
    ],
)
def test_serving_beyond_loopback_needs_a_flag_and_a_token(run_cli, monkeypatch, args, message) -> None:
    monkeypatch.delenv("HANDOUT_WEB_TOKEN", raising=False)
    code, _, err = run_cli("serve", *args)
    assert code == 2 and message in err
