"""The dose-time strip: the schedule as a picture a patient acts on (PEMAT items 15, 17 and 26).

For each step at set times of day, a cell per time with its time-of-day icon, its name and the tablets of
one dose drawn one by one over the amount in words ("1 tablet, 350 mg"). For doses taken when needed or
every so many hours there are no set times to draw, so the strip is a worked example of the interval
instead (PEMAT items 7 and 24): "if you take a dose at 8:00 AM, wait until 2:00 PM before the next one",
its two doses drawn the same way. Every number comes from the prescription's schedule; the renderer draws
these and the verifier expects them back from the page (text and the count of tablets drawn in each cell).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from generator.content.dose_times import DOSE_TIMES, SLOTS, Slot, slot_of
from generator.content.labels import Wording
from generator.prescription.schedule import Schedule, ScheduleStep

TABLET_POINTS = 22
"""Corners of a drawn tablet (a capsule of two half circles): the verifier counts the filled shapes of exactly
this many points in a cell, so it is the one shape of the strip with it (a sun's disc has 24, a half sun 13)."""
CELL_LINE = 0.75
"""Width of the line framing a cell of the strip, in points: the verifier finds the cells by it (no other frame of
a leaflet is drawn with it)."""
EXAMPLE_START = dt.time(8, 0)
"""When the worked example's first dose is taken: 8 in the morning, the start of a waking day."""
_SLOT_HOURS: tuple[tuple[int, Slot], ...] = ((5, "morning"), (11, "midday"), (17, "evening"), (21, "bedtime"))
"""From which hour a time of day is drawn with each slot's icon (before 5: bedtime's moon)."""


@dataclass(frozen=True)
class StripCell:
    """One time a dose is taken: its icon, its name (a time of day, or a clock time in a worked example), and
    the tablets of that dose, drawn and in words."""

    slot: Slot
    """Which icon is drawn: rising sun, sun, setting sun or moon."""
    label: str
    amount: str
    """In words, a line break between the tablets and the milligrams: '1 tablet,\\n350 mg'."""
    tablets: int
    time: str = ""
    """The dose time it is (generator.content.dose_times), the column it stands in; empty in a worked example."""


@dataclass(frozen=True)
class StripStep:
    """The strip of one step of the schedule."""

    dates: str
    """From and until (a taper's steps), a line break before the until: 'Nov 24, 2026 to\\nDec 7, 2026'; empty for a
    schedule of one step."""
    cells: tuple[StripCell, ...]
    example: str = ""
    """The worked example's sentence (doses when needed or every so many hours); empty at set times."""


@dataclass(frozen=True)
class DoseStrip:
    """The strip under the dose schedule: a caption, then a strip per step. At set times, the steps are the rows of
    one grid under a heading per time of day the course uses (`columns`: their icon and name); a worked example
    has no columns."""

    title: str
    steps: tuple[StripStep, ...]
    columns: tuple[StripCell, ...] = ()
    """The times of day of a course at set times, in the order of the day (their amount empty, no tablets)."""


def slot_at(time: dt.time) -> Slot:
    """The time of day a clock time falls in, for its icon."""
    found: Slot = "bedtime"
    for hour, slot in _SLOT_HOURS:
        if time.hour >= hour:
            found = slot
    return found


def example_times(every_hours: int, start: dt.time = EXAMPLE_START) -> tuple[dt.time, dt.time, bool]:
    """The worked example's first dose, the earliest next one `every_hours` later, and whether that is the next
    day."""
    first = dt.datetime.combine(dt.date(2000, 1, 1), start)
    then = first + dt.timedelta(hours=every_hours)
    return start, then.time(), then.date() != first.date()


def two_lines(template: str, second: str, **values: str) -> str:
    """`template` filled in, broken into two lines before the placeholder `second`: each line a paragraph of its
    own, so no line break falls inside a number (or between two numbers of one right-to-left paragraph)."""
    at = template.index("{" + second + "}")
    first = template[:at].format(**values).rstrip()
    rest = template[at:].format(**values)
    return f"{first}\n{rest}" if first else rest


def _amount(step: ScheduleStep, form: str, wording: Wording) -> str:
    """'1 tablet,' over '350 mg'."""
    return two_lines(
        wording.labels.strip_amount, "total", amount=wording.tablets(form, step.tablets), total=wording.mg(step.dose_mg)
    )


def _label(time: str, wording: Wording) -> str:
    """A time of day as a cell's name: the calendar's word for a slot ('Morning'), else the schedule's words for a
    meal time with a capital ('With breakfast')."""
    labels = wording.labels
    if time == slot_of(time):
        return labels.calendar_slots[slot_of(time)]
    words = labels.times_of_day[time]  # type: ignore[index]
    return words[:1].upper() + words[1:]


def _example(step: ScheduleStep, form: str, wording: Wording) -> StripStep:
    """The worked example of a step without set times: its interval (every_hours) from the prescription."""
    labels = wording.labels
    assert step.every_hours is not None
    first, then, next_day = example_times(step.every_hours)
    later = wording.time(then)
    if next_day:
        later = labels.strip_next_day.format(time=later)
    sentence = (labels.strip_wait if step.as_needed else labels.strip_every).format(
        time=wording.time(first), next=later
    )
    amount = _amount(step, form, wording)
    cells = (
        StripCell(slot_at(first), wording.time(first), amount, step.tablets),
        StripCell(slot_at(then), later, amount, step.tablets),
    )
    return StripStep("", cells, sentence)


def dose_strip(schedule: Schedule, wording: Wording, short_dates: bool, form: str = "grid") -> DoseStrip | None:
    """The strip of `schedule` in a layout's `form` (generator.layouts.StripForm), or None when it has nothing to
    draw: doses only when needed with no interval (no set times, no wait to work out; the schedule's row says it
    all), a course at set times in the form `example`, or the form `none`. In the form `grid`, a course at set
    times has `columns` (one grid); in `steps`, each step is drawn on its own, a name in each cell."""
    if form == "none":
        return None
    labels = wording.labels
    steps = []
    several = len(schedule.steps) > 1
    for step in schedule.steps:
        dates = (
            two_lines(
                labels.strip_dates,
                "end",
                start=wording.date(step.start, short_dates),
                end=wording.date(step.end, short_dates),
            )
            if several
            else ""
        )
        if step.times:
            amount = _amount(step, schedule.form, wording)
            cells = tuple(
                StripCell(slot_of(time), _label(time, wording), amount, step.tablets, time) for time in step.times
            )
            steps.append(StripStep(dates, cells))
        elif step.every_hours:
            steps.append(replace(_example(step, schedule.form, wording), dates=dates))
        else:
            return None
    if all(step.example for step in steps):
        return DoseStrip(labels.strip_wait_title, tuple(steps))
    if form == "example":
        return None
    if form == "steps":
        return DoseStrip(_title(schedule, wording), tuple(steps))
    times = {cell.time: cell for step in steps for cell in step.cells}
    order = sorted(times, key=lambda time: (SLOTS.index(slot_of(time)), DOSE_TIMES.index(time)))  # type: ignore[arg-type]
    columns = tuple(StripCell(times[time].slot, times[time].label, "", 0, time) for time in order)
    return DoseStrip(_title(schedule, wording), tuple(steps), columns)


def _title(schedule: Schedule, wording: Wording) -> str:
    """The caption of a course at set times: 'When to take it each day', or for doses only when needed (at set
    times), 'When you may take it, only if you need it'."""
    needed = any(step.as_needed for step in schedule.steps)
    return wording.labels.strip_needed_title if needed else wording.labels.strip_title
