"""Several medicines for one patient make one leaflet: what to take when on page 1, then each medicine.

Read back from the PDF (pypdf) and checked with `handout verify`, which finds the topics in the PDF's
keywords or takes them from the patient file.
"""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path
from typing import Any

import pytest
from helpers import pdf_pages_text, pdf_text
from pypdf import PdfReader
from test_verify import _removed, tamper

from generator.errors import InputError
from generator.inputs.personalisation import parse_personalisation

START = "2026-11-24"
METHOCARBAMOL = {"medicine": "methocarbamol", "dose_mg": 750, "strength_mg": 750, "times_per_day": 3}
METHOCARBAMOL |= {"start": START, "days_supply": 7, "refills": 0}
CYCLOBENZAPRINE = {"medicine": "cyclobenzaprine", "dose_mg": 5, "strength_mg": 5, "times_per_day": 1}
CYCLOBENZAPRINE |= {"times": ["bedtime"], "start": START, "days_supply": 7}


def _data(*prescriptions: dict[str, Any], language: str = "en") -> dict[str, Any]:
    patient = {"name": "Maria Lopez", "age": 47, "language": language}
    return {
        "patient": patient,
        "prescriber": {"name": "Dr. Sam Lee", "phone": "555-0100"},
        "prescriptions": copy.deepcopy(list(prescriptions)),  # no object twice: YAML would write an alias
    }


def _build(run_cli, write_yaml, tmp_path, data: dict[str, Any], *extra: str) -> tuple[int, str, Any]:
    patient = write_yaml("patient.yaml", data)
    out = tmp_path / "medicines.pdf"
    code, _, err = run_cli("build", "--patient", str(patient), "--made-on", "2026-11-24", "-o", str(out), *extra)
    return code, err, out


def test_two_medicines_make_one_leaflet(run_cli, write_yaml, tmp_path) -> None:
    code, err, out = _build(run_cli, write_yaml, tmp_path, _data(METHOCARBAMOL, CYCLOBENZAPRINE))
    assert code == 0, err
    text = pdf_text(out)
    assert (
        "Your medicines Methocarbamol (Robaxin) and Cyclobenzaprine (Flexeril) "
        "Take methocarbamol only as prescribed. Never drink alcohol with it. "  # each medicine's main message
        "Take cyclobenzaprine only as prescribed, for 2 or 3 weeks at most. Never drink alcohol with it. "
        "This leaflet is not yet approved by your clinic. Prepared for" in text
    )
    assert "Prepared for Maria Lopez Prescribed by Dr. Sam Lee, 555-0100" in text
    assert "When to take it each day" not in text  # a dose-time strip is one medicine's: none here
    by_time = [
        "What to take, and when From Until When Medicine How much",
        "Nov 24, 2026 Nov 30, 2026 In the morning Methocarbamol (Robaxin) 1 tablet of 750 mg each time",
        "Nov 24, 2026 Nov 30, 2026 At midday Methocarbamol (Robaxin) 1 tablet of 750 mg each time",
        "Nov 24, 2026 Nov 30, 2026 In the evening Methocarbamol (Robaxin) 1 tablet of 750 mg each time",
        "Nov 24, 2026 Nov 30, 2026 At bedtime Cyclobenzaprine (Flexeril) 1 tablet of 5 mg each time",
    ]
    assert " ".join(by_time) in text
    first_page = pdf_pages_text(out)[0]
    assert "At bedtime" in first_page  # what to take when is on page 1
    methocarbamol = (
        "Methocarbamol (Robaxin) Start on November 24, 2026 Last day to take it November 30, 2026 Refills None"
    )
    assert methocarbamol in text
    assert "1 tablet of 750 mg each time in the morning, at midday, and in the evening" in text
    assert "Do not take more than 3 tablets (2,250 mg) in one day." in text
    assert "Cyclobenzaprine (Flexeril) Start on November 24, 2026 Last day to take it November 30, 2026" in text
    assert "Do not take more than 1 tablet (5 mg) in one day." in text
    assert (
        text.index(methocarbamol)
        < text.index("What is methocarbamol?")
        < text.index("Cyclobenzaprine (Flexeril) Start")
    )
    assert text.count("When should I get help?") == 1  # a section both topics share, once
    assert "Your dose calendar: Methocarbamol (Robaxin)" in text and "Your dose calendar: Cyclobenzaprine" in text
    assert "Warning:" in err and "prescriptions: check with the prescriber: two medicines that slow the brain" in err
    assert "two muscle relaxants are prescribed together" in err
    keywords = PdfReader(out).metadata["/Keywords"]
    assert keywords.startswith("Topics: methocarbamol, cyclobenzaprine. Content version")


