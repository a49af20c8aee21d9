"""The schedule as the patient reads it: table rows, the daily limit, calendar days and the names templates
may use.

The renderer prints these and the verifier expects them back from the page, so both take them from
here; content templates get `schedule_names` and never re-derive the schedule. Every number in them
comes from the prescription: the daily limit is the prescribed daily amount, never the label's maximum.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from generator.content.dose_times import SLOTS, slot_of
from generator.content.labels import Wording
from generator.content.topic import Topic, TopicWords
from generator.prescription.schedule import Schedule, ScheduleStep

GRID_AFTER_DAYS = 21
"""A course longer than this (three weeks: a calendar page of a row a day) prints its dose calendar as a month
grid, a week a row, so a month fits one page."""


@dataclass(frozen=True)
class CalendarRow:
    """One day of the dose calendar: the day, how much each time, the boxes, and whether a step starts."""

    date: dt.date
    day: str
    how_much: str
    doses: tuple[int, ...]
    """Boxes to tick in each of the calendar's box columns (see `calendar_columns`)."""
    new_step: bool


def how_often(step: ScheduleStep, wording: Wording, words: TopicWords) -> str:
    """When the patient takes a dose: 'in the morning and at bedtime', 'every 4 hours, up to 6 times a day',
    'only when you need it for muscle spasm, up to 3 times a day, at least 4 hours apart', 'at bedtime, only
    when you need it for muscle spasm'."""
    labels = wording.labels
    if step.times:
        when = wording.join([labels.times_of_day[time] for time in step.times])  # type: ignore[index]
        return f"{when}, {needed(step, wording, words)}" if step.as_needed else when
    most = wording.plural(labels.up_to, step.times_per_day)
    if not step.as_needed:
        assert step.every_hours is not None
        return f"{wording.plural(labels.every_hours, step.every_hours)}, {most}"
    apart = f", {wording.plural(labels.hours_apart, step.every_hours)}" if step.every_hours else ""
    return f"{needed(step, wording, words)}, {most}{apart}"


def needed(step: ScheduleStep, wording: Wording, words: TopicWords) -> str:
    """'only when you need it', with what for when the prescription says: 'only when you need it for pain'."""
    labels = wording.labels
    return labels.as_needed_for.format(reason=words.as_needed_reasons[step.reason]) if step.reason else labels.as_needed


def schedule_rows(
    schedule: Schedule, wording: Wording, words: TopicWords, short_dates: bool
) -> tuple[tuple[str, ...], ...]:
    """The schedule table as printed: a header row, then one row per step (plain text; a line break is "\n").
    With several steps, each row's When ends with a line of the most to take in one day during it."""
    labels = wording.labels
    rows = [(labels.schedule_from, labels.schedule_until, labels.schedule_how_much, labels.schedule_how_often)]
    for step in schedule.steps:
        when = how_often(step, wording, words)
        if len(schedule.steps) > 1:
            when += "\n" + labels.schedule_most.format(most=daily_most(step, schedule.form, wording))
        rows.append(
            (
                wording.date(step.start, short_dates),
                wording.date(step.end, short_dates),
                wording.how_much(schedule.form, step.tablets, step.strength_mg),
                when,
            )
        )
    return tuple(rows)


def daily_most(step: ScheduleStep, form: str, wording: Wording) -> str:
    """The most to take in one day during `step`, from the prescription: '3 tablets (1,050 mg)'."""
    return wording.labels.daily_most.format(
        amount=wording.tablets(form, step.daily_tablets), total=wording.mg(step.daily_mg)
    )


def dispensed(schedule: Schedule, wording: Wording, words: TopicWords) -> str | None:
    """The product dispensed and its strengths, for a topic with several products: 'Naproxen sodium (Anaprox DS):
    550 mg tablets'; none otherwise."""
    if schedule.product is None:
        return None
    strengths = wording.join([wording.mg(strength) for strength in schedule.strengths_mg])
    return wording.labels.dispensed_value.format(product=words.products[schedule.product], strengths=strengths)


