"""Real prescriptions, told exactly: times of day, intervals, as needed, refills, and every label limit.

Each leaflet is read back from the PDF (pypdf) and compared with what the prescription says, worked out
by hand here; `handout verify --patient` passes it, and fails a copy whose time words or daily limit were
taken off the page.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from helpers import pdf_text, write_csv
from hypothesis import given
from hypothesis import strategies as st
from test_verify import _removed, tamper

from generator.errors import InputError
from generator.inputs.personalisation import choose_clinic, parse_personalisation
from generator.paths import SAMPLES
from generator.pipeline import HandoutRequest

START = dt.date(2026, 11, 24)
MADE_ON = START


def _data(rx: dict[str, Any], language: str = "en", age: int = 47) -> dict[str, Any]:
    patient = {"name": "Maria Lopez", "age": age, "language": language}
    return {"patient": patient, "prescriber": {"name": "Dr. Sam Lee", "phone": "555-0100"}, "prescription": rx}


def _rx(medicine: str, dose: float, per_day: int, days: int = 7, **extra: Any) -> dict[str, Any]:
    return {
        "medicine": medicine,
        "dose_mg": dose,
        "times_per_day": per_day,
        "start": START,
        "days_supply": days,
    } | extra


def _build(generator, data: dict[str, Any], layout: str = "standard", topic: str | None = None):
    parsed = parse_personalisation(data, "test input")
    clinic = choose_clinic(parsed, None, None, SAMPLES / "clinic.yaml")
    name = topic or parsed.prescription.medicine
    return generator.build(HandoutRequest(name, parsed, clinic, made_on=MADE_ON, layout=layout), "test input")


def _text(generator, data: dict[str, Any], layout: str = "standard") -> str:
    return pdf_text(_build(generator, data, layout).pdf)


# --- times of day -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", ["standard", "large-print", "one-page", "trifold"])
def test_given_times_of_day_are_printed_in_the_order_of_the_day(generator, layout) -> None:
    rx = _rx("carisoprodol", 350, 2, times=["bedtime", "with-breakfast"])
    text = _text(generator, _data(rx), layout)
    assert "1 tablet of 350 mg each time with breakfast and at bedtime" in text
    assert "Do not take more than 2 tablets (700 mg) in one day." in text
    if "how-to-take" not in generator.layout(layout).may_drop:
        assert "Take 1 tablet of 350 mg each time by mouth with breakfast and at bedtime" in text
    if generator.layout(layout).calendar:  # a box under each time of day a dose is due
        assert "Day How much each time Morning Bedtime" in text


def test_the_usual_times_follow_the_topic_and_the_doses_a_day(generator) -> None:
    text = _text(generator, _data(_rx("carisoprodol", 350, 4)))
    assert "each time in the morning, at midday, in the evening, and at bedtime" in text  # the label: and at bedtime
    assert "Day How much each time Morning Midday Evening Bedtime" in text


def test_spanish_decimals_take_a_point(generator) -> None:
    text = _text(generator, _data(_rx("cyclobenzaprine", 7.5, 2, strength_mg=7.5), "es"))
    assert "1 tableta de 7.5 mg cada vez por la mañana y por la noche" in text
    assert "No tome más de 2 tabletas (15 mg) en un día." in text and "7,5" not in text


def test_times_of_day_in_spanish(generator) -> None:
    text = _text(generator, _data(_rx("carisoprodol", 350, 2, times=["morning", "bedtime"]), "es"))
    assert "1 tableta de 350 mg cada vez por la mañana y al acostarse" in text
    assert "No tome más de 2 tabletas (700 mg) en un día." in text
    assert "Día Cuánto cada vez Por la mañana Al acostarse" in text


def test_a_csv_row_gives_times_as_a_list(run_cli, tmp_path) -> None:
    header = ["id", "patient.name", "prescriber.name", "prescription.medicine", "prescription.dose_mg"]
    header += ["prescription.times_per_day", "prescription.times", "prescription.start", "prescription.days_supply"]
    row = ["T1", "Maria Lopez", "Dr. Sam Lee", "carisoprodol", "350", "2", "morning;bedtime", "2026-11-24", "7"]
    source = write_csv(tmp_path / "p.csv", header, [row])
    code, _, _ = run_cli("batch", str(source), "--out", str(tmp_path / "out"), "--made-on", "2026-11-24")
    assert code == 0
    assert "1 tablet of 350 mg each time in the morning and at bedtime" in pdf_text(tmp_path / "out" / "T1.pdf")


# --- every so many hours, and as needed ------------------------------------------------------------------


@given(word=st.sampled_from(["true", "false"]), capitals=st.lists(st.booleans(), min_size=5, max_size=5))
def test_as_needed_is_true_or_false_in_any_case_as_spreadsheets_write_it(word, capitals) -> None:
    text = "".join(letter.upper() if capital else letter for letter, capital in zip(word, capitals, strict=False))
    rx = parse_personalisation(_data(_rx("cyclobenzaprine", 5, 2, as_needed=text)), "p.csv").prescription
    assert rx is not None and rx.as_needed is (word == "true")


@given(
    st.one_of(st.text(max_size=8), st.integers(), st.none()).filter(lambda v: str(v).lower() not in ("true", "false"))
)
def test_as_needed_refuses_anything_else(value) -> None:
    with pytest.raises(InputError) as caught:
        parse_personalisation(_data(_rx("cyclobenzaprine", 5, 2, as_needed=value)), "p.csv")
    assert "prescription.as_needed: expected true or false" in str(caught.value)


@pytest.mark.parametrize("layout", ["standard", "one-page", "trifold", "large-print"])
def test_every_so_many_hours(generator, layout) -> None:
    rx = _rx("methocarbamol", 750, 6, 5, strength_mg=750, every_hours=4)
    text = _text(generator, _data(rx), layout)
    assert "1 tablet of 750 mg each time every 4 hours, up to 6 times a day" in text
    assert "Do not take more than 6 tablets (4,500 mg) in one day." in text
    if generator.layout(layout).calendar:
        assert "Day How much each time Tick each dose you take" in text
    spanish = _text(generator, _data(rx, "es"), layout)
    assert "1 tableta de 750 mg cada vez cada 4 horas, hasta 6 veces al día" in spanish
    assert "No tome más de 6 tabletas (4500 mg) en un día." in spanish


@pytest.mark.parametrize("layout", ["standard", "one-page", "trifold", "large-print"])
def test_as_needed_with_a_reason_and_an_interval(generator, layout) -> None:
    rx = _rx("cyclobenzaprine", 10, 3, 10, strength_mg=10, as_needed=True, as_needed_for="muscle-spasm", every_hours=4)
    text = _text(generator, _data(rx), layout)
    when = "only when you need it for muscle spasm, up to 3 times a day, at least 4 hours apart"
    assert f"1 tablet of 10 mg each time {when}" in text
    if "how-to-take" not in generator.layout(layout).may_drop:
        assert f"Take 1 tablet of 10 mg each time by mouth {when}" in text
    assert "Do not take more than 3 tablets (30 mg) in one day." in text
    if layout == "one-page":  # the Spanish one-page of cyclobenzaprine is full with its sample's shorter words
        return
    spanish = _text(generator, _data(rx, "es"), layout)
    assert "solo cuando lo necesite para espasmos musculares, hasta 3 veces al día, con al menos 4 horas" in spanish
    assert "No tome más de 3 tabletas (30 mg) en un día." in spanish


def test_as_needed_at_a_time_of_day(generator) -> None:
    """ "Cyclobenzaprine 10 mg at bedtime as needed for muscle spasm", an order clinics write often."""
    rx = _rx("cyclobenzaprine", 10, 1, strength_mg=10, times=["bedtime"], as_needed=True, as_needed_for="muscle-spasm")
    text = _text(generator, _data(rx))
    assert "1 tablet of 10 mg each time at bedtime, only when you need it for muscle spasm" in text
    assert "Do not take more than 1 tablet (10 mg) in one day." in text
    assert "Day How much each time Bedtime" in text
    spanish = _text(generator, _data(rx, "es"))
    assert "1 tableta de 10 mg cada vez al acostarse, solo cuando lo necesite para espasmos musculares" in spanish


def test_as_needed_without_a_reason(generator) -> None:
    text = _text(generator, _data(_rx("cyclobenzaprine", 5, 2, strength_mg=5, as_needed=True)))
    assert "1 tablet of 5 mg each time only when you need it, up to 2 times a day" in text
    assert "at least" not in text.split("Your dose schedule")[1].split("Do not take more")[0]


# --- refills ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("refills", "shown"), [(0, "None"), (1, "1"), (2, "2")])
def test_refills_are_printed_in_the_prepared_for_box(generator, refills, shown) -> None:
    text = _text(generator, _data(_rx("cyclobenzaprine", 5, 3, strength_mg=5, refills=refills)))
    assert f"Last day to take it November 30, 2026 Refills {shown}" in text


def test_refills_beyond_a_course_limit_warn_staff(generator, run_cli, write_yaml, tmp_path) -> None:
    within = _build(generator, _data(_rx("carisoprodol", 350, 3, 10, refills=1)))  # 20 days: within 21
    assert not [w for w in within.warnings if w[0] == "prescription.refills"]
    beyond = _build(generator, _data(_rx("carisoprodol", 350, 3, 14, refills=1)))  # 28 days
    [(_, message)] = [w for w in beyond.warnings if w[0] == "prescription.refills"]
    assert message.startswith("check with the prescriber: with 1 refill the medicine could be taken for 28 days")
    assert "longer than the label's 21-day limit" in message
    config = write_yaml(
        "clinic.yaml", {"clinic": {"name": "C", "phone": "555"}, "policy": {"max_days": {"methocarbamol": 7}}}
    )
    patient = write_yaml("p.yaml", _data(_rx("methocarbamol", 1500, 4, 3, strength_mg=750, refills=2)))  # 9 days
    code, _, err = run_cli("build", "--patient", str(patient), "--config", str(config), "-o", str(tmp_path / "o.pdf"))
    assert code == 0 and "prescription.refills: check with the prescriber" in err and "the clinic's 7-day limit" in err


# --- refused: what the leaflet could not print exactly ---------------------------------------------------


@pytest.mark.parametrize(
    ("rx", "field", "message"),
    [
        (
            _rx("carisoprodol", 350, 3, times=["morning"]),
            "prescription.times",
            "gives 1 times of day for 3 doses a day",
        ),
        (
            _rx("carisoprodol", 350, 2, times=["morning", "with-breakfast"]),
            "prescription.times",
            "gives two doses at the same time of day",
        ),
        (
            _rx("methocarbamol", 500, 6),
            "prescription.times",
            "required for 6 doses a day (give every_hours for doses every so many hours)",
        ),
        (
            _rx("carisoprodol", 350, 3, times=["morning", "midday", "evening"], every_hours=6),
            "prescription.times",
            "not with every_hours: those doses are not taken at set times of day",
        ),
        (
            _rx("carisoprodol", 350, 3, every_hours=12),
            "prescription.every_hours",
            "3 doses 12 hours apart do not fit in one day (times_per_day is the most a day)",
        ),
        (
            _rx("cyclobenzaprine", 5, 3, strength_mg=5, as_needed_for="muscle-spasm"),
            "prescription.as_needed_for",
            "only with as_needed: true",
        ),
        (
            _rx("cyclobenzaprine", 5, 3, strength_mg=5, as_needed=True, as_needed_for="headache"),
            "prescription.as_needed_for",
            "not a reason cyclobenzaprine is taken for (known: back-pain, muscle-pain, muscle-spasm)",
        ),
        (
            _rx(
                "carisoprodol",
                350,
                3,
                as_needed=True,
                taper=[{"from": START + dt.timedelta(days=7), "dose_mg": 350, "times_per_day": 2}],
                last_day=START + dt.timedelta(days=9),
            ),
            "prescription.taper",
            "a taper plan is printed for doses at set times of day, not with as_needed",
        ),
    ],
)
def test_what_cannot_be_printed_exactly_is_refused_naming_the_field(generator, rx, field, message) -> None:
    with pytest.raises(InputError) as caught:
        _build(generator, _data(rx))
    assert (field, message) in caught.value.problems


@pytest.mark.parametrize("times", ["noon", "morning;noon", "MORNING"])
def test_unknown_time_words_are_input_errors(times) -> None:
    with pytest.raises(InputError) as caught:
        parse_personalisation(_data(_rx("carisoprodol", 350, 1, times=times)), "p.yaml")
    assert str(caught.value).startswith("p.yaml: prescription.times[")


# --- every label limit, at its value and just past it ---------------------------------------------------

LIMITS = [
    # carisoprodol: 350 mg a dose, 4 doses a day, 1,400 mg a day, 21 days (its daily limit is 350 x 4: it cannot
    # be passed without passing one of the other two)
    ("carisoprodol", _rx("carisoprodol", 350, 1), None),
    ("carisoprodol", _rx("carisoprodol", 500, 1, strength_mg=250), "500 mg a dose is above the 350 mg limit"),
    ("carisoprodol", _rx("carisoprodol", 250, 4), None),
    ("carisoprodol", _rx("carisoprodol", 250, 5, every_hours=4), "5 doses a day is above the limit of 4 a day"),
    ("carisoprodol", _rx("carisoprodol", 350, 4), None),  # 1,400 mg a day
    ("carisoprodol", _rx("carisoprodol", 350, 1, 21), None),
    ("carisoprodol", _rx("carisoprodol", 350, 1, 22), "22 days is above the 21-day limit"),
    # cyclobenzaprine: 10 mg a dose, 3 doses a day, 30 mg a day (10 x 3), 21 days
    ("cyclobenzaprine", _rx("cyclobenzaprine", 10, 1, strength_mg=10), None),
    ("cyclobenzaprine", _rx("cyclobenzaprine", 15, 1, strength_mg=7.5), "15 mg a dose is above the 10 mg limit"),
    ("cyclobenzaprine", _rx("cyclobenzaprine", 5, 3, strength_mg=5), None),
    ("cyclobenzaprine", _rx("cyclobenzaprine", 5, 4, strength_mg=5), "4 doses a day is above the limit of 3 a day"),
    ("cyclobenzaprine", _rx("cyclobenzaprine", 10, 3, strength_mg=10), None),  # 30 mg a day
    ("cyclobenzaprine", _rx("cyclobenzaprine", 5, 1, 21, strength_mg=5), None),
    ("cyclobenzaprine", _rx("cyclobenzaprine", 5, 1, 22, strength_mg=5), "22 days is above the 21-day limit"),
    # methocarbamol: 1,500 mg a dose, 6 doses a day, 8,000 mg a day on days 1-3, 4,500 mg a day from day 4
    ("methocarbamol", _rx("methocarbamol", 1500, 1, strength_mg=750), None),
    ("methocarbamol", _rx("methocarbamol", 2000, 1, strength_mg=500), "2,000 mg a dose is above the 1,500 mg limit"),
    ("methocarbamol", _rx("methocarbamol", 500, 6, strength_mg=500, every_hours=4), None),
    (
        "methocarbamol",
        _rx("methocarbamol", 500, 7, strength_mg=500, every_hours=3),
        "7 doses a day is above the limit of 6 a day",
    ),
    ("methocarbamol", _rx("methocarbamol", 1500, 5, 3, strength_mg=750, every_hours=4), None),  # 7,500 mg a day
    (
        "methocarbamol",
        _rx("methocarbamol", 1500, 6, 3, strength_mg=750, every_hours=4),
        "9,000 mg a day is above the 8,000 mg daily limit on days 1 to 3 of the course",
    ),
    ("methocarbamol", _rx("methocarbamol", 750, 6, 5, strength_mg=750, every_hours=4), None),  # 4,500 mg a day
    (
        "methocarbamol",
        _rx("methocarbamol", 1000, 5, 5, strength_mg=500, every_hours=4),
        "5,000 mg a day is above the 4,500 mg daily limit from day 4 of the course",
    ),
]


@pytest.mark.parametrize(("topic", "rx", "refused"), LIMITS)
def test_every_label_limit_at_its_value_and_just_past_it(generator, topic, rx, refused) -> None:
    if refused is None:
        text = _text(generator, _data(rx))
        tablets = int(rx["dose_mg"] / rx.get("strength_mg", rx["dose_mg"])) * rx["times_per_day"]
        total = rx["dose_mg"] * rx["times_per_day"]
        assert f"Do not take more than {tablets} tablet{'s' if tablets > 1 else ''} ({total:,g} mg) in one day." in text
        return
    with pytest.raises(InputError) as caught:
        _build(generator, _data(rx))
    assert refused in str(caught.value)


def test_every_limit_of_every_topic_is_tested_above(generator) -> None:
    """A limit added to a topic needs its cases in LIMITS."""
    for name in generator.library.topic_names():
        topic = generator.library.topic(name)
        for limit in topic.limits.root if topic.limits else []:
            rule = {"max_dose_mg": "a dose", "max_times_per_day": "doses a day", "max_days": "-day limit"}
            said = rule.get(limit.rule, "mg a day")
            assert any(t == name and refused and said in refused for t, _, refused in LIMITS) or (
                limit.rule == "max_daily_mg" and _implied(topic, limit.value)
            ), (name, limit.rule, limit.value)


def _implied(topic, daily: float) -> bool:
    """A daily limit equal to the largest dose times the most doses a day cannot be passed on its own."""
    doses = [limit.value for limit in topic.limits.root if limit.rule == "max_dose_mg"]
    times = [limit.value for limit in topic.limits.root if limit.rule == "max_times_per_day"]
    return daily >= max(doses) * max(times)


# --- the verifier reads them back --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rx", "taken_off"),
    [
        (_rx("carisoprodol", 350, 2, times=["morning", "bedtime"]), "in the morning and at bedtime"),
        (_rx("carisoprodol", 350, 2, times=["morning", "bedtime"]), "Do not take more than 2 tablets (700 mg) in one"),
        (
            _rx("cyclobenzaprine", 10, 3, strength_mg=10, as_needed=True, as_needed_for="muscle-spasm"),
            "only when you need it for muscle spasm",
        ),
    ],
)
def test_verify_passes_these_leaflets_and_fails_without_their_time_words_or_limit(
    run_cli, write_yaml, tmp_path, rx, taken_off
) -> None:
    patient = write_yaml("p.yaml", _data(rx))
    leaflet = tmp_path / "leaflet.pdf"
    assert run_cli("build", "--patient", str(patient), "--made-on", "2026-11-24", "-o", str(leaflet))[0] == 0
    code, out, _ = run_cli("verify", str(leaflet), "--patient", str(patient))  # the prescription's topic
    assert code == 0 and f"required warnings of '{rx['medicine']}'" in out, out
    bad = tamper(leaflet, tmp_path / "bad.pdf", taken_off, _removed)
    code, out, _ = run_cli("verify", str(bad), "--patient", str(patient), "--topic", rx["medicine"])
    assert code == 6 and "missing" in out, out


def _patient_file_fields() -> set[str]:
    return {
        line.split("`")[1]
        for line in Path(__file__).parents[1].joinpath("docs/patient-file.md").read_text().splitlines()
        if line.startswith("| `")
    }


def test_the_patient_file_page_documents_every_prescription_field() -> None:
    documented = _patient_file_fields()
    for field in ("times", "every_hours", "as_needed", "as_needed_for", "refills"):
        assert field in documented, field