def test_verify_reads_the_topics_from_the_pdf_and_checks_every_medicine(run_cli, write_yaml, tmp_path) -> None:
    data = _data(METHOCARBAMOL, CYCLOBENZAPRINE)
    code, err, out = _build(run_cli, write_yaml, tmp_path, data)
    assert code == 0, err
    code, output, _ = run_cli("verify", str(out))
    assert code == 0 and "required warnings of 'methocarbamol', 'cyclobenzaprine' (en) visible" in output
    patient = tmp_path / "patient.yaml"
    code, output, _ = run_cli("verify", str(out), "--patient", str(patient))
    first = output.splitlines()[0]  # the content chain follows it
    assert code == 0 and first.endswith("the patient, prescriber and dose schedules match (9 pages)"), output
    code, output, _ = run_cli("verify", str(out), "--topic", "methocarbamol", "--topic", "cyclobenzaprine")
    assert code == 0, output
    bad = tamper(out, tmp_path / "bad.pdf", "at bedtime", _removed)  # the second medicine's time of day
    code, output, _ = run_cli("verify", str(bad), "--patient", str(patient))
    assert code == 6 and "of cyclobenzaprine row 1 of 1: missing" in output, output
    code, _, err = run_cli("verify", str(out), "--patient", str(patient), "--layout", "one-page")
    assert code == 2 and "--layout: layout 'one-page' holds one medicine; this patient file has several" in err
    code, _, err = run_cli("verify", str(out), "--patient", str(patient), "--topic", "methocarbamol")
    assert code == 2 and "--topic: one topic for a patient file of one prescription or none; none for several" in err
    no_prescription = write_yaml("q.yaml", {k: v for k, v in data.items() if k != "prescriptions"})
    code, _, err = run_cli("verify", str(out), "--patient", str(no_prescription))
    assert code == 2 and "q.yaml: prescriptions: the PDF is for several medicines; the patient file has none" in err


def test_several_medicines_in_spanish(run_cli, write_yaml, tmp_path) -> None:
    code, err, out = _build(run_cli, write_yaml, tmp_path, _data(METHOCARBAMOL, CYCLOBENZAPRINE, language="es"))
    assert code == 0, err
    text = pdf_text(out)
    assert "Sus medicamentos" in text and "Qué tomar y cuándo Desde Hasta Cuándo Medicamento Cuánto" in text
    assert "24 nov 2026 30 nov 2026 Al acostarse Ciclobenzaprina (Flexeril) 1 tableta de 5 mg cada vez" in text
    assert "No tome más de 3 tabletas (2250 mg) en un día." in text


def test_each_medicine_has_its_own_page_limit(run_cli, write_yaml, tmp_path) -> None:
    carisoprodol = {"medicine": "carisoprodol", "dose_mg": 350, "times_per_day": 3, "start": START, "days_supply": 14}
    code, err, out = _build(run_cli, write_yaml, tmp_path, _data(carisoprodol, METHOCARBAMOL, CYCLOBENZAPRINE))
    assert code == 0, err
    assert 5 < len(PdfReader(out).pages) <= 3 * 5  # more than one medicine's 5, within three medicines' 15


@pytest.mark.parametrize("layout", ["one-page", "trifold"])
def test_one_sided_layouts_refuse_several_medicines(run_cli, write_yaml, tmp_path, layout) -> None:
    code, err, out = _build(run_cli, write_yaml, tmp_path, _data(METHOCARBAMOL, CYCLOBENZAPRINE), "--layout", layout)
    assert code == 2 and err.count("\n") == 1
    assert f"layout: layout '{layout}' holds one medicine; choose a layout of several pages (e.g. standard)" in err
    assert not out.exists()


def test_several_medicines_take_no_topic(run_cli, write_yaml, tmp_path) -> None:
    code, err, _ = _build(run_cli, write_yaml, tmp_path, _data(METHOCARBAMOL, CYCLOBENZAPRINE))
    assert code == 0, err
    patient = tmp_path / "patient.yaml"
    code, _, err = run_cli("build", "methocarbamol", "--patient", str(patient), "-o", str(tmp_path / "x.pdf"))
    assert code == 2 and "topic: not with several prescriptions" in err


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            _data(METHOCARBAMOL, CYCLOBENZAPRINE) | {"prescription": dict(METHOCARBAMOL)},
            "prescriptions: give prescription (one medicine) or prescriptions (several), not both",
        ),
        (_data(METHOCARBAMOL), "prescriptions: a list of two or more; give one medicine as prescription"),
        (
            _data(METHOCARBAMOL, METHOCARBAMOL | {"dose_mg": 1500}),
            "prescriptions[1].medicine: the same medicine as prescriptions[0]: give it once",
        ),
        (
            _data(METHOCARBAMOL, CYCLOBENZAPRINE | {"medicine": "aspirin"}),
            "prescriptions[1].medicine: no topic is about this medicine",
        ),
        (
            _data(METHOCARBAMOL | {"dose_mg": 3000, "strength_mg": 750}, CYCLOBENZAPRINE | {"times_per_day": 4}),
            "prescriptions[0].dose_mg: 3,000 mg a dose is above the 1,500 mg limit for methocarbamol; "
            "prescriptions[1].times_per_day: 4 doses a day is above the limit of 3 a day for cyclobenzaprine",
        ),
    ],
)
def test_problems_name_the_prescription_they_are_in(run_cli, write_yaml, tmp_path, data, message) -> None:
    code, err, out = _build(run_cli, write_yaml, tmp_path, data)
    assert code == 2 and message in err and err.count("\n") == 1, err
    assert "Maria" not in err and not out.exists()


