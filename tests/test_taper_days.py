"""A taper step given by its days at that dose (`taper[].days`) beside, or instead of, its first day (`from`):
in a patient file, a CSV cell and the API; given both, they must agree."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from fastapi.testclient import TestClient
from helpers import INPUT, pdf_text
from hypothesis import given
from hypothesis import strategies as st

from generator.batch.rows import parse_taper
from generator.errors import InputError
from generator.inputs.personalisation import Prescription, read_clinic
from generator.paths import SAMPLES, layouts_root, library_root
from generator.prescription.dosing import make_schedule
from generator.web.app import WebSettings, create_app

START = dt.date(2026, 12, 1)


def _prescription(taper: list[dict], last_day: str | None = None) -> dict:
    """Methocarbamol 1,500 mg four times a day for 3 days (Dec 1 to 3), then `taper`."""
    rx = {"medicine": "methocarbamol", "strength_mg": 750, "dose_mg": 1500, "times_per_day": 4}
    rx |= {"start": START.isoformat(), "days_supply": 3, "taper": taper}
    return rx | ({"last_day": last_day} if last_day else {})


def _steps(generator, rx: dict) -> list[tuple[dt.date, dt.date]]:
    schedule = make_schedule(Prescription.model_validate(rx), generator.library.topic("methocarbamol"), "x")
    return [(step.start, step.end) for step in schedule.steps]


def _problems(generator, rx: dict) -> tuple[tuple[str, str], ...]:
    with pytest.raises(InputError) as caught:
        _steps(generator, rx)
    return caught.value.problems


def _step(dose: int, times: int, **when: object) -> dict:
    return {"dose_mg": dose, "times_per_day": times, **when}


def test_days_alone_work_out_each_step_and_the_last_day(generator) -> None:
    rx = _prescription([_step(1500, 2, days=2), _step(750, 2, days=5)])
    day = lambda n: START + dt.timedelta(days=n - 1)  # noqa: E731
    assert _steps(generator, rx) == [(day(1), day(3)), (day(4), day(5)), (day(6), day(10))]


def test_from_and_days_that_agree_give_the_same_schedule(generator) -> None:
    by_days = _prescription([_step(1500, 2, days=2), _step(750, 2, days=5)])
    both = _prescription(
        [_step(1500, 2, days=2, **{"from": "2026-12-04"}), _step(750, 2, days=5, **{"from": "2026-12-06"})],
        last_day="2026-12-10",
    )
    by_dates = _prescription([_step(1500, 2, **{"from": "2026-12-04"}), _step(750, 2, **{"from": "2026-12-06"})])
    by_dates["last_day"] = "2026-12-10"
    assert _steps(generator, by_days) == _steps(generator, both) == _steps(generator, by_dates)


def test_days_and_a_from_or_last_day_that_disagree_are_refused_together(generator) -> None:
    rx = _prescription(
        [_step(1500, 2, days=3, **{"from": "2026-12-04"}), _step(750, 2, days=5, **{"from": "2026-12-06"})],
        last_day="2026-12-11",  # the 12/13-for-12/12 slip: one day more than the days say
    )
    assert _problems(generator, rx) == (
        (
            "prescription.taper[0].days",
            "3 days end on 2026-12-06, but the next step starts 2026-12-06: they must agree",
        ),
        ("prescription.last_day", "must be 2026-12-10, the last of the last step's 5 days"),
    )


def test_a_step_without_days_needs_the_next_step_from_or_the_last_day(generator) -> None:
    rx = _prescription([_step(1500, 2, **{"from": "2026-12-04"}), _step(750, 2, days=2)], last_day="2026-12-09")
    assert _problems(generator, rx) == (
        ("prescription.taper[0].days", "required: the days at this dose, or the next step's from"),
    )
    rx = _prescription([_step(1500, 2, days=2), _step(750, 2, **{"from": "2026-12-06"})])
    assert _problems(generator, rx) == (
        ("prescription.taper[1].days", "required: the days at this dose, or the course's last_day"),
    )


def test_the_api_takes_days_and_names_a_disagreeing_last_day() -> None:
    settings = WebSettings(library_root(), layouts_root(), read_clinic(SAMPLES / "clinic.yaml"))
    client = TestClient(create_app(settings), base_url="http://127.0.0.1:8000")
    body = copy.deepcopy(INPUT)
    body["prescription"] = _prescription([_step(1500, 2, days=2), _step(750, 2, days=5)])
    made = client.post("/api/handouts", json=body)
    assert made.status_code == 200, made.text
    assert "Dec 10, 2026" in pdf_text(made.content)  # the last day worked out from the days
    body["prescription"]["last_day"] = "2026-12-11"
    refused = client.post("/api/handouts", json=body)
    assert refused.status_code == 422
    assert refused.json()["errors"] == [
        {"field": "prescription.last_day", "message": "must be 2026-12-10, the last of the last step's 5 days"}
    ]


@given(
    start=st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)) | st.none(),
    days=st.integers(1, 366) | st.none(),
    dose=st.integers(1, 5000),
    times=st.integers(1, 9),
    space=st.sampled_from(["", " ", "  "]),
)
def test_a_csv_step_gives_its_first_day_its_days_or_both(start, days, dose, times, space) -> None:
    when = "/".join(part for part in (start and start.isoformat(), days and f"{days}d") if part)
    if not when:
        with pytest.raises(ValueError, match="expected steps like 2026-12-08:350:2 or 5d:350:2"):
            parse_taper(f"{space}:{dose}:{times}")
        return
    [step] = parse_taper(f"{space}{when}{space}:{space}{dose}:{times}{space};")
    expected = {"from": start and start.isoformat(), "days": days and str(days)}
    assert step == {k: v for k, v in expected.items() if v} | {"dose_mg": str(dose), "times_per_day": str(times)}


@pytest.mark.parametrize("cell", ["5:350:1", "5 days:350:1", "2026-12-08/5:350:1", "/5d:350:1", "d:350:1"])
def test_a_csv_step_in_another_form_is_refused(cell) -> None:
    with pytest.raises(ValueError, match=r"\(step 1 is not\)"):
        parse_taper(cell)
