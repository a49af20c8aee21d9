"""Warnings for the person making the leaflet: never silent (CLI, batch manifest, web API)."""

from __future__ import annotations

import csv
import datetime as dt

import pytest
from fastapi.testclient import TestClient
from helpers import write_csv

from generator.errors import InputError
from generator.inputs.personalisation import parse_personalisation
from generator.prescription.cautions import staff_warnings


def _data(age: int | None = 47, start: str = "2026-11-24", medicine: str = "carisoprodol", dose: float = 350) -> dict:
    patient = {"name": "Maria Lopez"} | ({"age": age} if age is not None else {})
    rx = {"medicine": medicine, "dose_mg": dose, "times_per_day": 3, "start": start, "days_supply": 7}
    return {"patient": patient, "prescriber": {"name": "Dr. Sam Lee"}, "prescription": rx}


def _warnings(generator, data: dict, topic: str = "carisoprodol", made_on: dt.date = dt.date(2026, 11, 24)):
    from generator.prescription.dosing import make_schedule

    parsed = parse_personalisation(data, "t")
    schedule = make_schedule(parsed.prescription, generator.library.topic(topic), "t")
    return staff_warnings(parsed, generator.library.topic(topic), schedule, made_on, "t")


@pytest.mark.parametrize(
    ("topic", "dose", "age", "expected"),
    [
        ("carisoprodol", 350, 15, "under 16: the label says safety and effectiveness are not established under 16"),
        ("methocarbamol", 500, 15, "under 16: the label says"),
        ("cyclobenzaprine", 5, 14, "under 15: the label says"),
        ("cyclobenzaprine", 5, 15, None),
        ("carisoprodol", 350, 65, "65 or older: the AGS Beers Criteria (2023) advise avoiding muscle relaxants"),
        ("methocarbamol", 500, 81, "65 or older: the AGS Beers Criteria (2023)"),
        ("carisoprodol", 350, 64, None),
        ("carisoprodol", 350, None, None),
    ],
)
def test_age_warnings_follow_the_labels_and_beers(generator, topic, dose, age, expected) -> None:
    found = _warnings(generator, _data(age, medicine=topic, dose=dose), topic)
    ages = [message for field, message in found if field == "patient.age"]
    if expected is None:
        assert ages == []
    else:
        assert len(ages) == 1 and ages[0].startswith(expected)


def test_start_dates(generator) -> None:
    assert _warnings(generator, _data(start="2026-11-24")) == ()
    started = _warnings(generator, _data(start="2026-11-20"))
    assert started == (("prescription.start", "the course started before the leaflet's made-on date"),)
    over = _warnings(generator, _data(start="2026-10-01"))
    assert over == (("prescription.start", "the whole course ended before the leaflet's made-on date"),)
    with pytest.raises(InputError) as caught:
        _warnings(generator, _data(start="2027-12-24"))
    assert caught.value.problems == (
        ("prescription.start", "more than a year after the leaflet's made-on date; check the year"),
    )


def test_cli_prints_each_warning_on_stderr_and_still_makes_the_leaflet(run_cli, tmp_path, write_yaml) -> None:
    patient = write_yaml("p.yaml", _data(age=70))
    output = tmp_path / "o.pdf"
    code, _, err = run_cli(
        "build", "carisoprodol", "--patient", str(patient), "--made-on", "2026-11-26", "-o", str(output)
    )
    assert code == 0 and output.exists()
    lines = err.splitlines()
    assert f"Warning: {patient}: patient.age: 65 or older: the AGS Beers Criteria (2023)" in lines[0]
    assert lines[1] == f"Warning: {patient}: prescription.start: the course started before the leaflet's made-on date"
    assert "Maria" not in err


def test_batch_manifest_lists_warnings_per_row(run_cli, tmp_path) -> None:
    header = ["id", "patient.name", "patient.age", "prescriber.name", "prescription.medicine"]
    header += ["prescription.dose_mg", "prescription.times_per_day", "prescription.start", "prescription.days_supply"]
    rows = [
        ["A", "Ann", "70", "Dr. Lee", "carisoprodol", "350", "3", "2026-11-24", "7"],
        ["B", "Ben", "40", "Dr. Lee", "carisoprodol", "350", "3", "2026-11-24", "7"],
    ]
    source = write_csv(tmp_path / "p.csv", header, rows)
    out = tmp_path / "out"
    code, _, _ = run_cli("batch", str(source), "--out", str(out), "--jobs", "1", "--made-on", "2026-11-24")
    assert code == 0
    with (out / "manifest.csv").open(encoding="utf-8") as handle:
        manifest = {row["id"]: row for row in csv.DictReader(handle)}
    assert manifest["A"]["warnings"].startswith("patient.age: 65 or older: the AGS Beers Criteria (2023)")
    assert manifest["B"]["warnings"].startswith("content: not yet approved by your clinic: ")  # the shipped drafts
    assert "patient.age" not in manifest["B"]["warnings"]
    code, _, _ = run_cli("batch", str(source), "--out", str(out), "--resume", "--jobs", "1", "--made-on", "2026-11-24")
    with (out / "manifest.csv").open(encoding="utf-8") as handle:
        resumed = {row["id"]: row for row in csv.DictReader(handle)}
    assert resumed["A"]["status"] == "skipped" and resumed["A"]["warnings"] == manifest["A"]["warnings"]


def test_web_api_returns_warnings_in_a_header() -> None:
    import json

    from generator.inputs.personalisation import read_clinic
    from generator.paths import SAMPLES, layouts_root, library_root
    from generator.web.app import WebSettings, create_app

    settings = WebSettings(library_root(), layouts_root(), read_clinic(SAMPLES / "clinic.yaml"))
    client = TestClient(create_app(settings), base_url="http://127.0.0.1:8000")
    data = _data(age=80, start=dt.date.today().isoformat())
    response = client.post("/api/handouts", json=data)
    assert response.status_code == 200
    warnings = json.loads(response.headers["X-Handout-Warnings"])
    assert [w["field"] for w in warnings] == ["patient.age", "content"]  # the shipped library is a draft
    assert warnings[0]["message"].startswith("65 or older")
