"""How often and when one instruction's doses are taken: timing.repeat (so many times a day, at times of day,
or every so many hours), asNeeded[x] and maxDosePerPeriod.

What the leaflet prints must be what the order says: each time of day it names, the shortest time between
doses, and the most doses a day. A code or a combination that cannot be printed exactly is refused with
its FHIR path, never guessed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from fhir.resources.R4B.dosage import Dosage
from fhir.resources.R4B.ratio import Ratio
from fhir.resources.R4B.timing import TimingRepeat

from generator.content.dose_times import DoseTime, Slot, slot_of
from generator.content.topic import AsNeededReason
from generator.fhir.order.units import UCUM, amount_mg
from generator.fhir.problems import Problems

SNOMED = "http://snomed.info/sct"

WHEN: dict[str, DoseTime] = {
    "MORN": "morning",
    "MORN.early": "morning",
    "MORN.late": "morning",
    "NOON": "midday",
    "EVE": "evening",
    "EVE.early": "evening",
    "EVE.late": "evening",
    "HS": "bedtime",
    "ACM": "before-breakfast",
    "CM": "with-breakfast",
    "PCM": "after-breakfast",
    "ACD": "before-lunch",
    "CD": "with-lunch",
    "PCD": "after-lunch",
    "ACV": "before-dinner",
    "CV": "with-dinner",
    "PCV": "after-dinner",
}
"""timing.repeat.when codes (FHIR event-timing, v3 TimingEvent) -> the time the leaflet prints. Early and late
morning or evening are still the morning or the evening. Others (AFT, NIGHT, WAKE, PHS, C, AC, PC, ICM, ...)
name no time of day the leaflet has, or no one meal, and are refused."""

SLOT_STARTS: tuple[tuple[dt.time, Slot], ...] = (
    (dt.time(5), "morning"),
    (dt.time(11), "midday"),
    (dt.time(15), "evening"),
    (dt.time(20), "bedtime"),
)
"""timing.repeat.timeOfDay -> the nearest time of day: each slot from its start until the next one's; bedtime
until midnight. 00:00 to 04:59 is the night, which the leaflet has no time of day for."""

_WHEN_KNOWN = "MORN, NOON, EVE, HS, or one meal: CM, CD, CV (with), ACM, ACD, ACV (before), PCM, PCD, PCV (after)"


@dataclass(frozen=True)
class HowOften:
    """How often one instruction's doses are taken, as prescription fields, and the FHIR path of each."""

    times_per_day: int
    """Doses a day; the most a day for doses taken when needed or every so many hours."""
    times: tuple[DoseTime, ...] | None
    every_hours: int | None
    as_needed: bool
    as_needed_for: str | None
    paths: dict[str, str]
    """Prescription field (times_per_day, times, every_hours, as_needed, as_needed_for) -> FHIR path."""
    warnings: tuple[str, ...]


@dataclass(frozen=True)
class _Need:
    """asNeeded[x], read."""

    as_needed: bool = False
    reason: str | None = None
    path: str | None = None
    warning: str | None = None


def slot_at(time: dt.time) -> Slot | None:
    """The time of day a clock time falls in (see SLOT_STARTS); None at night."""
    found: Slot | None = None
    for start, slot in SLOT_STARTS:
        if time >= start:
            found = slot
    return found


