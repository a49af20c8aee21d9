"""How long an order's course is, and what its dispenseRequest says about it.

An order gives its length in one of several ways: timing.repeat's `boundsPeriod` (its end exclusive at
midnight), `boundsDuration` or `count` (doses, over the doses a day), or, for a single instruction,
`dispenseRequest.expectedSupplyDuration` or `dispenseRequest.quantity` over the tablets a day. Ways that
disagree are refused naming both; the path of the one used is kept, so a limit on the course names where it
came from. A quantity smaller than the course needs is refused; a larger one (a pack size, doses taken only
when needed) is told to staff.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal

from fhir.resources.R4B.duration import Duration
from fhir.resources.R4B.medicationrequest import MedicationRequest, MedicationRequestDispenseRequest
from fhir.resources.R4B.timing import TimingRepeat

from generator.fhir.dates import first_day, last_day
from generator.fhir.order.timing import HowOften
from generator.fhir.order.units import days, mg_of
from generator.fhir.problems import Problems
from generator.inputs.personalisation import MAX_COURSE_DAYS

DISPENSE = "MedicationRequest.dispenseRequest"


@dataclass(frozen=True)
class Step:
    """One dosage instruction, read: its days, dose and how often, and the FHIR path of each."""

    path: str
    start: dt.date | None
    end: dt.date | None
    end_path: str | None
    """Where the last day came from: boundsPeriod.end, boundsDuration, count, or the dispenseRequest."""
    dose_mg: Decimal | None
    dose_path: str
    often: HowOften | None
    warnings: tuple[str, ...] = ()

    @property
    def day_count(self) -> int:
        """Days from the first to the last, both included."""
        assert self.start and self.end
        return (self.end - self.start).days + 1


def _doses_a_day(often: HowOften | None) -> int | None:
    """Doses taken each day for sure: None when taken only when needed, or every so many hours that do not
    divide a day."""
    if often is None or often.as_needed or (often.every_hours and 24 % often.every_hours):
        return None
    return often.times_per_day


def instruction_end(
    repeat: TimingRepeat, where: str, start: dt.date | None, often: HowOften | None, problems: Problems
) -> tuple[dt.date | None, str | None]:
    """The last day timing.repeat (at `where`) gives, and its path; the ways it gives one must agree. Without a
    first day, no last day but the path of what would give it (the missing start is a problem already)."""
    if start is None:
        given = [name for name in ("boundsDuration", "count") if getattr(repeat, name) is not None]
        given += ["boundsPeriod.end"] if repeat.boundsPeriod is not None and repeat.boundsPeriod.end else []
        return None, f"{where}.{given[0]}" if given else None
    found: list[tuple[dt.date, str]] = []
    period = repeat.boundsPeriod
    if period is not None and period.end is not None:
        end = last_day(period.end, f"{where}.boundsPeriod.end", problems)
        if start and end and end < start:
            problems.add(f"{where}.boundsPeriod.end", "is before the start")
        elif end:
            found.append((end, f"{where}.boundsPeriod.end"))
    if repeat.boundsDuration is not None:
        count = days(repeat.boundsDuration, f"{where}.boundsDuration", problems)
        end = last_of(start, count, f"{where}.boundsDuration", problems) if count else None
        if end:
            found.append((end, f"{where}.boundsDuration"))
    per_day = _doses_a_day(often)
    if repeat.count is not None and per_day:
        if repeat.count % per_day:
            problems.add(
                f"{where}.count", "is not a whole number of days of doses; give boundsPeriod or boundsDuration"
            )
        elif end := last_of(start, repeat.count // per_day, f"{where}.count", problems):
            found.append((end, f"{where}.count"))
    for end, path in found[1:]:
        if end != found[0][0]:
            problems.add(path, f"disagrees with {found[0][1]} on the course's last day; give one, or make them agree")
            return None, None
    if repeat.count is not None and not per_day and often is not None:
        _check_total(repeat.count, often, start, found[0][0] if found else None, f"{where}.count", problems)
    return found[0] if found else (None, None)


def _check_total(
    count: int, often: HowOften, start: dt.date, end: dt.date | None, path: str, problems: Problems
) -> None:
    """A count of doses beside doses taken when needed (or every so many hours that do not divide a day) is a
    total the leaflet does not print: read only when it allows every dose the printed schedule does."""
    if end is None:
        problems.add(
            path,
            "gives no course length for doses taken when needed or every so many hours that do not divide a "
            "day; give boundsPeriod.end or boundsDuration",
        )
    elif count < often.times_per_day * ((end - start).days + 1):
        problems.add(path, "fewer doses in all than the printed schedule allows; the leaflet does not print a total")


def last_of(start: dt.date | None, count: int, path: str, problems: Problems) -> dt.date | None:
    """The last day of `count` days from `start`; a problem at `path` beyond the longest course a leaflet prints."""
    if count > MAX_COURSE_DAYS:
        problems.add(path, f"longer than the longest course a leaflet prints ({MAX_COURSE_DAYS} days)")
        return None
    if start is None or count < 1:
        return None
    try:
        return start + dt.timedelta(days=count - 1)
    except OverflowError:
        problems.add(path, "ends after the last date a leaflet can print")
        return None


def course_end(request: MedicationRequest, steps: list[Step], strength_mg: float | None, problems: Problems) -> None:
    """A single instruction without a last day takes it from expectedSupplyDuration, else from quantity over the
    doses a day; a taper's last instruction must give its own."""
    last = steps[-1]
    if last.end is not None or last.end_path is not None:
        return
    dispense = request.dispenseRequest
    if len(steps) == 1 and dispense is not None and dispense.expectedSupplyDuration is not None:
        where = f"{DISPENSE}.expectedSupplyDuration"
        count = days(dispense.expectedSupplyDuration, where, problems)
        if count and (end := last_of(last.start, count, where, problems)):
            steps[-1] = replace(last, end=end, end_path=where)
        return
    per_day = _doses_a_day(last.often)
    if len(steps) == 1 and dispense is not None and dispense.quantity is not None and per_day and last.dose_mg:
        where = f"{DISPENSE}.quantity"
        if last.start is None:
            return
        held = mg_of(dispense.quantity, strength_mg)
        count = held / (last.dose_mg * per_day) if held else None
        if count is None:
            problems.add(where, "not in tablets or mg of the coded strength, so it cannot give the course's length")
        elif count != count.to_integral_value() or count < 1:
            problems.add(where, "is not a whole number of days of doses; give the course's length")
        elif end := last_of(last.start, int(count), where, problems):
            steps[-1] = replace(last, end=end, end_path=where)
        return
    problems.add(
        f"{last.path}.timing.repeat",
        "needs the course's length: boundsPeriod.end, boundsDuration or count (or, for a single instruction, "
        "dispenseRequest.expectedSupplyDuration or quantity)",
    )


