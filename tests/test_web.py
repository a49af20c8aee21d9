"""The staff web page and JSON API: framework test client, and a real browser (Debian's Chromium)."""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from helpers import CHROMIUM, CHROMIUM_FLAGS, pdf_pages_text, pdf_text
from pypdf import PdfReader

from generator.inputs import read_clinic
from generator.paths import SAMPLES, layouts_root, library_root
from generator.verify import missing_sentences
from generator.verify.html import html_text
from generator.web.app import WebSettings, create_app

VALID = {
    "patient": {"name": "Maria Lopez", "preferred_name": "Maria", "age": 47},
    "prescriber": {"name": "Dr. Sam Lee", "phone": "555-0100"},
    "prescription": {
        "medicine": "carisoprodol",
        "dose_mg": 350,
        "times_per_day": 3,
        "start": "2026-11-24",
        "days_supply": 14,
    },
}


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
    response = client.post("/api/handouts", json={**VALID, "layout": "one-page", "language": "es"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    pages = pdf_pages_text(response.content)
    assert len(pages) == 1
    assert missing_sentences(pages, generator.required_sentences("carisoprodol", "es")) == []


def test_html_format_gives_the_verified_web_page(client, generator) -> None:
    response = client.post("/api/handouts", json={**VALID, "language": "es", "format": "html"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["content-disposition"] == 'inline; filename="leaflet.html"'
    assert response.text.startswith("<!DOCTYPE html>") and '<html lang="es">' in response.text
    text = html_text(response.text)
    assert missing_sentences([text], generator.required_sentences("carisoprodol", "es")) == []
    refused = client.post("/api/handouts", json={**VALID, "format": "docx"})
    assert refused.status_code == 422
    assert refused.json()["errors"] == [{"field": "format", "message": "unknown format 'docx' (known: pdf, html)"}]


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
        ({"topic": "aspirin"}, "topic", "unknown topic (known: carisoprodol,"),
        ({"layout": "poster"}, "layout", "unknown layout 'poster'"),
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


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's Chromium is not installed (apt-get install chromium)")
def test_a_user_fills_the_form_in_a_real_browser(live_server, tmp_path) -> None:
    """The whole page works under its Content-Security-Policy: no violation is reported."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1024, "height": 1366}, accept_downloads=True)  # a tablet
        console: list[str] = []
        page.on("console", lambda message: console.append(message.text))
        page.goto(live_server())
        page.get_by_label("Topic").select_option("carisoprodol")
        page.get_by_label("Full name").fill("Zoë O'Brien")
        page.get_by_label("Preferred name").fill("Zoë")
        page.get_by_label("Prescriber name (required)").fill("Dr. Sam Lee")
        page.get_by_label("Dose each time (mg) (required)").fill("3500")
        page.get_by_label("Times a day (required)").fill("3")
        page.get_by_label("Start date (required)").fill("2026-11-24")
        page.get_by_label("Days at this dose (required)").fill("10")
        page.get_by_role("button", name="Make leaflet").click()
        error = page.locator("#error-rx-dose")
        error.wait_for()
        assert "above the 350 mg limit" in error.inner_text()
        assert page.get_by_label("Dose each time (mg) (required)").get_attribute("aria-invalid") == "true"
        page.get_by_label("Dose each time (mg) (required)").fill("350")
        page.keyboard.press("Enter")  # submitting with the keyboard alone
        page.locator("#download:not([hidden])").wait_for()
        assert page.locator(".error").count() == 0
        with page.expect_download() as download:
            page.get_by_role("link", name="Download PDF").click()
        saved = tmp_path / "leaflet.pdf"
        download.value.save_as(saved)
        assert page.locator("#preview").get_attribute("src").startswith("blob:")
        with page.expect_download() as web_page:
            page.get_by_role("button", name="Download web page (HTML)").click()
        assert web_page.value.suggested_filename == "leaflet.html"
        web_page.value.save_as(tmp_path / "leaflet.html")
        assert "Zoë O'Brien" in html_text((tmp_path / "leaflet.html").read_text(encoding="utf-8"))
        page.screenshot(path=str(tmp_path / "page.png"), full_page=True)
        shot_dir = os.environ.get("HANDOUT_SCREENSHOT_DIR")
        if shot_dir:
            shutil.copy(tmp_path / "page.png", Path(shot_dir) / "web-page.png")
        browser.close()
    assert not [line for line in console if "Content Security Policy" in line], console
    text = pdf_text(saved)
    assert "Zoë O'Brien" in text and "1 tablet of 350 mg 3 times a day" in text
    assert len(PdfReader(io.BytesIO(saved.read_bytes())).pages) >= 2