def _manifest(out: Path) -> list[dict[str, str]]:
    with (out / "manifest.csv").open(newline="", encoding="utf-8") as manifest:
        return list(csv.DictReader(manifest))


def test_json_and_json_lines_carry_several_medicines(run_cli, tmp_path) -> None:
    data = json.loads(json.dumps(_data(METHOCARBAMOL, CYCLOBENZAPRINE), default=str))
    assert len(parse_personalisation(data, "p.json").orders) == 2
    rows = tmp_path / "p.jsonl"
    rows.write_text(
        json.dumps(data | {"id": "M1"}) + "\n" + json.dumps({**data, "id": "M2", "prescriptions": []}) + "\n"
    )
    code, _, _ = run_cli("batch", str(rows), "--out", str(tmp_path / "out"), "--made-on", "2026-11-24")
    assert code == 1  # the second row fails
    first = _manifest(tmp_path / "out")
    assert {row["id"]: row["status"] for row in first} == {"M1": "made", "M2": "failed"}
    assert "Your medicines" in pdf_text(tmp_path / "out" / "M1.pdf")
    made = (tmp_path / "out" / "M1.pdf").stat().st_mtime_ns
    code, _, _ = run_cli("batch", str(rows), "--out", str(tmp_path / "out"), "--made-on", "2026-11-24", "--resume")
    resumed = _manifest(tmp_path / "out")
    assert code == 1 and resumed[0]["status"] == "skipped" and (tmp_path / "out" / "M1.pdf").stat().st_mtime_ns == made
    warning = "two medicines that slow the brain"
    assert warning in first[0]["warnings"] and warning in resumed[0]["warnings"]  # checked again on resume
    with pytest.raises(InputError):
        parse_personalisation(data | {"prescriptions": [METHOCARBAMOL] * 7}, "p.json")  # at most six


@pytest.mark.parametrize("layout", ["a4", "large-print", "grayscale"])
def test_several_medicines_in_every_layout_that_holds_them(run_cli, write_yaml, tmp_path, layout) -> None:
    code, err, out = _build(run_cli, write_yaml, tmp_path, _data(METHOCARBAMOL, CYCLOBENZAPRINE), "--layout", layout)
    assert code == 0, err  # verified as it was made
    text = pdf_text(out)
    assert "Your medicines" in text and "At bedtime Cyclobenzaprine (Flexeril) 1 tablet of 5 mg each time" in text
    code, output, _ = run_cli("verify", str(out), "--patient", str(tmp_path / "patient.yaml"), "--layout", layout)
    assert code == 0, output


def test_each_medicine_is_listed_from_the_day_it_starts(run_cli, write_yaml, tmp_path) -> None:
    """Page 1 must not tell the patient to take a medicine that starts a week later on day one."""
    later = CYCLOBENZAPRINE | {"start": "2026-12-01", "as_needed": True, "as_needed_for": "muscle-spasm"}
    code, err, out = _build(run_cli, write_yaml, tmp_path, _data(METHOCARBAMOL, later))
    assert code == 0, err
    text = pdf_text(out)
    row = "Dec 1, 2026 Dec 7, 2026 At bedtime, only when you need it for muscle spasm Cyclobenzaprine (Flexeril) 1"
    assert row in text
    assert "Nov 24, 2026 Nov 30, 2026 In the morning Methocarbamol (Robaxin)" in text
    assert text.index("Nov 30, 2026 In the evening Methocarbamol") < text.index(row)  # in the order of the days


def test_each_step_of_a_taper_has_its_rows_on_page_one(run_cli, write_yaml, tmp_path) -> None:
    """Page 1 must not show a taper's first dose as if it went on: each step's rows, with its own dates."""
    step = {"from": "2026-11-27", "dose_mg": 750, "times_per_day": 2}
    taper = METHOCARBAMOL | {"dose_mg": 1500, "days_supply": 3, "taper": [step], "last_day": "2026-11-30"}
    code, err, out = _build(run_cli, write_yaml, tmp_path, _data(taper, CYCLOBENZAPRINE))
    assert code == 0, err
    first_page = " ".join(pdf_pages_text(out)[0].split())
    rows = [
        "Nov 24, 2026 Nov 26, 2026 In the morning Methocarbamol (Robaxin) 2 tablets of 750 mg each time (1,500 mg)",
        "Nov 24, 2026 Nov 26, 2026 At midday Methocarbamol (Robaxin) 2 tablets of 750 mg each time (1,500 mg)",
        "Nov 24, 2026 Nov 26, 2026 In the evening Methocarbamol (Robaxin) 2 tablets of 750 mg each time (1,500 mg)",
        "Nov 24, 2026 Nov 30, 2026 At bedtime Cyclobenzaprine (Flexeril) 1 tablet of 5 mg each time",
        "Nov 27, 2026 Nov 30, 2026 In the morning Methocarbamol (Robaxin) 1 tablet of 750 mg each time",
        "Nov 27, 2026 Nov 30, 2026 In the evening Methocarbamol (Robaxin) 1 tablet of 750 mg each time",
    ]
    assert " ".join(rows) in first_page
