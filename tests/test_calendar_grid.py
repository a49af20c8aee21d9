"""Issue 26: a long course's dose calendar is a month grid (a week a row), so a month fits the page limits, and the
verifier still reads back each day's date and amount."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from helpers import pdf_pages_text, pdf_text

from generator.verify.text import normalise

START = dt.date(2026, 11, 24)
MONTH = {
    "patient": {"name": "Maria Lopez", "language": "es", "age": 47},
    "prescriber": {"name": "Dr. Sam Lee", "phone": "555-0100"},
    "prescription": {
        "medicine": "methocarbamol",
        "dose_mg": 1500,
        "strength_mg": 750,
        "times_per_day": 4,
        "start": START,
        "days_supply": 3,
        "taper": [{"from": START + dt.timedelta(days=3), "dose_mg": 750, "times_per_day": 4}],
        "last_day": START + dt.timedelta(days=29),
    },
}
"""30 days of methocarbamol in Spanish: 1,500 mg four times a day for 3 days, then 750 mg (the review's case)."""
WEEKDAYS_ES = ["lun", "mar", "mié", "jue", "vie", "sáb", "dom"]
MONTHS_ES = {11: "nov", 12: "dic"}
EHR = Path(__file__).parent / "fhir" / "ehr"


def _month_days() -> list[str]:
    """Each day of the course as the calendar must say it, worked out by hand: 'mar, 24 de nov' then its amount."""
    days = []
    for offset in range(30):
        day = START + dt.timedelta(days=offset)
        amount = "2 tabletas de 750 mg (1500 mg)" if offset < 3 else "1 tableta de 750 mg"
        days.append(f"{WEEKDAYS_ES[day.weekday()]}, {day.day} de {MONTHS_ES[day.month]} {amount}")
    return days


@pytest.mark.parametrize("layout", ["standard", "grayscale", "large-print"])
def test_a_month_of_methocarbamol_in_spanish_fits_its_layout_day_by_day(make, generator, layout) -> None:
    handout = make(MONTH, layout=layout, topic="methocarbamol")
    pages = pdf_pages_text(handout.pdf)
    assert len(pages) <= generator.layout(layout).max_pages
    first = next(index for index, page in enumerate(pages) if "Su calendario de dosis" in page)
    calendar = normalise(" ".join(pages[first:]))
    assert normalise("dom lun mar mié jue vie sáb") in calendar  # a week a row, Sunday first (es_US)
    position = 0
    for day in _month_days():  # every day, in order, its date then its amount
        found = calendar.find(normalise(day), position)
        assert found >= 0, day
        position = found
    assert "Por la mañana, Al mediodía, Por la noche y Al acostarse" in " ".join(" ".join(pages).split())


def test_three_weeks_keep_a_row_a_day(make, topic_sample) -> None:
    three_weeks = MONTH["prescription"] | {"last_day": START + dt.timedelta(days=20)}
    data = topic_sample("methocarbamol") | {"prescription": three_weeks}
    text = pdf_text(make(data, topic="methocarbamol").pdf)
    assert "Day How much each time Morning" in text and "Sun Mon Tue" not in text


def test_the_verifier_reads_each_day_of_the_grid(run_cli, write_yaml, tmp_path) -> None:
    """A month-grid leaflet passes for its own prescription and fails, naming the day, for another."""
    output = tmp_path / "month.pdf"
    patient = write_yaml("month.yaml", MONTH)
    code, _, err = run_cli("build", "--patient", str(patient), "--made-on", "2026-11-24", "-o", str(output))
    assert code == 0, err
    code, out, err = run_cli("verify", str(output), "--topic", "methocarbamol", "--patient", str(patient))
    assert code == 0, out + err
    later = json.loads(json.dumps(MONTH, default=str))
    later["prescription"] |= {"days_supply": 2, "taper": [{"from": str(START + dt.timedelta(days=2)), "dose_mg": 750}]}
    later["prescription"]["taper"][0]["times_per_day"] = 4  # one day less at the full dose
    code, out, err = run_cli(
        "verify",
        str(output),
        "--topic",
        "methocarbamol",
        "--layout",
        "standard",
        "--patient",
        str(write_yaml("other.yaml", later)),
    )
    assert code == 6, err
    assert "dose calendar day 3 of 30: missing" in out


@pytest.mark.parametrize("name", ["uscore-coded.json", "uscore-contained.json", "uscore-referenced.json"])
def test_us_core_30_day_orders_fit_the_standard_layout(run_cli, tmp_path, name) -> None:
    output = tmp_path / "out.pdf"
    code, _, err = run_cli("build", "--fhir", str(EHR / name), "--made-on", "2026-12-06", "-o", str(output))
    assert code == 0, err
    pages = pdf_pages_text(output)
    assert len(pages) <= 5
    assert "dom lun mar mié jue vie sáb" in " ".join(pages[-1].split())
    assert "5 de abril de 2008" in pdf_text(output) and "4 de mayo de 2008" in pdf_text(output)
