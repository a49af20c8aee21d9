"""Issue 10: the printed dose schedule equals the prescription, for every medicine topic and layout.

The schedule is read back from the finished PDF with pypdf (not the generator's own PDFium
verifier) and compared with what the test works out from the prescription by hand.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from helpers import pdf_text

from generator.errors import InputError, TooLongError
from generator.inputs.personalisation import choose_clinic, parse_personalisation
from generator.paths import SAMPLES
from generator.pipeline import HandoutRequest
from generator.prescription.dosing import make_schedule

LAYOUTS = ["standard", "a4", "large-print", "one-page", "one-sheet", "trifold", "grayscale"]
START = dt.date(2026, 11, 24)
MADE_ON = dt.date(2026, 11, 24)


def _days(n: int) -> dt.date:
    return START + dt.timedelta(days=n)


def _rx(medicine: str, dose: float, times: int, days: int, strength: float | None = None, **extra: Any) -> dict:
    rx: dict[str, Any] = {"medicine": medicine, "dose_mg": dose, "times_per_day": times, "start": START}
    rx["days_supply"] = days
    if strength is not None:
        rx["strength_mg"] = strength
    return rx | extra


def _step(day: int, dose: float, times: int, strength: float | None = None) -> dict:
    step: dict[str, Any] = {"from": _days(day), "dose_mg": dose, "times_per_day": times}
    if strength is not None:
        step["strength_mg"] = strength
    return step


# (prescription, the tablet strength of each step the leaflet must print)
CASES: dict[str, dict[str, tuple[dict, list[float]]]] = {
    "carisoprodol": {
        "no-taper": (_rx("carisoprodol", 350, 3, 7), [350]),
        "two-step-taper": (
            _rx("carisoprodol", 350, 3, 7, taper=[_step(7, 350, 2), _step(10, 350, 1)], last_day=_days(12)),
            [350, 350, 350],
        ),
        "strength-per-step": (
            _rx("carisoprodol", 350, 4, 7, 350, taper=[_step(7, 250, 3, 250), _step(10, 250, 2)], last_day=_days(13)),
            [350, 250, 250],
        ),
    },
    "cyclobenzaprine": {
        "no-taper": (_rx("cyclobenzaprine", 5, 3, 7), [5]),
        "two-step-taper": (
            _rx("cyclobenzaprine", 10, 3, 5, 5, taper=[_step(5, 5, 3), _step(8, 5, 2)], last_day=_days(10)),
            [5, 5, 5],
        ),
        "strength-per-step": (
            _rx("cyclobenzaprine", 10, 3, 5, 10, taper=[_step(5, 7.5, 3, 7.5), _step(8, 7.5, 2)], last_day=_days(10)),
            [10, 7.5, 7.5],
        ),
    },
    "methocarbamol": {
        "no-taper": (_rx("methocarbamol", 1000, 4, 5, 500), [500]),
        "two-step-taper": (
            _rx("methocarbamol", 1500, 4, 3, 750, taper=[_step(3, 1500, 3), _step(7, 750, 3)], last_day=_days(12)),
            [750, 750, 750],
        ),
        "strength-per-step": (
            _rx("methocarbamol", 1500, 4, 3, 500, taper=[_step(3, 750, 4, 750), _step(7, 750, 3)], last_day=_days(12)),
            [500, 750, 750],
        ),
    },
}

DATE = r"(?:[A-Z][a-z]+\.? \d{1,2}, \d{4})"
MOST = r"Most in one day: (\d+) tablets? \(([\d,.]+) mg\)"
ROW = re.compile(
    rf"({DATE}) ({DATE}) (\d+) tablets? of ([\d.,]+) mg each time(?: \(([\d,.]+) mg\))? "
    rf"(.+?) (?:{MOST} )?(?={DATE} {DATE} |Do not take more)"
)
USUAL_TIMES = {1: "in the morning", 2: "in the morning and in the evening"}
USUAL_TIMES |= {3: "in the morning, at midday, and in the evening"}
USUAL_TIMES |= {4: "in the morning, at midday, in the evening, and at bedtime"}
"""When the doses are taken when the prescription does not say: the topics' default_times, worded."""


def _date(text: str) -> dt.date:
    for form in ("%B %d, %Y", "%b %d, %Y"):
        try:
            return dt.datetime.strptime(text.replace(".", ""), form).date()
        except ValueError:
            continue
    raise AssertionError(f"not a date: {text}")


