"""Warnings for the person making a leaflet: things to check before handing it out.

The leaflet is still made (the label does not forbid these), but the warnings are never
silent: the CLI prints them, a batch lists them in the manifest, the web API returns them.
A start date more than a year ahead is refused instead: it is almost surely a typing error.
"""

from __future__ import annotations

import datetime as dt

from generator.content.topic import Topic
from generator.errors import InputError
from generator.inputs.personalisation import Personalisation, age_on
from generator.prescription.schedule import Schedule, ScheduleStep

Warning_ = tuple[str, str]
"""(field, message), like an error's problems."""

MAX_DAYS_AHEAD = 366
_FIELDS = {"max_days": "prescription.days_supply", "max_times_per_day": "prescription.times_per_day"}
"""The prescription field a label direction is about (the others: prescription.dose_mg)."""


def staff_warnings(
    data: Personalisation,
    topic: Topic,
    schedule: Schedule | None,
    made_on: dt.date,
    where: str,
    clinic_max_days: int | None = None,
) -> tuple[Warning_, ...]:
    """What staff should check for this patient and prescription; raise for a start date far ahead."""
    found: list[Warning_] = []
    age = age_on(data.patient.age, data.patient.date_of_birth, made_on)
    field = "patient.age" if data.patient.age is not None else "patient.date_of_birth"
    if age is not None:
        for caution in topic.age_cautions:
            if caution.applies_to(age):
                bound = f"under {caution.under}" if caution.under is not None else f"{caution.from_age} or older"
                found.append((field, f"{bound}: {caution.says} ({caution.source})"))
    if schedule is None:
        return tuple(found)
    found += _start_dose(topic, schedule, age)
    found += _refills(topic, schedule, clinic_max_days)
    found += _label_directions(topic, schedule)
    if (schedule.start - made_on).days > MAX_DAYS_AHEAD:
        raise InputError(f"{where}: prescription.start: {START_TOO_FAR}", (("prescription.start", START_TOO_FAR),))
    if schedule.last_day < made_on:
        found.append(("prescription.start", "the whole course ended before the leaflet's made-on date"))
    elif schedule.start < made_on:
        found.append(("prescription.start", "the course started before the leaflet's made-on date"))
    return tuple(found)


def _refills(topic: Topic, schedule: Schedule, clinic_max_days: int | None) -> list[Warning_]:
    """Refills that would let the medicine be taken for longer than the label's or the clinic's course limit."""
    rules = topic.rules(schedule.product)
    if not schedule.refills or rules is None:
        return []
    limits = [(int(limit.value), "the label's", limit.source) for limit in rules.of("max_days")]
    limits += [(clinic_max_days, "the clinic's", "")] if clinic_max_days else []
    course = (schedule.last_day - schedule.start).days + 1
    longest = course * (schedule.refills + 1)
    found = []
    for most, whose, source in limits:
        if longest > most:
            refills = f"{schedule.refills} refill" + ("s" if schedule.refills > 1 else "")
            said = f"check with the prescriber: with {refills} the medicine could be taken for {longest} days, "
            said += f"longer than {whose} {most}-day limit" + (f" ({source})" if source else "")
            found.append(("prescription.refills", said))
    return found


def _label_directions(topic: Topic, schedule: Schedule) -> list[Warning_]:
    """Doses above the lower directions of the dispensed product's own label (e.g. over-the-counter Drug Facts)."""
    product = topic.product(schedule.product)
    if product is None:
        return []
    days = (schedule.last_day - schedule.start).days + 1
    found = []
    for direction in product.label_directions:
        if direction.rule == "max_days":
            beyond = days > direction.value
        else:
            beyond = any(
                _amount(direction.rule, step) > direction.value
                for step in schedule.steps
                if direction.covers((step.start - schedule.start).days + 1, (step.end - schedule.start).days + 1)
            )
        if beyond:
            found.append(
                (_FIELDS.get(direction.rule, "prescription.dose_mg"), f"{direction.says} ({direction.source})")
            )
    return found


def _amount(rule: str, step: ScheduleStep) -> float:
    """What a per-day rule measures of one step: mg a dose, doses a day or mg a day."""
    return {"max_dose_mg": step.dose_mg, "max_times_per_day": step.times_per_day}.get(rule, step.daily_mg)


def _start_dose(topic: Topic, schedule: Schedule, age: int | None) -> list[Warning_]:
    """A first dose above the label's start dose for a patient of the age the label names (e.g. older adults)."""
    if age is None:
        return []
    first_dose = schedule.steps[0].dose_mg
    return [
        ("prescription.dose_mg", f"{caution.says} ({caution.source})")
        for caution in topic.start_dose_cautions
        if caution.applies_to(age, first_dose)
    ]


START_TOO_FAR = "more than a year after the leaflet's made-on date; check the year"
"""A start date more than MAX_DAYS_AHEAD days after the made-on date: almost surely a typing error, refused."""
