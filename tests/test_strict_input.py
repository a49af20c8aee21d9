"""Patient, clinic and API input read strictly: no value silently changed, no crash, no value echoed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from helpers import INPUT, pdf_text

from generator.inputs.personalisation import read_clinic
from generator.paths import SAMPLES, layouts_root, library_root
from generator.web.app import WebSettings, create_app

PATIENT = """\
patient: {name: "Maria Lopez", age: 47}
prescriber: {name: "Dr. Sam Lee", phone: "555-0100"}
prescription:
  medicine: carisoprodol
  dose_mg: 350
  times_per_day: 3
  start: 2026-11-24
  days_supply: 14
"""
API_BODY = INPUT
HUGE = "9" * 5000
BIG = "9" * 400
DEEP = "[" * 50_000 + "]" * 50_000


@pytest.fixture(scope="module")
def client() -> TestClient:
    clinic = read_clinic(SAMPLES / "clinic.yaml")
    return TestClient(create_app(WebSettings(library_root(), layouts_root(), clinic)), base_url="http://127.0.0.1:8000")


def _build(run_cli, tmp_path: Path, text: str, suffix: str = ".yaml", *extra: str) -> tuple[int, str, str, Path]:
    patient = tmp_path / f"patient{suffix}"
    patient.write_text(text, encoding="utf-8")
    output = tmp_path / "out.pdf"
    code, _, err = run_cli("build", "carisoprodol", "--patient", str(patient), "-o", str(output), *extra)
    return code, err, str(patient), output


def _refused(code: int, err: str, output: Path, expected: str) -> None:
    assert code == 2, err
    assert expected in err, err
    assert err.count("\n") == 1 and "Traceback" not in err
    assert not output.exists()


def test_a_duplicated_key_is_refused_not_won(run_cli, tmp_path) -> None:
    text = PATIENT + 'patient: {name: "Other Person"}\n'
    code, err, patient, output = _build(run_cli, tmp_path, text)
    _refused(code, err, output, f"Error: {patient}:9: patient: given twice")
    nested = PATIENT.replace("dose_mg: 350\n", "dose_mg: 350\n  dose_mg: 250\n")
    code, err, patient, output = _build(run_cli, tmp_path, nested)
    _refused(code, err, output, f"{patient}:6: prescription.dose_mg: given twice")


def test_a_duplicated_key_in_json_is_refused(run_cli, tmp_path) -> None:
    text = json.dumps(API_BODY)[:-1] + ', "patient": {"name": "Other Person"}}'
    code, err, patient, output = _build(run_cli, tmp_path, text, ".json")
    _refused(code, err, output, f"{patient}:1: patient: given twice")
    assert "Other" not in err


@pytest.mark.parametrize(
    ("line", "field"),
    [
        ("days_supply: 010", "prescription.days_supply"),  # octal 8 in YAML 1.1, 10 in YAML 1.2: refused
        ("days_supply: 0x0E", "prescription.days_supply"),
        ("days_supply: 1_4", "prescription.days_supply"),
        ("times_per_day: yes", "prescription.times_per_day"),  # 1 in YAML 1.1
        ("times_per_day: on", "prescription.times_per_day"),
        ("times_per_day: true", "prescription.times_per_day"),  # 1 by pydantic's lax coercion
        ("times_per_day: 3.0", "prescription.times_per_day"),
        ("dose_mg: 0350", "prescription.dose_mg"),
        ("dose_mg: 3.5e2", "prescription.dose_mg"),
        ("dose_mg: .inf", "prescription.dose_mg"),
        ("start: 20261124", "prescription.start"),  # a Unix timestamp to pydantic's lax mode
        ("start: 2026-11-24 10:00:00", "prescription.start"),
    ],
)
def test_numbers_dates_and_booleans_have_one_meaning(run_cli, tmp_path, line, field) -> None:
    key = line.split(":")[0]
    text = "".join(f"  {line}\n" if row.strip().startswith(f"{key}:") else row + "\n" for row in PATIENT.splitlines())
    code, err, _, output = _build(run_cli, tmp_path, text)
    _refused(code, err, output, f"{field}: expected ")


def test_a_phone_with_a_leading_zero_stays_text(run_cli, tmp_path) -> None:
    text = PATIENT.replace('phone: "555-0100"', "phone: 0123")
    code, err, _, output = _build(run_cli, tmp_path, text, ".yaml", "--made-on", "2026-11-25")
    assert code == 0, err
    assert "Dr. Sam Lee, 0123" in pdf_text(output)


def test_a_bare_number_in_a_text_field_is_refused_not_converted(run_cli, tmp_path) -> None:
    text = PATIENT.replace('phone: "555-0100"', "phone: 5550100")
    code, err, _, output = _build(run_cli, tmp_path, text)
    _refused(code, err, output, "prescriber.phone: expected text, got a whole number (put it in quotes")
    assert "5550100" not in err


def test_the_clinic_file_is_read_strictly(run_cli, tmp_path) -> None:
    clinic = tmp_path / "clinic.yaml"
    clinic.write_text("clinic:\n  name: Riverside\n  phone: 0199\n  after_hours: 0111\n", encoding="utf-8")
    patient = tmp_path / "p.yaml"
    patient.write_text(PATIENT, encoding="utf-8")
    output = tmp_path / "out.pdf"
    args = ("build", "carisoprodol", "--patient", str(patient), "--clinic", str(clinic), "--made-on", "2026-11-25")
    code, _, err = run_cli(*args, "-o", str(output))
    assert code == 0, err
    text = pdf_text(output)
    assert "0199" in text and "0111" in text
    clinic.write_text("clinic:\n  name: Riverside\n  phone: '0199'\n  name: Elsewhere\n", encoding="utf-8")
    code, _, err = run_cli(*args, "-o", str(tmp_path / "again.pdf"))
    assert (code, err) == (2, f"Error: {clinic}:4: clinic.name: given twice\n")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (PATIENT + "extra: &a [1, 2]\nmore: *a\n", ":10: more: aliases (*name) are not allowed in data files"),
        (PATIENT + "<<: {patient: {name: x}}\n", "<<: unknown field"),
        (PATIENT + "1: one\n", ":9: keys must be text"),
        (PATIENT.replace("age: 47", "age: !!int 010"), ":1: not a plain decimal whole number"),
        (PATIENT.replace("age: 47", "age: !!binary aGk="), "could not determine a constructor"),
    ],
    ids=["alias", "merge-key", "number-key", "explicit-octal", "binary-tag"],
)
def test_yaml_features_that_hide_or_change_values_are_refused(run_cli, tmp_path, text, expected) -> None:
    code, err, _, output = _build(run_cli, tmp_path, text)
    _refused(code, err, output, expected)


BOUNDS = {
    "5000-digits": (HUGE, "patient.age: number too large (more than 18 digits)"),
    "400-digits": (BIG, "patient.age: number too large (more than 18 digits)"),
    "50000-nested-lists": (DEEP, "patient.age[0]: nested deeper than 16 levels"),
}


@pytest.mark.parametrize(("value", "expected"), BOUNDS.values(), ids=BOUNDS.keys())
@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_oversized_numbers_and_deep_nesting_in_files(run_cli, tmp_path, value, expected, suffix) -> None:
    text = PATIENT if suffix == ".yaml" else json.dumps(API_BODY)
    text = text.replace("age: 47", f"age: {value}").replace('"age": 47', f'"age": {value}')
    code, err, _, output = _build(run_cli, tmp_path, text, suffix)
    _refused(code, err, output, expected)


@pytest.mark.parametrize(("value", "expected"), BOUNDS.values(), ids=BOUNDS.keys())
def test_oversized_numbers_and_deep_nesting_in_the_api(client, value, expected) -> None:
    body = json.dumps(API_BODY).replace('"age": 47', f'"age": {value}')
    headers = {"content-type": "application/json"}
    if len(body) > 64 * 1024:  # the body limit answers first; the same shape under it is a field error
        assert client.post("/api/handouts", content=body, headers=headers).status_code == 413
        body = json.dumps(API_BODY).replace('"age": 47', '"age": ' + "[" * 5000 + "]" * 5000)
    response = client.post("/api/handouts", content=body, headers=headers)
    assert response.status_code == 422, response.text
    field, message = expected.split(": ", 1)
    assert {"field": field, "message": message} in [
        {"field": e["field"], "message": e["message"][: len(message)]} for e in response.json()["errors"]
    ]


@pytest.mark.parametrize(
    ("value", "message"),
    [("NaN", "not a finite number (NaN or Infinity)"), ("1e999", "number too large"), ("true", "expected a number")],
)
def test_the_api_refuses_numbers_json_should_not_carry(client, value, message) -> None:
    body = json.dumps(API_BODY).replace('"dose_mg": 350', f'"dose_mg": {value}')
    response = client.post("/api/handouts", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert errors[0]["field"] == "prescription.dose_mg" and errors[0]["message"].startswith(message), errors


def test_the_api_refuses_duplicated_keys(client) -> None:
    body = json.dumps(API_BODY)[:-1] + ', "patient": {"name": "Other Person"}}'
    response = client.post("/api/handouts", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert response.json()["errors"] == [{"field": "patient", "message": "given twice"}]


def test_age_and_date_of_birth_that_disagree_are_refused(run_cli, tmp_path) -> None:
    text = PATIENT.replace("age: 47", "age: 47, date_of_birth: 1950-01-02")
    code, err, patient, output = _build(run_cli, tmp_path, text, ".yaml", "--made-on", "2026-11-25")
    _refused(code, err, output, "patient.age and patient.date_of_birth disagree on the made-on date")
    message = err.replace(patient, "FILE")  # the file's path may hold any digits (pytest-347)
    assert "1950" not in message and "47" not in message
    future = PATIENT.replace("age: 47", "date_of_birth: 2026-12-01")
    code, err, _, output = _build(run_cli, tmp_path, future, ".yaml", "--made-on", "2026-11-25")
    _refused(code, err, output, "patient.date_of_birth: after the date the leaflet is made")


@pytest.mark.parametrize(
    ("patient", "older_adults"),
    [
        ("age: 76, date_of_birth: 1950-01-02", True),  # agree: 76 on 2026-11-25
        ("date_of_birth: 1950-11-26", True),  # 75, the day before the 76th birthday
        ("date_of_birth: 1961-11-26", False),  # 64, one day short of 65
        ("age: 64", False),
    ],
)
def test_the_older_adults_block_follows_the_checked_age(run_cli, tmp_path, patient, older_adults) -> None:
    text = PATIENT.replace("age: 47", patient)
    code, err, _, output = _build(run_cli, tmp_path, text, ".yaml", "--made-on", "2026-11-25")
    assert code == 0, err
    assert ("I am 65 or older" in pdf_text(output)) is older_adults


def test_messages_name_the_field_and_rule_never_the_value(run_cli, tmp_path) -> None:
    text = PATIENT.replace("age: 47", "date_of_birth: 02/03/1979, id: 'Maria Lopez'").replace(
        'name: "Dr. Sam Lee"', "name: [Sam, Lee]"
    )
    code, err, _, _ = _build(run_cli, tmp_path, text)
    assert code == 2
    assert "patient.date_of_birth: expected a date as YYYY-MM-DD" in err
    assert "patient.id: string should match pattern" in err
    assert "prescriber.name: expected text, got a list" in err
    for value in ("02/03/1979", "Maria", "Lopez", "Sam"):
        assert value not in err


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("build", "aspirin"), "topic: unknown topic (known: acetaminophen, carisoprodol, cyclobenzaprine,"),
        (("build", "carisoprodol", "--lang", "xx"), "language: no leaflet on 'carisoprodol' in this language"),
        (("verify", "leaflet.pdf", "--topic", "aspirin"), "leaflet.pdf: topic: unknown topic (known:"),
    ],
)
def test_unknown_topic_and_language_are_input_errors(run_cli, tmp_path, args, expected) -> None:
    code, _, err = run_cli(*args, *(("-o", str(tmp_path / "o.pdf")) if args[0] == "build" else ()))
    assert code == 2 and expected in err, err
    assert "handouts" not in err.split(":", 2)[-1]  # no installed package path
    assert "aspirin" not in err and "'xx'" not in err


def test_a_brand_name_finds_its_topic(run_cli, tmp_path, client) -> None:
    text = PATIENT.replace("medicine: carisoprodol", "medicine: Soma")
    patient = tmp_path / "p.yaml"
    patient.write_text(text, encoding="utf-8")
    for topic in ("carisoprodol", "soma", "SOMA"):
        output = tmp_path / f"{topic}.pdf"
        code, _, err = run_cli("build", topic, "--patient", str(patient), "-o", str(output), "--made-on", "2026-11-25")
        assert code == 0, err
        assert "Carisoprodol (Soma)" in pdf_text(output)
    body = {**API_BODY, "prescription": {**API_BODY["prescription"], "medicine": "Soma"}}
    response = client.post("/api/handouts", json=body)
    assert response.status_code == 200, response.text
    assert "Carisoprodol (Soma)" in pdf_text(response.content)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"topic": "aspirin"}, "topic"),
        ({"language": "xx"}, "language"),
        ({"patient": {"name": "Maria Lopez", "language": "fr"}}, "patient.language"),
        ({"prescription": {**API_BODY["prescription"], "medicine": "Aspirin"}}, "prescription.medicine"),
    ],
)
def test_the_api_answers_unknown_topics_and_languages_with_422(client, change, field) -> None:
    response = client.post("/api/handouts", json={**API_BODY, **change})
    assert response.status_code == 422, response.text
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert "spirin" not in response.text


INEXACT = "more digits after the point than can be read exactly"


@pytest.mark.parametrize("value", ["350.000000000000001", "350.0000000000000001", "349.99999999999999999"])
@pytest.mark.parametrize("suffix", [".yaml", ".json"])
def test_a_dose_a_float_cannot_hold_exactly_is_refused_not_rounded(run_cli, tmp_path, value, suffix) -> None:
    """350.000000000000001 mg is read as 350 by a float and printed as 350 mg: refused instead."""
    text = PATIENT if suffix == ".yaml" else json.dumps(API_BODY)
    text = text.replace("dose_mg: 350", f"dose_mg: {value}").replace('"dose_mg": 350', f'"dose_mg": {value}')
    code, err, _, output = _build(run_cli, tmp_path, text, suffix)
    _refused(code, err, output, f"prescription.dose_mg: {INEXACT}")


def test_a_dose_a_float_cannot_hold_exactly_is_refused_in_a_csv_row_and_the_api(run_cli, tmp_path, client) -> None:
    from helpers import write_csv

    header = ["patient.name", "prescriber.name", "prescription.medicine", "prescription.dose_mg"]
    header += ["prescription.times_per_day", "prescription.start", "prescription.days_supply"]
    row = ["Maria Lopez", "Dr. Sam Lee", "carisoprodol", "350.000000000000001", "3", "2026-11-24", "14"]
    source = write_csv(tmp_path / "p.csv", header, [row, [*row[:3], "350", *row[4:]]])
    code, _, _ = run_cli("batch", str(source), "--out", str(tmp_path / "out"))
    manifest = (tmp_path / "out" / "manifest.csv").read_text()
    assert code == 1 and f"p.csv row 2: prescription.dose_mg: {INEXACT}" in manifest and '"made"' in manifest
    body = json.dumps(API_BODY).replace('"dose_mg": 350', '"dose_mg": 350.000000000000001')
    response = client.post("/api/handouts", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422 and response.json()["errors"][0]["message"].startswith(INEXACT)


def test_a_limit_message_shows_every_digit_of_the_dose(run_cli, tmp_path) -> None:
    code, err, _, output = _build(run_cli, tmp_path, PATIENT.replace("dose_mg: 350", "dose_mg: 350.00000000001"))
    _refused(code, err, output, "prescription.dose_mg: 350.00000000001 mg a dose is above the 350 mg limit")
