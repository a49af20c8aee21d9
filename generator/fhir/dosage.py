"""MedicationRequest.dosageInstruction[] (+ dispenseRequest) -> the prescription's dose steps.

The first instruction (lowest `sequence`) is the full dose; each later one is a taper
step that starts the day after the one before ends. Only what a leaflet can print
exactly is read: a fixed dose (mg, or tablets of the coded strength), so many times
per 1 day, from a start date for a number of days. Everything else is refused with
its FHIR path, never guessed or left out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.dosage import Dosage
from fhir.resources.R4B.duration import Duration
from fhir.resources.R4B.medicationrequest import MedicationRequest
from fhir.resources.R4B.quantity import Quantity
from fhir.resources.R4B.timing import TimingRepeat

from generator.fhir.problems import Problems

UCUM = "http://unitsofmeasure.org"
DRUG_FORM = "http://terminology.hl7.org/CodeSystem/v3-orderableDrugForm"
TABLET_UNITS = {(UCUM, "{tbl}"), (UCUM, "{tablet}"), (UCUM, "{tablets}"), (DRUG_FORM, "TAB")}
DAYS = {"d": 1, "wk": 7}
ORAL = {
    ("http://snomed.info/sct", "26643006"),
    ("http://terminology.hl7.org/CodeSystem/v3-RouteOfAdministration", "PO"),
}
MR = "MedicationRequest"

_UNPRINTABLE_DOSAGE = {
    "modifierExtension": "a modifier extension changes the meaning of the dosage and is not understood",
    "asNeededBoolean": "as-needed dosing is not supported; the leaflet prints a fixed schedule",
    "asNeededCodeableConcept": "as-needed dosing is not supported; the leaflet prints a fixed schedule",
    "additionalInstruction": "extra instructions cannot be printed; leave them out or print them separately",
    "patientInstruction": "free-text patient instructions cannot be printed; leave them out or print them separately",
    "site": "a body site is not printed",
    "method": "an administration method is not printed",
    "maxDosePerPeriod": "a maximum dose per period is not printed (the topic's own limits are)",
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
    "frequencyMax": "a range of frequencies is ambiguous; give one frequency",
    "periodMax": "a range of periods is ambiguous; give one period",
    "dayOfWeek": "days of the week are not printed",
    "timeOfDay": "times of day are not printed",
    "when": "times related to events (meals, bedtime) are not printed",
    "offset": "times related to events (meals, bedtime) are not printed",
}


@dataclass(frozen=True)
class Step:
    """One dosage instruction, read."""

    path: str
    start: dt.date | None
    end: dt.date | None
    dose_mg: float | None
    times_per_day: int | None


@dataclass(frozen=True)
class CourseFields:
    """The prescription fields read, and the FHIR path each came from (for the generator's messages)."""

    prescription: dict[str, Any]
    paths: dict[str, str]


def _date(value: object, path: str, problems: Problems) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    problems.add(path, "needs a full date (YYYY-MM-DD)")
    return None


def _days(duration: Duration, path: str, problems: Problems) -> int | None:
    if duration.system != UCUM or duration.code not in DAYS or duration.value is None:
        problems.add(path, f"needs a value with UCUM code {' or '.join(DAYS)} ({UCUM})")
        return None
    days = Decimal(duration.value) * DAYS[duration.code]
    if days != days.to_integral_value() or days < 1:
        problems.add(path, "must be a whole number of days, at least 1")
        return None
    return int(days)


def _dose_mg(dosage: Dosage, path: str, strength_mg: float | None, problems: Problems) -> float | None:
    rates = dosage.doseAndRate or []
    if len(rates) != 1 or rates[0].doseQuantity is None:
        problems.add(f"{path}.doseAndRate", "needs one entry with a doseQuantity (dose ranges and rates are not read)")
        return None
    quantity: Quantity = rates[0].doseQuantity
    where = f"{path}.doseAndRate[0].doseQuantity"
    if quantity.comparator is not None:
        problems.add(f"{where}.comparator", "a dose with a comparator is not a fixed dose")
        return None
    if quantity.value is None or quantity.value <= 0:
        problems.add(f"{where}.value", "needs a dose above 0")
        return None
    unit = (quantity.system, quantity.code)
    if unit == (UCUM, "mg"):
        return float(quantity.value)
    if unit in TABLET_UNITS:
        if quantity.value != quantity.value.to_integral_value():
            problems.add(f"{where}.value", "must be whole tablets (the leaflet prints whole tablets)")
            return None
        if strength_mg is None:
            problems.add(where, "in tablets, but the medication code gives no tablet strength (send a product RxCUI)")
            return None
        return float(Decimal(quantity.value) * Decimal(str(strength_mg)))
    problems.add(f"{where}.code", f"unknown unit: use UCUM mg or {{tbl}} ({UCUM}), or TAB ({DRUG_FORM})")
    return None


def _times_per_day(repeat: TimingRepeat, path: str, problems: Problems) -> int | None:
    where = f"{path}.timing.repeat"
    missing = [name for name in ("frequency", "period", "periodUnit") if getattr(repeat, name) is None]
    for name in missing:
        problems.add(f"{where}.{name}", "missing (the leaflet prints how many times a day)")
    if missing:
        return None
    if repeat.periodUnit != "d":
        problems.add(
            f"{where}.periodUnit",
            "only doses per day (d) are printed; e.g. every 8 hours is not the same as 3 times a day",
        )
        return None
    if repeat.period != 1:
        problems.add(f"{where}.period", "only 1 (so many times per 1 day) is printed")
        return None
    return int(repeat.frequency)


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


def _step(dosage: Dosage, path: str, after: dt.date | None, strength_mg: float | None, problems: Problems) -> Step:
    """Read one instruction; `after` is the day before it must start (None for the first)."""
    repeat = _check_dosage(dosage, path, problems)
    dose = _dose_mg(dosage, path, strength_mg, problems)
    if repeat is None:
        return Step(path, None, None, dose, None)
    times = _times_per_day(repeat, path, problems)
    where = f"{path}.timing.repeat"
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
        days = _days(repeat.boundsDuration, f"{where}.boundsDuration", problems)
        end = start + dt.timedelta(days=days - 1) if start and days else None
    return Step(path, start, end, dose, times)


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


def read_course(request: MedicationRequest, strength_mg: float | None, problems: Problems) -> CourseFields:
    """The full-dose step, any taper steps and the last day, read from the order."""
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
        steps.append(_step(dosage, f"{MR}.dosageInstruction[{index}]", after, strength_mg, problems))
    if len(steps) == len(instructions):
        _fill_last_end(request, steps, problems)
    _check_dispense(request, steps, problems)
    problems.raise_if_any()
    return _fields(steps, strength_mg)


def _fill_last_end(request: MedicationRequest, steps: list[Step], problems: Problems) -> None:
    """A single instruction without an end may take its length from dispenseRequest.expectedSupplyDuration."""
    last = steps[-1]
    if last.end is not None or last.start is None:
        return
    supply = request.dispenseRequest.expectedSupplyDuration if request.dispenseRequest else None
    if len(steps) == 1 and supply is not None:
        days = _days(supply, f"{MR}.dispenseRequest.expectedSupplyDuration", problems)
        if days:
            end = last.start + dt.timedelta(days=days - 1)
            steps[-1] = Step(last.path, last.start, end, last.dose_mg, last.times_per_day)
        return
    problems.add(
        f"{last.path}.timing.repeat",
        "needs an end: boundsPeriod.end or boundsDuration (or, for a single instruction, "
        "dispenseRequest.expectedSupplyDuration)",
    )


def _check_dispense(request: MedicationRequest, steps: list[Step], problems: Problems) -> None:
    """dispenseRequest must agree with the instructions: course length, validity, no refills."""
    dispense = request.dispenseRequest
    first, last = steps[0].start, steps[-1].end
    if dispense is None or first is None or last is None:
        return
    where = f"{MR}.dispenseRequest"
    if dispense.expectedSupplyDuration is not None:
        days = _days(dispense.expectedSupplyDuration, f"{where}.expectedSupplyDuration", problems)
        if days and days != (last - first).days + 1:
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
    if dispense.numberOfRepeatsAllowed:
        problems.add(f"{where}.numberOfRepeatsAllowed", "refills would run past the last day the leaflet prints")


def _fields(steps: list[Step], strength_mg: float | None) -> CourseFields:
    first = steps[0]
    assert first.start and first.end and steps[-1].end  # every problem was raised before
    rx: dict[str, Any] = {
        "dose_mg": first.dose_mg,
        "times_per_day": first.times_per_day,
        "start": first.start,
        "days_supply": (first.end - first.start).days + 1,
    }
    repeat = f"{first.path}.timing.repeat"
    paths = {
        "prescription.dose_mg": f"{first.path}.doseAndRate[0].doseQuantity",
        "prescription.times_per_day": f"{repeat}.frequency",
        "prescription.start": f"{repeat}.boundsPeriod.start",
        "prescription.days_supply": f"{repeat}.bounds",
        "prescription.strength_mg": f"{MR}.medication",
    }
    if strength_mg is not None:
        rx["strength_mg"] = strength_mg
    if len(steps) > 1:
        rx["taper"] = [{"from": s.start, "dose_mg": s.dose_mg, "times_per_day": s.times_per_day} for s in steps[1:]]
        rx["last_day"] = steps[-1].end
        paths["prescription.last_day"] = f"{steps[-1].path}.timing.repeat.bounds"
        for number, step in enumerate(steps[1:]):
            paths[f"prescription.taper[{number}].from"] = f"{step.path}.timing.repeat.boundsPeriod.start"
            paths[f"prescription.taper[{number}].dose_mg"] = f"{step.path}.doseAndRate[0].doseQuantity"
            paths[f"prescription.taper[{number}].times_per_day"] = f"{step.path}.timing.repeat.frequency"
    return CourseFields(rx, paths)
