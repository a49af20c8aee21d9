"""MedicationRequest.dosageInstruction[] (+ dispenseRequest) -> the prescription's dose steps.

The first instruction (lowest `sequence`) is the full dose; each later one is a taper
step that starts the day after the one before ends. Only what a leaflet can print
exactly is read: a fixed dose (mg, or tablets of the coded strength), so many times
per 1 day, from a start date for a number of days. Everything else is refused with
its FHIR path, never guessed or left out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.dosage import Dosage
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.timing import TimingRepeat

from generator.content.topic import AsNeededReason
from generator.fhir.problems import Problems
from generator.fhir.timing import HowOften, read_how_often
from generator.fhir.units import amount_mg, days

ORAL = {
    ("http://snomed.info/sct", "26643006"),
    ("http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration", "PO"),
}
MR = "MedicationRequest"

_UNPRINTABLE_DOSAGE = {
    "modifierExtension": "a modifier extension changes the meaning of the dosage and is not understood",
    "additionalInstruction": "extra instructions cannot be printed; leave them out or print them separately",
    "patientInstruction": "free-text patient instructions cannot be printed; leave them out or print them separately",
    "site": "a body site is not printed",
    "method": "an administration method is not printed",
    "maxDosePerAdministration": "a maximum dose per administration is not printed",
    "maxDosePerLifetime": "a lifetime maximum is not printed",
}
_UNPRINTABLE_REPEAT = {
    "boundsRange": "a range of durations is ambiguous; give boundsPeriod or boundsDuration",
    "count": "a count of doses is not read; give boundsPeriod or boundsDuration",
    "countMax": "a count of doses is not read; give boundsPeriod or boundsDuration",
    "duration": "an administration duration is not printed",
    "durationMax": "an administration duration is not printed",
    "durationUnit": "an administration duration is not printed",
    "dayOfWeek": "days of the week are not printed",
    "offset": "a time before or after an event (e.g. 30 minutes before breakfast) is not printed",
}


@dataclass(frozen=True)
class Step:
    """One dosage instruction, read."""

    path: str
    start: dt.date | None
    end: dt.date | None
    dose_mg: Decimal | None
    often: HowOften | None


@dataclass(frozen=True)
class CourseFields:
    """The prescription fields read, the FHIR path each came from (for the generator's messages), and
    warnings for staff."""

    prescription: dict[str, Any]
    paths: dict[str, str]
    warnings: tuple[str, ...]


def _date(value: object, path: str, problems: Problems) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    problems.add(path, "needs a full date (YYYY-MM-DD)")
    return None


def _dose_mg(dosage: Dosage, path: str, strength_mg: float | None, problems: Problems) -> Decimal | None:
    rates = dosage.doseAndRate or []
    if len(rates) != 1 or rates[0].doseQuantity is None:
        problems.add(f"{path}.doseAndRate", "needs one entry with a doseQuantity (dose ranges and rates are not read)")
        return None
    return amount_mg(rates[0].doseQuantity, f"{path}.doseAndRate[0].doseQuantity", strength_mg, problems)


def _check_dosage(dosage: Dosage, path: str, problems: Problems) -> TimingRepeat | None:
    """Refuse what cannot be printed; return timing.repeat when there is one to read."""
    for name, reason in _UNPRINTABLE_DOSAGE.items():
        if getattr(dosage, name) not in (None, [], False):
            problems.add(f"{path}.{name}", reason)
    if dosage.route is not None and not any((c.system, c.code) in ORAL for c in dosage.route.coding or []):
        problems.add(f"{path}.route", "only oral use (SNOMED CT 26643006) is printed")
    timing = dosage.timing
    if timing is None:
        if dosage.text:
            problems.add(f"{path}.text", "free-text dosage only; the leaflet needs doseAndRate and timing.repeat")
        else:
            problems.add(f"{path}.timing", "missing")
        return None
    if timing.event:
        problems.add(f"{path}.timing.event", "specific dose times are not printed")
    if timing.code is not None:
        reason = "a coded timing cannot be checked against timing.repeat; leave it out"
        problems.add(f"{path}.timing.code", reason if timing.repeat else "timing.code only; send timing.repeat")
    if timing.repeat is None:
        if timing.code is None:
            problems.add(f"{path}.timing.repeat", "missing")
        return None
    for name, reason in _UNPRINTABLE_REPEAT.items():
        if getattr(timing.repeat, name) not in (None, []):
            problems.add(f"{path}.timing.repeat.{name}", reason)
    return timing.repeat


def _step(
    dosage: Dosage,
    path: str,
    after: dt.date | None,
    strength_mg: float | None,
    reasons: Mapping[str, AsNeededReason],
    problems: Problems,
) -> Step:
    """Read one instruction; `after` is the day before it must start (None for the first)."""
    repeat = _check_dosage(dosage, path, problems)
    dose = _dose_mg(dosage, path, strength_mg, problems)
    if repeat is None:
        return Step(path, None, None, dose, None)
    often = read_how_often(dosage, repeat, path, dose, strength_mg, reasons, problems)
    start, end = _bounds(repeat, f"{path}.timing.repeat", after, problems)
    return Step(path, start, end, dose, often)


def _bounds(
    repeat: TimingRepeat, where: str, after: dt.date | None, problems: Problems
) -> tuple[dt.date | None, dt.date | None]:
    """The first and last day of one instruction."""
    start = end = None
    period = repeat.boundsPeriod
    if period is not None and period.start is not None:
        start = _date(period.start, f"{where}.boundsPeriod.start", problems)
        if start and after and start != after + dt.timedelta(days=1):
            problems.add(
                f"{where}.boundsPeriod.start",
                "must be the day after the previous instruction ends (no gaps or overlaps between instructions)",
            )
    elif after is not None:
        start = after + dt.timedelta(days=1)
    else:
        problems.add(f"{where}.boundsPeriod.start", "missing: the first instruction gives the first day")
    if period is not None and period.end is not None:
        end = _date(period.end, f"{where}.boundsPeriod.end", problems)
        if start and end and end < start:
            problems.add(f"{where}.boundsPeriod.end", "is before the start")
            end = None
    elif repeat.boundsDuration is not None:
        count = days(repeat.boundsDuration, f"{where}.boundsDuration", problems)
        end = start + dt.timedelta(days=count - 1) if start and count else None
    return start, end


def _ordered(request: MedicationRequest, problems: Problems) -> list[tuple[int, Dosage]]:
    instructions = list(enumerate(request.dosageInstruction or []))
    if not instructions:
        raise problems.fail(f"{MR}.dosageInstruction", "missing (the leaflet prints the dose schedule)")
    if len(instructions) == 1:
        return instructions
    sequences = [d.sequence for _, d in instructions]
    for index, dosage in instructions:
        if dosage.sequence is None:
            problems.add(f"{MR}.dosageInstruction[{index}].sequence", "missing: several instructions need an order")
        elif sequences.count(dosage.sequence) > 1:
            problems.add(
                f"{MR}.dosageInstruction[{index}].sequence",
                "shared with another instruction; doses taken at the same time are not supported",
            )
    problems.raise_if_any()
    return sorted(instructions, key=lambda pair: pair[1].sequence or 0)


def read_course(
    request: MedicationRequest,
    strength_mg: float | None,
    reasons: Mapping[str, AsNeededReason],
    problems: Problems,
) -> CourseFields:
    """The full-dose step, any taper steps, the last day and the refills, read from the order; `reasons` are
    the topic's as-needed reasons."""
    instructions = _ordered(request, problems)
    steps: list[Step] = []
    for index, dosage in instructions:
        if steps and steps[-1].end is None:
            if steps[-1].start is not None:
                problems.add(
                    f"{steps[-1].path}.timing.repeat",
                    "needs an end (boundsPeriod.end or boundsDuration) before the next instruction",
                )
            break
        after = steps[-1].end if steps else None
        steps.append(_step(dosage, f"{MR}.dosageInstruction[{index}]", after, strength_mg, reasons, problems))
    if len(steps) == len(instructions):
        _fill_last_end(request, steps, problems)
    if len(instructions) > 1:
        _set_times_only(steps, problems)
    _check_dispense(request, steps, problems)
    problems.raise_if_any()
    return _fields(steps, strength_mg, request)


def _set_times_only(steps: list[Step], problems: Problems) -> None:
    """A taper plan prints doses at set times of day: no instruction of it is as needed or every so many hours."""
    for step in steps:
        if step.often is None:
            continue
        field = "as_needed" if step.often.as_needed else "every_hours" if step.often.every_hours else None
        if field:
            problems.add(
                step.often.paths[field],
                "doses taken when needed or every so many hours are printed for a single instruction; "
                "with several (a taper plan) each gives so many times a day",
            )


def _fill_last_end(request: MedicationRequest, steps: list[Step], problems: Problems) -> None:
    """A single instruction without an end may take its length from dispenseRequest.expectedSupplyDuration."""
    last = steps[-1]
    if last.end is not None or last.start is None:
        return
    supply = request.dispenseRequest.expectedSupplyDuration if request.dispenseRequest else None
    if len(steps) == 1 and supply is not None:
        count = days(supply, f"{MR}.dispenseRequest.expectedSupplyDuration", problems)
        if count:
            steps[-1] = replace(last, end=last.start + dt.timedelta(days=count - 1))
        return
    problems.add(
        f"{last.path}.timing.repeat",
        "needs an end: boundsPeriod.end or boundsDuration (or, for a single instruction, "
        "dispenseRequest.expectedSupplyDuration)",
    )


def _check_dispense(request: MedicationRequest, steps: list[Step], problems: Problems) -> None:
    """dispenseRequest must agree with the instructions: course length and validity."""
    dispense = request.dispenseRequest
    first, last = steps[0].start, steps[-1].end
    if dispense is None or first is None or last is None:
        return
    where = f"{MR}.dispenseRequest"
    if dispense.expectedSupplyDuration is not None:
        count = days(dispense.expectedSupplyDuration, f"{where}.expectedSupplyDuration", problems)
        if count and count != (last - first).days + 1:
            problems.add(f"{where}.expectedSupplyDuration", "does not match the days the dosage instructions cover")
    validity = dispense.validityPeriod
    if validity is not None and validity.start is not None:
        valid_from = _date(validity.start, f"{where}.validityPeriod.start", problems)
        if valid_from and first < valid_from:
            problems.add(f"{where}.validityPeriod.start", "is after the first day of the course")
    if validity is not None and validity.end is not None:
        valid_to = _date(validity.end, f"{where}.validityPeriod.end", problems)
        if valid_to and valid_to < first:
            problems.add(f"{where}.validityPeriod.end", "is before the first day of the course")


def _how_often_fields(often: HowOften, field: str, paths: dict[str, str]) -> dict[str, Any]:
    """The prescription (or taper step) fields of `often`; each one's FHIR path goes into `paths`."""
    found: dict[str, Any] = {"times_per_day": often.times_per_day}
    if often.times:
        found["times"] = list(often.times)
    if often.every_hours:
        found["every_hours"] = often.every_hours
    if often.as_needed:
        found["as_needed"] = True
    if often.as_needed_for:
        found["as_needed_for"] = often.as_needed_for
    paths.update({f"{field}.{name}": path for name, path in often.paths.items()})
    return found


def _fields(steps: list[Step], strength_mg: float | None, request: MedicationRequest) -> CourseFields:
    first = steps[0]
    # every problem was raised before
    assert first.start and first.end and steps[-1].end and first.often and first.dose_mg
    repeat = f"{first.path}.timing.repeat"
    paths = {
        "prescription.dose_mg": f"{first.path}.doseAndRate[0].doseQuantity",
        "prescription.start": f"{repeat}.boundsPeriod.start",
        "prescription.days_supply": f"{repeat}.bounds",
        "prescription.strength_mg": f"{MR}.medication",
    }
    rx: dict[str, Any] = {
        "dose_mg": float(first.dose_mg),
        **_how_often_fields(first.often, "prescription", paths),
        "start": first.start,
        "days_supply": (first.end - first.start).days + 1,
    }
    if strength_mg is not None:
        rx["strength_mg"] = strength_mg
    refills = request.dispenseRequest.numberOfRepeatsAllowed if request.dispenseRequest else None
    if refills is not None:
        rx["refills"] = refills
        paths["prescription.refills"] = f"{MR}.dispenseRequest.numberOfRepeatsAllowed"
    if len(steps) > 1:
        rx["taper"] = []
        for number, step in enumerate(steps[1:]):
            assert step.often and step.dose_mg
            field = f"prescription.taper[{number}]"
            often = _how_often_fields(step.often, field, paths)
            rx["taper"].append({"from": step.start, "dose_mg": float(step.dose_mg), **often})
            paths[f"{field}.from"] = f"{step.path}.timing.repeat.boundsPeriod.start"
            paths[f"{field}.dose_mg"] = f"{step.path}.doseAndRate[0].doseQuantity"
        rx["last_day"] = steps[-1].end
        paths["prescription.last_day"] = f"{steps[-1].path}.timing.repeat.bounds"
    warnings = tuple(warning for step in steps if step.often for warning in step.often.warnings)
    return CourseFields(rx, paths, warnings)