def printed_schedule(text: str) -> list[tuple[dt.date, dt.date, int, float, str, int | None]]:
    """(from, until, tablets, strength, when, most tablets in one day) of each row of the printed 'Your dose
    schedule' (each row of a schedule of several steps says the most in one day)."""
    heading = "Your dose schedule From Until How much When "
    assert heading in text
    rest = text.split(heading, 1)[1]
    rows = []
    while match := ROW.match(rest):
        start, end, tablets, strength, total, when, most, most_mg = match.groups()
        count, mg = int(tablets), float(strength.replace(",", ""))
        if total is not None:
            assert float(total.replace(",", "")) == count * mg  # "(1,500 mg)" adds up
        if most is not None:
            assert float(most_mg.replace(",", "")) == int(most) * mg  # "3 tablets (1,050 mg)" adds up
        rows.append((_date(start), _date(end), count, mg, when, int(most) if most else None))
        rest = rest[match.end() :]
    return rows


def expected_schedule(rx: dict, strengths: list[float]) -> list[tuple[dt.date, dt.date, int, float, str, int | None]]:
    """The schedule worked out by hand from the prescription."""
    steps = [(rx["start"], rx["dose_mg"], rx["times_per_day"])]
    steps += [(step["from"], step["dose_mg"], step["times_per_day"]) for step in rx.get("taper", [])]
    ends = [step[0] - dt.timedelta(days=1) for step in steps[1:]]
    ends.append(rx.get("last_day") or rx["start"] + dt.timedelta(days=rx["days_supply"] - 1))
    several = len(steps) > 1
    return [
        (
            start,
            end,
            int(dose / strength),
            strength,
            USUAL_TIMES[times],
            int(dose / strength) * times if several else None,
        )
        for (start, dose, times), end, strength in zip(steps, ends, strengths, strict=True)
    ]


def expected_limit(rx: dict, strengths: list[float]) -> str:
    """The sentence under the schedule, worked out by hand: the prescribed daily amount, never the label's."""
    if rx.get("taper"):
        return "Do not take more in one day than the row for that day says."
    tablets = int(rx["dose_mg"] / strengths[0]) * rx["times_per_day"]
    total = rx["dose_mg"] * rx["times_per_day"]
    return f"Do not take more than {tablets} tablet{'s' if tablets > 1 else ''} ({total:,g} mg) in one day."


def _data(rx: dict, name: str = "Maria Lopez") -> dict:
    return {"patient": {"name": name, "age": 47}, "prescriber": {"name": "Dr. Sam Lee"}, "prescription": rx}


def _build(generator, topic: str, data: dict, layout: str = "standard"):
    parsed = parse_personalisation(data, "test input")
    clinic = choose_clinic(parsed, None, None, SAMPLES / "clinic.yaml")
    request = HandoutRequest(topic, parsed, clinic, made_on=MADE_ON, layout=layout)
    return generator.build(request, "test input")


TOO_LONG_FOR_ONE_PAGE = {("carisoprodol", "two-step-taper"), ("carisoprodol", "strength-per-step")}
TOO_LONG_FOR_ONE_PAGE |= {("cyclobenzaprine", "two-step-taper"), ("cyclobenzaprine", "strength-per-step")}
"""Tapers whose times of day and daily limits do not fit one side with these topics' warnings: refused as too
long, never shrunk, naming one-sheet (both sides of one sheet), which prints them."""


def _cases() -> list:
    cases = []
    for topic, named in CASES.items():
        for case in named:
            for layout in LAYOUTS:
                if layout != "one-page" or (topic, case) not in TOO_LONG_FOR_ONE_PAGE:
                    cases.append(pytest.param(topic, case, layout, id=f"{topic}-{case}-{layout}"))
    return cases


@pytest.mark.parametrize(("topic", "case"), sorted(TOO_LONG_FOR_ONE_PAGE))
def test_one_page_refuses_a_schedule_one_side_cannot_hold(generator, topic, case) -> None:
    with pytest.raises(TooLongError, match=r"use the layout 'one-sheet'$"):
        _build(generator, topic, _data(CASES[topic][case][0]), "one-page")


