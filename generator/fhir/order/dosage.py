"""MedicationRequest.dosageInstruction[] (+ dispenseRequest) -> the prescription's dose steps.

The first instruction (lowest `sequence`) is the full dose; each later one is a taper
step that starts the day after the one before ends. Only what a leaflet can print
exactly is read: a fixed dose (mg, or tablets of the coded strength), how often, from
a start date for a number of days (see `course` for where the number of days comes
from). Everything else is refused with its FHIR path, never guessed or left out.
Free text (`text`, `patientInstruction`) is never printed: it cannot be checked against
the schedule, so staff are told it is there, to compare.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.dosage import Dosage, DosageDoseAndRate
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.timing import TimingRepeat

from generator.content.topic import AsNeededReason
from generator.fhir.dates import first_day
from generator.fhir.order.course import Course, Step, course_end, dispense_warnings, instruction_end
from generator.fhir.order.route import check_route_and_method
from generator.fhir.order.timing import HowOften, read_how_often
from generator.fhir.order.timing_code import RepeatRead, timing_repeat
from generator.fhir.order.units import amount_mg
from generator.fhir.problems import Problems

MR = "MedicationRequest"
ORDERED = "ordered"
"""doseAndRate.type code of the dose as ordered, in HL7's dose-rate-type and Epic's own code system alike."""

_UNPRINTABLE_DOSAGE = {
    "modifierExtension": "a modifier extension changes the meaning of the dosage and is not understood",
    "additionalInstruction": "extra instructions cannot be printed; leave them out or print them separately",
    "site": "a body site is not printed",
    "maxDosePerAdministration": "a maximum dose per administration is not printed",
    "maxDosePerLifetime": "a lifetime maximum is not printed",
}
_UNPRINTABLE_REPEAT = {
    "boundsRange": "a range of durations is ambiguous; give boundsPeriod or boundsDuration",
    "countMax": "a range of counts of doses is ambiguous; give count, boundsPeriod or boundsDuration",
    "duration": "an administration duration is not printed",
    "durationMax": "an administration duration is not printed",
    "durationUnit": "an administration duration is not printed",
    "dayOfWeek": "days of the week are not printed",
    "offset": "a time before or after an event (e.g. 30 minutes before breakfast) is not printed",
}


@dataclass(frozen=True)
class CourseFields:
    """The prescription fields read, the FHIR path each came from (for the generator's messages), and
    warnings for staff."""

    prescription: dict[str, Any]
    paths: dict[str, str]
    warnings: tuple[str, ...]


def _is_ordered(rate: DosageDoseAndRate) -> bool:
    return rate.type is not None and any(coding.code == ORDERED for coding in rate.type.coding or [])


def _dose_mg(dosage: Dosage, path: str, strength_mg: float | None, problems: Problems) -> tuple[Decimal | None, str]:
    """The dose in mg and its path: the doseAndRate row typed 'ordered', else the first. Every other row (Epic
    sends calculated and admin-amount too) must agree with it, in mg at the coded strength, or the order is
    refused: which dose is meant would be a guess."""
    rates = dosage.doseAndRate or []
    if not rates:
        problems.add(f"{path}.doseAndRate", "missing: the leaflet prints the dose (doseQuantity)")
        return None, f"{path}.doseAndRate"
    ordered = [index for index, rate in enumerate(rates) if _is_ordered(rate)]
    chosen = ordered[0] if ordered else 0
    where = f"{path}.doseAndRate[{chosen}]"
    if rates[chosen].doseQuantity is None:
        problems.add(f"{where}.doseQuantity", "missing (dose ranges and rates are not read)")
        return None, where
    dose = amount_mg(rates[chosen].doseQuantity, f"{where}.doseQuantity", strength_mg, problems)
    for index, rate in enumerate(rates):
        other = amount_mg(rate.doseQuantity, "", strength_mg, Problems("")) if rate.doseQuantity else None
        if index != chosen and dose is not None and other is not None and other != dose:
            problems.add(
                f"{path}.doseAndRate[{index}].doseQuantity", f"disagrees with {where}.doseQuantity on the dose"
            )
            return None, where
    return dose, f"{where}.doseQuantity"


def _free_text(dosage: Dosage, path: str) -> tuple[str, ...]:
    """A warning for staff when the instruction carries free text, which is never printed (never its words)."""
    said = [name for name in ("text", "patientInstruction") if (getattr(dosage, name) or "").strip()]
    if not said:
        return ()
    names = " and ".join(f"{path}.{name}" for name in said)
    return (f"{names}: free-text instructions, not printed; compare them with the printed schedule",)


def _check_dosage(dosage: Dosage, path: str, problems: Problems) -> RepeatRead | None:
    """Refuse what cannot be printed; return timing.repeat (as read) when there is a timing to read."""
    for name, reason in _UNPRINTABLE_DOSAGE.items():
        if getattr(dosage, name) not in (None, [], False):
            problems.add(f"{path}.{name}", reason)
    check_route_and_method(dosage.route, dosage.method, path, problems)
    timing = dosage.timing
    if timing is None:
        if dosage.text:
            problems.add(f"{path}.text", "free-text dosage only; the leaflet needs doseAndRate and timing.repeat")
        else:
            problems.add(f"{path}.timing", "missing")
        return None
    if timing.event:
        problems.add(f"{path}.timing.event", "specific dose times are not printed")
    read = timing_repeat(timing, f"{path}.timing", problems)
    if read.repeat is None:
        return read
    for name, reason in _UNPRINTABLE_REPEAT.items():
        if getattr(read.repeat, name) not in (None, []):
            problems.add(f"{path}.timing.repeat.{name}", reason)
    return read


def _step(
    dosage: Dosage,
    path: str,
    after: dt.date | None,
    strength_mg: float | None,
    reasons: Mapping[str, AsNeededReason],
    problems: Problems,
) -> Step:
    """Read one instruction; `after` is the day before it must start (None for the first)."""
    read = _check_dosage(dosage, path, problems)
    dose, dose_path = _dose_mg(dosage, path, strength_mg, problems)
    warnings = _free_text(dosage, path)
    if read is None or read.repeat is None:
        return Step(path, None, None, None, dose, dose_path, None, warnings)
    repeat, found = read.repeat, len(problems.found)
    often = read_how_often(dosage, repeat, path, dose, strength_mg, reasons, problems)
    if read.from_code:
        often = _name_the_code(problems, found, often, path, read.from_code)
    where = f"{path}.timing.repeat"
    start = _start(repeat, where, after, problems)
    end, end_path = instruction_end(repeat, where, start, often, problems)
    return Step(path, start, end, end_path, dose, dose_path, often, warnings)


def _name_the_code(
    problems: Problems, found: int, often: HowOften | None, path: str, names: tuple[str, ...]
) -> HowOften | None:
    """Problems (from index `found` on) and paths of timing.repeat elements that came from timing.code name the
    code, which is what the order sent."""
    instruction = path.split(".", 1)[1]  # dosageInstruction[N], also inside MedicationRequest[M] paths

    def named(where: str) -> str:
        for name in names:
            element = f"{instruction}.timing.repeat.{name}"
            if where.endswith(element) or f"{element}[" in where:
                return where[: where.index(element)] + f"{instruction}.timing.code"
        return where

    problems.found[found:] = [(named(where), text) for where, text in problems.found[found:]]
    if often is None:
        return None
    return replace(often, paths={field: named(where) for field, where in often.paths.items()})


def _start(repeat: TimingRepeat, where: str, after: dt.date | None, problems: Problems) -> dt.date | None:
    """The first day of one instruction: its boundsPeriod.start, or for a taper step the day after `after`."""
    period = repeat.boundsPeriod
    if period is not None and period.start is not None:
        start = first_day(period.start, f"{where}.boundsPeriod.start", problems)
        if start and after and start != after + dt.timedelta(days=1):
            problems.add(
                f"{where}.boundsPeriod.start",
                "must be the day after the previous instruction ends (no gaps or overlaps between instructions)",
            )
        return start
    if after is not None:
        return after + dt.timedelta(days=1)
    problems.add(f"{where}.boundsPeriod.start", "missing: the first instruction gives the first day")
    return None


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
    the topic's as-needed reasons. Problems go to `problems`; raised here only when the course could not be read
    whole (one read whole is returned, so the caller can check the generator's limits on it too)."""
    instructions = _ordered(request, problems)
    steps: list[Step] = []
    for index, dosage in instructions:
        if steps and steps[-1].end is None:
            if steps[-1].start is not None:
                problems.add(
                    f"{steps[-1].path}.timing.repeat",
                    "needs an end (boundsPeriod.end, boundsDuration or count) before the next instruction",
                )
            break
        after = steps[-1].end if steps else None
        steps.append(_step(dosage, f"{MR}.dosageInstruction[{index}]", after, strength_mg, reasons, problems))
    if len(steps) == len(instructions):
        course_end(request, steps, strength_mg, problems)
    if len(instructions) > 1:
        _set_times_only(steps, problems)
    warnings = dispense_warnings(request, Course(steps, strength_mg), problems)
    read = [step.start and step.end and step.end_path and step.often and step.dose_mg for step in steps]
    whole = len(steps) == len(instructions) and all(read)
    if not whole:
        problems.raise_if_any()
    return _fields(steps, strength_mg, request, warnings)  # read whole, so its limits can be checked too


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


def _fields(
    steps: list[Step], strength_mg: float | None, request: MedicationRequest, warnings: tuple[str, ...]
) -> CourseFields:
    """The prescription fields of the steps (every problem was raised before); `warnings` are the dispenseRequest's."""
    first = steps[0]
    assert first.start and first.end and first.end_path and steps[-1].end and first.often and first.dose_mg
    paths = {
        "prescription.dose_mg": first.dose_path,
        "prescription.start": f"{first.path}.timing.repeat.boundsPeriod.start",
        "prescription.days_supply": first.end_path,
        "prescription.strength_mg": f"{MR}.medication",
    }
    rx: dict[str, Any] = {
        "dose_mg": float(first.dose_mg),
        **_how_often_fields(first.often, "prescription", paths),
        "start": first.start,
        "days_supply": first.day_count,
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
            paths[f"{field}.dose_mg"] = step.dose_path
        rx["last_day"] = steps[-1].end
        paths["prescription.last_day"] = steps[-1].end_path or f"{steps[-1].path}.timing.repeat"
    told = [warning for step in steps for warning in step.warnings]
    told += [warning for step in steps if step.often for warning in step.often.warnings]
    return CourseFields(rx, paths, (*told, *warnings))