def dispense_warnings(request: MedicationRequest, course: Course, problems: Problems) -> tuple[str, ...]:
    """Check dispenseRequest against the course (its length, validity and quantity); warnings for staff."""
    dispense = request.dispenseRequest
    first, last = course.steps[0].start, course.steps[-1].end
    if dispense is None or first is None or last is None:
        return ()
    refills = dispense.numberOfRepeatsAllowed or 0
    told = _supply_warnings(dispense.expectedSupplyDuration, course, refills, problems)
    validity = dispense.validityPeriod
    if validity is not None and validity.start is not None:
        valid_from = first_day(validity.start, f"{DISPENSE}.validityPeriod.start", problems)
        if valid_from and first < valid_from:
            problems.add(f"{DISPENSE}.validityPeriod.start", "is after the first day of the course")
    if validity is not None and validity.end is not None:
        valid_to = last_day(validity.end, f"{DISPENSE}.validityPeriod.end", problems)
        if valid_to and valid_to < first:
            problems.add(f"{DISPENSE}.validityPeriod.end", "is before the first day of the course")
    return told + _quantity_warnings(dispense, course, refills, problems)


def _supply_warnings(supply: Duration | None, course: Course, refills: int, problems: Problems) -> tuple[str, ...]:
    """expectedSupplyDuration must be the course's length; with refills, one fill's: shorter is read, and told to
    staff when the fills do not reach the course's last day."""
    where = f"{DISPENSE}.expectedSupplyDuration"
    first, last = course.steps[0].start, course.steps[-1].end
    if supply is None or course.steps[-1].end_path == where or first is None or last is None:
        return ()
    count, length = days(supply, where, problems), (last - first).days + 1
    if not count or count == length:
        return ()
    if not refills or count > length:
        problems.add(
            where, f"disagrees with {course.steps[-1].end_path} on the course's length; give one, or make them agree"
        )
        return ()
    if count * (refills + 1) < length:
        return (f"{where}: with its refills, fewer days than the course; check with the prescriber",)
    return ()


def _quantity_warnings(
    dispense: MedicationRequestDispenseRequest, course: Course, refills: int, problems: Problems
) -> tuple[str, ...]:
    """A quantity smaller than the course needs is refused (without refills) or told (with them); a larger
    one is told."""
    where = f"{DISPENSE}.quantity"
    if dispense.quantity is None or course.steps[-1].end_path == where:
        return ()
    held = mg_of(dispense.quantity, course.strength_mg)
    if held is None:
        return (f"{where}: not in tablets or mg of the coded strength, so not checked against the course",)
    needed = sum(
        (step.dose_mg or 0) * step.day_count * (step.often.times_per_day if step.often else 0) for step in course.steps
    )
    as_needed = any(step.often and step.often.as_needed for step in course.steps)
    if held < needed and not as_needed:
        if not refills:
            problems.add(where, "holds fewer tablets than the course needs")
            return ()
        if held * (refills + 1) < needed:
            return (f"{where}: with its refills, fewer tablets than the course needs; check with the prescriber",)
    if held > needed:
        said = "the most the course allows" if as_needed else "the course needs"
        return (f"{where}: more tablets than {said} (a pack size?); the leaflet prints the course",)
    return ()


@dataclass(frozen=True)
class Course:
    """The steps of one order, in order, and the tablet strength they are counted in."""

    steps: list[Step]
    strength_mg: float | None