@pytest.mark.parametrize(("topic", "case", "layout"), _cases())
def test_printed_schedule_equals_the_prescription(generator, topic, case, layout) -> None:
    rx, strengths = CASES[topic][case]
    handout = _build(generator, topic, _data(rx), layout)
    text = pdf_text(handout.pdf)
    assert printed_schedule(text) == expected_schedule(rx, strengths)
    assert expected_limit(rx, strengths) in text
    last = expected_schedule(rx, strengths)[-1][1]
    assert re.search(rf"Last day to take it {last:%B} {last.day}, {last.year}", text)


def test_every_topic_builds_its_sample_from_the_readme_command(run_cli, tmp_path, generator) -> None:
    for topic in generator.library.topic_names():
        output = tmp_path / f"{topic}.pdf"
        code, out, err = run_cli("build", topic, "-o", str(output))
        assert code == 0, err
        assert out.startswith(f"Wrote {output}")
        if generator.library.topic(topic).medicine:
            assert "Your dose schedule" in pdf_text(output)


def test_list_shows_each_sample(run_cli, generator) -> None:
    out = run_cli("list")[1]
    for topic in generator.library.topic_names():
        assert f"sample: {generator.library.sample_path(topic)}" in out


@pytest.mark.parametrize(
    ("topic", "rx", "field", "message"),
    [
        (
            "methocarbamol",
            _rx("methocarbamol", 1500, 4, 3),
            "prescription.strength_mg",
            "required: 1,500 mg can be made as 2 x 750 mg or 3 x 500 mg tablets; give the strength dispensed",
        ),
        (
            "cyclobenzaprine",
            _rx("cyclobenzaprine", 10, 3, 7),
            "prescription.strength_mg",
            "required: 10 mg can be made as 1 x 10 mg or 2 x 5 mg tablets; give the strength dispensed",
        ),
        (
            "carisoprodol",
            _rx("carisoprodol", 350, 3, 7, 300),
            "prescription.strength_mg",
            "300 mg is not a strength of carisoprodol (250 mg or 350 mg)",
        ),
        (
            "carisoprodol",
            _rx("carisoprodol", 350, 3, 7, taper=[_step(7, 250, 3)], last_day=_days(9)),
            "prescription.taper[0].dose_mg",
            "250 mg cannot be made from whole 350 mg tablets; give prescription.taper[0].strength_mg if another "
            "strength is dispensed",
        ),
        (
            "methocarbamol",
            _rx("methocarbamol", 1500, 4, 5, 750),
            "prescription.dose_mg",
            "6,000 mg a day is above the 4,500 mg daily limit from day 4 of the course for methocarbamol",
        ),
        (
            "carisoprodol",
            _rx("carisoprodol", 350, 3, 7, taper=[_step(7, 350, 2)]),
            "prescription.taper[0].days",
            "required: the days at this dose, or the course's last_day",
        ),
    ],
)
def test_a_prescription_the_leaflet_cannot_print_exactly_is_refused(generator, topic, rx, field, message) -> None:
    with pytest.raises(InputError) as caught:
        _build(generator, topic, _data(rx))
    assert (field, message) in caught.value.problems


def test_inferred_strength_is_printed(generator) -> None:
    text = pdf_text(_build(generator, "methocarbamol", _data(_rx("methocarbamol", 500, 4, 3))).pdf)
    when = "in the morning, at midday, in the evening, and at bedtime"
    assert f"1 tablet of 500 mg each time {when}" in text  # 750 and 1,000 mg tablets cannot make 500 mg
    text = pdf_text(_build(generator, "methocarbamol", _data(_rx("methocarbamol", 1000, 4, 3, 500))).pdf)
    assert f"2 tablets of 500 mg each time (1,000 mg) {when}" in text


def test_methocarbamol_higher_first_days_then_a_lower_dose_is_accepted(generator) -> None:
    rx = _rx("methocarbamol", 1500, 4, 3, 750, taper=[_step(3, 1500, 3)], last_day=_days(9))
    handout = _build(generator, "methocarbamol", _data(rx))
    text = pdf_text(handout.pdf)
    assert "usually 6,000 mg" not in text and "8,000" not in text  # no generic label doses for every patient
    assert "Take only the dose on this leaflet." in text


