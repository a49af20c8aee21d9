"""What a leaflet must show, worked out from the request, not from the rendered leaflet."""

from __future__ import annotations

from generator.content.labels import Wording
from generator.content.library import TopicWords
from generator.inputs.personalisation import Clinic, Personalisation
from generator.prescription.printed import calendar_columns, calendar_rows, daily_limit, schedule_rows
from generator.prescription.schedule import Schedule
from generator.verify.check import Expected


def leaflet_expectations(
    must_say: tuple[str, ...],
    data: Personalisation,
    clinic: Clinic,
    schedule: Schedule | None,
    wording: Wording,
    words: TopicWords,
    short_dates: bool,
    calendar: bool,
) -> list[Expected]:
    """Required warnings, the patient's name, the prescriber, the clinic's phone, the last day, the refills, the
    schedule with its times of day (dates short or long, as the layout prints them), the most to take in one day
    and, in layouts that have it, each day of the dose calendar."""
    labels = wording.labels
    prescriber = data.prescriber.name + (f", {data.prescriber.phone}" if data.prescriber.phone else "")
    expected = generic_expectations(must_say, clinic)
    expected += [
        Expected("the patient's name in the prepared-for box", f"{labels.prepared_for} {data.patient.name}"),
        Expected(
            "the prescriber in the prepared-for box",
            f"{labels.prescribed_by if schedule is not None else labels.clinician} {prescriber}",
        ),
    ]
    if schedule is None:
        return expected
    header, *rows = schedule_rows(schedule, wording, words, short_dates)
    expected.append(Expected("the last day to take it", f"{labels.last_day} {wording.date(schedule.last_day)}"))
    if schedule.refills is not None:
        refills = str(schedule.refills) if schedule.refills else labels.refills_none
        expected.append(Expected("the refills in the prepared-for box", f"{labels.refills} {refills}"))
    expected.append(Expected("the dose schedule's heading", labels.schedule_heading + "".join(header)))
    expected += [
        Expected(f"dose schedule row {number} of {len(rows)}", "".join(row)) for number, row in enumerate(rows, 1)
    ]
    table = labels.schedule_heading + "".join(header) + "".join("".join(row) for row in rows)
    expected.append(Expected("the dose schedule as one table, rows in order", table))
    expected.append(Expected("the most to take in one day", daily_limit(schedule, wording)))
    return expected + calendar_expectations(schedule, wording) if calendar else expected


def calendar_expectations(schedule: Schedule, wording: Wording) -> list[Expected]:
    """The dose calendar's columns (its times of day) and each of its days, in layouts that print one."""
    labels = wording.labels
    header = labels.calendar_day + labels.calendar_how_much + "".join(calendar_columns(schedule, wording))
    days = calendar_rows(schedule, wording)
    return [Expected("the dose calendar's columns", header)] + [
        Expected(f"dose calendar day {number} of {len(days)}", day.day + day.how_much)
        for number, day in enumerate(days, 1)
    ]


def generic_expectations(must_say: tuple[str, ...], clinic: Clinic) -> list[Expected]:
    """What every leaflet must show, a generic one (no patient) too: the required warnings and the clinic's phone."""
    expected = [Expected(f'required warning "{sentence}"', sentence) for sentence in must_say]
    return [*expected, Expected("the clinic's phone number", clinic.phone)]