def read_how_often(
    dosage: Dosage,
    repeat: TimingRepeat,
    path: str,
    dose_mg: Decimal | None,
    strength_mg: float | None,
    reasons: Mapping[str, AsNeededReason],
    problems: Problems,
) -> HowOften | None:
    """How often the doses of `dosage` (at `path`) are taken; None, with problems, when it cannot be printed."""
    where = f"{path}.timing.repeat"
    need = _as_needed(dosage, path, reasons, problems)
    limit_path = f"{path}.maxDosePerPeriod"
    limit = _most_a_day(dosage.maxDosePerPeriod, limit_path, dose_mg, strength_mg, problems)
    repeat = _daily_at_times(repeat)
    missing = [name for name in ("frequency", "period", "periodUnit") if getattr(repeat, name) is None]
    for name in missing:
        problems.add(f"{where}.{name}", "missing (the leaflet prints how many times a day)")
    if missing:
        return None
    if repeat.periodUnit == "d":
        read = _daily(repeat, where, need, problems)
    elif repeat.periodUnit == "h":
        read = _hourly(repeat, where, need, problems)
    else:
        problems.add(
            f"{where}.periodUnit", "only so many times a day (d) or a dose every so many hours (h) are printed"
        )
        return None
    if read is None:
        return None
    most, most_path, times, every_hours = read
    if limit is not None:
        if most is not None and limit != most:
            message = f"disagrees with {most_path} on the most doses a day; give one, or make them agree"
            problems.add(limit_path, message)
            return None
        if most is None:
            most, most_path = limit, limit_path
    elif dosage.maxDosePerPeriod is not None:
        return None  # refused already
    elif most is None and need.as_needed:
        problems.add(
            limit_path,
            "missing: doses taken when needed every so many hours need the most doses a day "
            "(maxDosePerPeriod per 1 day), which the leaflet prints",
        )
        return None
    elif most is None:
        assert every_hours is not None
        most, most_path = 24 // every_hours, f"{where}.period"  # a dose every so many hours, all day
    paths = {"times_per_day": most_path}
    if times:
        paths["times"] = f"{where}.{'when' if repeat.when else 'timeOfDay'}"
    if every_hours:
        paths["every_hours"] = f"{where}.period"
    if need.path:
        paths["as_needed"] = paths["as_needed_for"] = need.path
    warnings = (need.warning,) if need.warning else ()
    return HowOften(most, times, every_hours, need.as_needed, need.reason, paths, warnings)


def _daily_at_times(repeat: TimingRepeat) -> TimingRepeat:
    """Times of day with no frequency or period (as Epic sends `timeOfDay: ["09:00:00"]`): a dose at each, every
    day. Anything else is as given."""
    times = repeat.when or repeat.timeOfDay
    if not times or any(getattr(repeat, name) is not None for name in ("frequency", "period", "periodUnit")):
        return repeat
    return repeat.model_copy(update={"frequency": len(times), "period": 1, "periodUnit": "d"})


_Read = tuple[int | None, str, tuple[DoseTime, ...] | None, int | None]
"""The most doses a day (None: not from timing.repeat) and its path, the times of day, every so many hours."""


def _daily(repeat: TimingRepeat, where: str, need: _Need, problems: Problems) -> _Read | None:
    """So many times per 1 day, maybe at times of day; when needed, up to frequencyMax (or frequency) a day."""
    if repeat.period != 1:
        problems.add(f"{where}.period", "only 1 with periodUnit d (so many times a day); every 2 days is not printed")
        return None
    if repeat.periodMax is not None:
        problems.add(f"{where}.periodMax", "a range of days between doses is not printed")
        return None
    frequency = int(repeat.frequency)
    most, most_path = frequency, f"{where}.frequency"
    if repeat.frequencyMax is not None:
        if not need.as_needed:
            problems.add(
                f"{where}.frequencyMax",
                "a range of doses a day is printed only for doses taken when needed (as the most a day); "
                "give one frequency",
            )
            return None
        if repeat.frequencyMax < frequency:
            problems.add(f"{where}.frequencyMax", "is less than frequency")
            return None
        most, most_path = int(repeat.frequencyMax), f"{where}.frequencyMax"
    times = _times(repeat, where, frequency, problems)
    if times is False:
        return None
    if times and most != frequency:
        problems.add(f"{where}.frequencyMax", "not with times of day: the most doses a day is one at each time")
        return None
    return most, most_path, times or None, None


def _hourly(repeat: TimingRepeat, where: str, need: _Need, problems: Problems) -> _Read | None:
    """A dose every so many hours (when needed: at least so many hours apart, the shorter of a range)."""
    found = len(problems.found)
    hours = Decimal(repeat.period)
    if repeat.frequency != 1:
        problems.add(f"{where}.frequency", "must be 1 with periodUnit h (one dose every so many hours)")
    if hours != hours.to_integral_value() or not 1 <= hours <= 24:
        problems.add(f"{where}.period", "must be a whole number of hours from 1 to 24 with periodUnit h")
    if repeat.frequencyMax is not None:
        problems.add(f"{where}.frequencyMax", "a range of doses every so many hours is not printed")
    if repeat.periodMax is not None and not need.as_needed:
        problems.add(
            f"{where}.periodMax",
            "a range of hours between doses is printed only for doses taken when needed (at least the shorter "
            "time apart); give one period",
        )
    elif repeat.periodMax is not None and repeat.periodMax < hours:
        problems.add(f"{where}.periodMax", "is less than period")
    for name in ("when", "timeOfDay"):
        if getattr(repeat, name):
            problems.add(f"{where}.{name}", "times of day are not printed with a dose every so many hours")
    if len(problems.found) > found:
        return None
    return None, f"{where}.period", None, int(hours)