def daily_limit(schedule: Schedule, wording: Wording) -> str:
    """The sentence under the schedule: the most to take in one day, or with several steps, where it says it."""
    if len(schedule.steps) > 1:
        return wording.labels.daily_limits
    return wording.labels.daily_limit.format(most=daily_most(schedule.steps[0], schedule.form, wording))


def calendar_columns(schedule: Schedule, wording: Wording) -> tuple[str, ...]:
    """The calendar's box columns: a column per time of day the course uses, else one column of boxes."""
    used = {slot_of(time) for step in schedule.steps for time in step.times}
    if not used:
        return (wording.labels.calendar_doses,)
    return tuple(wording.labels.calendar_slots[slot] for slot in SLOTS if slot in used)


def calendar_rows(schedule: Schedule, wording: Wording) -> tuple[CalendarRow, ...]:
    """One row per day of the course, from the schedule: a box under each time of day a dose is due (or, for
    doses every so many hours or when needed, as many boxes as the most doses a day)."""
    used = [slot for slot in SLOTS if any(slot_of(time) == slot for step in schedule.steps for time in step.times)]
    rows = []
    for step in schedule.steps:
        how_much = wording.how_much(schedule.form, step.tablets, step.strength_mg, each_time=False)  # its heading says
        slots = {slot_of(time) for time in step.times}
        doses = tuple(int(slot in slots) for slot in used) if used else (step.times_per_day,)
        for offset in range(step.days):
            day = step.start + dt.timedelta(days=offset)
            rows.append(CalendarRow(day, wording.day(day), how_much, doses, offset == 0))
    return tuple(rows)


def calendar_grid(schedule: Schedule) -> bool:
    """Whether the course is long enough to print its calendar as a month grid (see GRID_AFTER_DAYS)."""
    return sum(step.days for step in schedule.steps) > GRID_AFTER_DAYS


def calendar_weeks(rows: tuple[CalendarRow, ...], wording: Wording) -> tuple[tuple[CalendarRow | None, ...], ...]:
    """The calendar's days a week a row, in the language's week order (Sunday first in the US); None for the
    days of the first and last week outside the course."""
    order = [weekday for weekday, _ in wording.week()]
    lead = order.index(rows[0].date.weekday())
    days: list[CalendarRow | None] = [None] * lead + list(rows)
    days += [None] * (-len(days) % 7)
    return tuple(tuple(days[start : start + 7]) for start in range(0, len(days), 7))


def calendar_header(schedule: Schedule, wording: Wording) -> tuple[str, ...]:
    """The calendar's column headings as printed: the days of the week for a month grid, else the day, how much
    each time and the box columns."""
    if calendar_grid(schedule):
        return tuple(name for _, name in wording.week())
    labels = wording.labels
    return (labels.calendar_day, labels.calendar_how_much, *calendar_columns(schedule, wording))


def schedule_names(topic: Topic, schedule: Schedule, wording: Wording, words: TopicWords) -> dict[str, Any]:
    """The names content templates may use about the schedule (see docs/content-format.md)."""
    assert topic.medicine is not None
    steps = [
        {
            "from": wording.date(step.start),
            "until": wording.date(step.end),
            "how_much": wording.how_much(schedule.form, step.tablets, step.strength_mg),
            "how_often": how_often(step, wording, words),
            "tablets": step.tablets,
            "strength_mg": step.strength_mg,
            "times_per_day": step.times_per_day,
            "as_needed": step.as_needed,
            "every_hours": step.every_hours,
        }
        for step in schedule.steps
    ]
    return {
        "medicine": topic.medicine.model_dump(),
        "schedule": steps,
        "first_step": steps[0],
        "full_dose_until": steps[0]["until"],
        "last_day": wording.date(schedule.last_day),
    }