@pytest.mark.parametrize(
    ("topic", "rx", "limit"),
    [
        ("carisoprodol", _rx("carisoprodol", 250, 3, 7), "3 tablets (750 mg)"),  # the label allows 4: not told
        ("carisoprodol", _rx("carisoprodol", 350, 4, 7), "4 tablets (1,400 mg)"),
        ("cyclobenzaprine", _rx("cyclobenzaprine", 5, 3, 7), "3 tablets (15 mg)"),  # the label allows 30 mg
        ("cyclobenzaprine", _rx("cyclobenzaprine", 7.5, 2, 7), "2 tablets (15 mg)"),
        ("methocarbamol", _rx("methocarbamol", 1500, 4, 3, 750), "8 tablets (6,000 mg)"),
    ],
)
def test_the_daily_limit_is_the_prescribed_daily_amount_never_the_labels(generator, topic, rx, limit) -> None:
    for language, said in (("en", f"Do not take more than {limit} in one day."), ("es", None)):
        data = _data(rx) | {"patient": {"name": "Maria Lopez", "age": 47, "language": language}}
        text = pdf_text(_build(generator, topic, data).pdf)
        if said is None:  # Spanish: thousands without a separator, so 1,500 is never read as 1.5
            tablets, mg = limit.replace(",", "").replace("tablets", "tabletas").split(" (")
            said = f"No tome más de {tablets} ({mg} en un día."
        # PEMAT item 6: the patient is told whose limit it is (the prescription's), so no label number confuses
        whose = {"en": "This limit is from your prescription.", "es": "Este límite es el de su receta."}[language]
        assert f"{said} {whose}" in text
        assert "Never take more than" not in text and "Nunca tome más de" not in text


def test_without_a_taper_no_plan_to_lower_the_dose(generator) -> None:
    text = pdf_text(_build(generator, "carisoprodol", _data(_rx("carisoprodol", 350, 3, 7))).pdf)
    assert "Follow the plan" not in text and "follow Your dose schedule" not in text
    assert "Take your last dose on November 30, 2026. You can usually stop then." in text
    assert "do not stop suddenly without asking your prescriber" in text


def test_with_a_taper_full_dose_until_then_the_schedule(generator) -> None:
    rx, _ = CASES["carisoprodol"]["two-step-taper"]
    text = pdf_text(_build(generator, "carisoprodol", _data(rx)).pdf)
    assert "Take this full dose until November 30, 2026. Then follow Your dose schedule to lower your dose." in text
    assert "Take your last dose on December 6, 2026." in text
    assert "Stop by" not in text


def test_clinic_course_limit_from_the_config(run_cli, tmp_path, write_yaml) -> None:
    config = write_yaml(
        "clinic.yaml", {"clinic": {"name": "C", "phone": "555"}, "policy": {"max_days": {"methocarbamol": 7}}}
    )
    patient = write_yaml("p.yaml", _data(_rx("methocarbamol", 1000, 4, 10, 500)))
    code, _, err = run_cli(
        "build", "methocarbamol", "--patient", str(patient), "--config", str(config), "-o", str(tmp_path / "o.pdf")
    )
    assert code == 2
    assert "prescription.days_supply: 10 days is above the 7-day limit set by the clinic for methocarbamol" in err


@pytest.mark.parametrize("last_day", [_days(366), dt.date(2100, 12, 31)])
def test_a_course_longer_than_366_days_taper_included_is_refused_before_layout(generator, last_day) -> None:
    """Refused as input, before anything is laid out (a 2100 last day once took a minute of layout, then
    'content needs 971 pages')."""
    rx = _rx("methocarbamol", 1500, 4, 3, 750, taper=[_step(3, 750, 4)], last_day=last_day)
    days = (last_day - START).days + 1
    with pytest.raises(InputError) as caught:
        _build(generator, "methocarbamol", _data(rx))
    assert caught.value.problems == (
        ("prescription.last_day", f"the course would last {days} days; a leaflet covers at most 366"),
    )


def test_a_course_of_366_days_taper_included_is_a_schedule(generator) -> None:
    rx = _rx("methocarbamol", 1500, 4, 3, 750, taper=[_step(3, 750, 4)], last_day=_days(365))
    parsed = parse_personalisation(_data(rx), "test input")
    schedule = make_schedule(parsed.prescription, generator.library.topic("methocarbamol"), "test input")
    assert (schedule.last_day - schedule.start).days + 1 == 366