def _times(repeat: TimingRepeat, where: str, frequency: int, problems: Problems) -> tuple[DoseTime, ...] | bool:
    """The times of day of `when` or `timeOfDay`, one per dose; () when neither is given, False when refused."""
    if repeat.when and repeat.timeOfDay:
        problems.add(f"{where}.timeOfDay", f"not with {where}.when: give the times of day one way")
        return False
    if repeat.when:
        name, given = "when", [WHEN.get(code) for code in repeat.when]
        for index, (code, time) in enumerate(zip(repeat.when, given, strict=True)):
            if time is None:
                problems.add(f"{where}.when[{index}]", f"{code} is not a time the leaflet prints; use {_WHEN_KNOWN}")
    elif repeat.timeOfDay:
        name, given = "timeOfDay", [slot_at(time) for time in repeat.timeOfDay]
        for index, slot in enumerate(given):
            if slot is None:
                problems.add(
                    f"{where}.timeOfDay[{index}]", "at night (00:00 to 04:59): the leaflet has no time of day for it"
                )
    else:
        return ()
    if len(given) != frequency:
        message = f"{len(given)} given, but {where}.frequency is {frequency} (one time of day for each dose)"
        problems.add(f"{where}.{name}", message)
        return False
    times = [time for time in given if time is not None]
    if len(times) != len(given):
        return False
    slots = [slot_of(time) for time in times]
    if len(set(slots)) != len(slots):
        problems.add(
            f"{where}.{name}",
            "two doses fall in the same time of day (morning before 11:00, midday before 15:00, evening before "
            "20:00, then bedtime); the leaflet prints one dose at each, so which is meant is ambiguous",
        )
        return False
    return tuple(times)


def _as_needed(dosage: Dosage, path: str, reasons: Mapping[str, AsNeededReason], problems: Problems) -> _Need:
    """asNeededBoolean, or asNeededCodeableConcept with its reason: a SNOMED CT code of one of the topic's
    reasons, else its text saying one exactly; else no reason, with a warning for staff."""
    if dosage.asNeededBoolean:
        return _Need(True, None, f"{path}.asNeededBoolean")
    concept = dosage.asNeededCodeableConcept
    if concept is None:
        return _Need()
    where = f"{path}.asNeededCodeableConcept"
    coded = {coding.code for coding in concept.coding or [] if coding.system == SNOMED}
    keys = sorted(key for key, reason in reasons.items() if coded & set(reason.codes))
    if len(keys) > 1:
        problems.add(f"{where}.coding", f"its codes name different reasons ({', '.join(keys)})")
        return _Need(True, None, where)
    if not keys and concept.text:
        said = concept.text.strip().casefold()
        keys = [key for key, reason in reasons.items() if reason.says.casefold() == said]
    if keys:
        return _Need(True, keys[0], where)
    warning = f"{where}: the reason is not one the leaflet can print; it says 'when you need it'"
    return _Need(True, None, where, warning)


def _most_a_day(
    ratio: Ratio | None, where: str, dose_mg: Decimal | None, strength_mg: float | None, problems: Problems
) -> int | None:
    """maxDosePerPeriod as the most doses a day: mg or tablets per 1 day (or 24 hours), a whole number of doses."""
    if ratio is None:
        return None
    if ratio.numerator is None or ratio.denominator is None:
        problems.add(where, "needs a numerator (mg or tablets) and a denominator (1 d or 24 h)")
        return None
    per = ratio.denominator
    one_day = per.system == UCUM and (per.code, per.value) in {("d", 1), ("h", 24)}
    if not one_day:
        problems.add(f"{where}.denominator", f"must be 1 day (UCUM d) or 24 hours (UCUM h) ({UCUM})")
    amount = amount_mg(ratio.numerator, f"{where}.numerator", strength_mg, problems)
    if amount is None or dose_mg is None or not one_day:
        return None
    doses = amount / dose_mg
    if doses != doses.to_integral_value():
        problems.add(f"{where}.numerator", "is not a whole number of doses (doseAndRate[0].doseQuantity)")
        return None
    return int(doses)
