"""Property-based: any prescription is either refused with named fields, or scheduled exactly as written."""

from __future__ import annotations

import datetime as dt
import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import InputError
from generator.inputs.personalisation import parse_personalisation
from generator.prescription.dosing import make_schedule

START = dt.date(2026, 11, 24)
TOPICS = {"carisoprodol": [250, 350], "cyclobenzaprine": [5, 7.5, 10], "methocarbamol": [500, 750]}


@st.composite
def prescriptions(draw):
    topic = draw(st.sampled_from(sorted(TOPICS)))
    strengths = TOPICS[topic]
    strength = draw(st.sampled_from([None, *strengths]))
    dose = draw(st.sampled_from(strengths)) * draw(st.integers(1, 3))
    rx = {
        "medicine": topic,
        "dose_mg": dose,
        "times_per_day": draw(st.integers(1, 5)),
        "start": START,
        "days_supply": draw(st.integers(1, 14)),
    }
    if strength is not None:
        rx["strength_mg"] = strength
    day = START + dt.timedelta(days=rx["days_supply"])
    taper = []
    for _ in range(draw(st.integers(0, 3))):
        before = taper[-1] if taper else rx  # mostly steps down, sometimes not (to be refused)
        step = {
            "from": day,
            "dose_mg": draw(st.sampled_from([s for s in strengths if s <= before["dose_mg"]] or strengths)),
        }
        step["times_per_day"] = draw(st.integers(1, before["times_per_day"] + 1))
        if draw(st.booleans()):
            step["strength_mg"] = draw(st.sampled_from(strengths))
        taper.append(step)
        day += dt.timedelta(days=draw(st.integers(1, 6)))
    if taper:
        rx["taper"] = taper
        rx["last_day"] = day + dt.timedelta(days=draw(st.integers(-1, 3)))
    return topic, rx


@settings(max_examples=300, deadline=None)
@given(prescriptions())
def test_a_schedule_is_the_prescription_or_a_named_refusal(generator, case) -> None:
    topic, rx = case
    data = parse_personalisation({"patient": {"name": "A"}, "prescriber": {"name": "B"}, "prescription": rx}, "t")
    try:
        schedule = make_schedule(data.prescription, generator.library.topic(topic), "t")
    except InputError as exc:
        assert exc.problems and all(field.startswith("prescription.") for field, _ in exc.problems)
        return
    steps = schedule.steps
    prescribed = [(rx["dose_mg"], rx["times_per_day"])] + [
        (s["dose_mg"], s["times_per_day"]) for s in rx.get("taper", [])
    ]
    assert [(s.dose_mg, s.times_per_day) for s in steps] == prescribed  # every step, nothing dropped
    assert steps[0].start == START and steps[0].days == rx["days_supply"]
    for before, after in itertools.pairwise(steps):
        assert after.start == before.end + dt.timedelta(days=1)  # back to back, no gap, no overlap
    assert schedule.last_day == rx.get("last_day", START + dt.timedelta(days=rx["days_supply"] - 1))
    strengths = TOPICS[topic]
    for step in steps:
        assert step.strength_mg in strengths and step.tablets >= 1
        assert step.tablets * step.strength_mg == step.dose_mg  # whole tablets of one strength
    if "strength_mg" in rx:
        assert steps[0].strength_mg == rx["strength_mg"]
    else:  # inferred only when exactly one strength makes the dose
        assert [s for s in strengths if (rx["dose_mg"] / s).is_integer()] == [steps[0].strength_mg]
