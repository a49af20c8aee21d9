"""The schedule as the patient reads it: table rows, calendar days and the names templates may use.

The renderer prints these and the verifier expects them back from the page, so both take
them from here; content templates get `schedule_names` and never re-derive the schedule.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from generator.content.labels import Wording
from generator.content.library import Topic
from generator.prescription.schedule import Schedule


@dataclass(frozen=True)
class CalendarRow:
    """One day of the dose calendar: the day, how much each time, how many boxes, and whether a step starts."""

    day: str
    how_much: str
    doses: int
    new_step: bool


def schedule_rows(schedule: Schedule, wording: Wording, short_dates: bool) -> tuple[tuple[str, ...], ...]:
    """The schedule table as printed: a header row, then one row per step (plain text)."""
    labels = wording.labels
    rows = [(labels.schedule_from, labels.schedule_until, labels.schedule_how_much, labels.schedule_how_often)]
    for step in schedule.steps:
        rows.append(
            (
                wording.date(step.start, short_dates),
                wording.date(step.end, short_dates),
                wording.how_much(schedule.form, step.tablets, step.strength_mg),
                wording.how_often(step.times_per_day),
            )
        )
    return tuple(rows)


def calendar_rows(schedule: Schedule, wording: Wording) -> tuple[CalendarRow, ...]:
    """One row per day of the course, from the schedule."""
    rows = []
    for step in schedule.steps:
        how_much = wording.how_much(schedule.form, step.tablets, step.strength_mg)
        for offset in range(step.days):
            day = step.start + dt.timedelta(days=offset)
            rows.append(CalendarRow(wording.day(day), how_much, step.times_per_day, offset == 0))
    return tuple(rows)


def schedule_names(topic: Topic, schedule: Schedule, wording: Wording) -> dict[str, Any]:
    """The names content templates may use about the schedule (see docs/content-format.md)."""
    assert topic.medicine is not None
    steps = [
        {
            "from": wording.date(step.start),
            "until": wording.date(step.end),
            "how_much": wording.how_much(schedule.form, step.tablets, step.strength_mg),
            "how_often": wording.how_often(step.times_per_day),
            "tablets": step.tablets,
            "strength_mg": step.strength_mg,
            "times_per_day": step.times_per_day,
        }
        for step in schedule.steps
    ]
    names: dict[str, Any] = {
        "medicine": topic.medicine.model_dump(),
        "schedule": steps,
        "first_step": steps[0],
        "full_dose_until": steps[0]["until"],
        "last_day": wording.date(schedule.last_day),
    }
    most = daily_max_tablets(topic, schedule)
    if most:
        names["daily_max"] = [wording.how_much(schedule.form, count, strength) for strength, count in most]
    return names


def daily_max_tablets(topic: Topic, schedule: Schedule) -> list[tuple[float, int]]:
    """The most whole tablets allowed in one day, for each strength the patient uses.

    Only from rules that hold for the whole course; empty when the limits change during it
    (then content must not print one maximum).
    """
    limits = topic.limits
    if limits is None:
        return []
    whole = [limit for limit in limits.root if limit.from_day == 1 and limit.until_day is None]
    per_dose = [limit.value for limit in whole if limit.rule == "max_dose_mg"]
    per_day = [limit.value for limit in whole if limit.rule == "max_daily_mg"]
    times = [limit.value for limit in whole if limit.rule == "max_times_per_day"]
    if not (per_dose and per_day and times):
        return []
    return [
        (strength, int(min(min(per_day) // strength, min(times) * (min(per_dose) // strength))))
        for strength in schedule.strengths_mg
    ]
