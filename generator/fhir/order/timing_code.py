"""Timing.code beside (or instead of) Timing.repeat.

EHRs send a coded timing with the structured one: Epic always sends `timing.code`, often a local code or just
text (`{"text": "0900"}`, `{"text": "daily"}`). HL7's GTSAbbreviation codes (BID, TID, Q4H, BED, ...) say how
often, so they are read and must agree with timing.repeat; what timing.repeat leaves out (how often, or bedtime)
they fill in. A local or text-only code is ignored when timing.repeat gives the numbers and refused when it is
all there is: its meaning is the sender's.
"""

from __future__ import annotations

from dataclasses import dataclass

from fhir.resources.R4B.timing import Timing, TimingRepeat

from generator.content.dose_times import slot_of
from generator.fhir.order.timing import WHEN, slot_at
from generator.fhir.problems import Problems

GTS = "http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation"


@dataclass(frozen=True)
class CodedTiming:
    """What one GTSAbbreviation code says: so many times per period, maybe at one time of day; or why the
    leaflet cannot print it."""

    frequency: int
    period: int
    period_unit: str
    when: str | None = None
    unprintable: str | None = None


GTS_CODES: dict[str, CodedTiming] = {
    "QD": CodedTiming(1, 1, "d"),
    "BID": CodedTiming(2, 1, "d"),
    "TID": CodedTiming(3, 1, "d"),
    "QID": CodedTiming(4, 1, "d"),
    "AM": CodedTiming(1, 1, "d", "MORN"),
    "BED": CodedTiming(1, 1, "d", "HS"),
    "PM": CodedTiming(1, 1, "d", "AFT", unprintable="every afternoon"),
    "QOD": CodedTiming(1, 2, "d", unprintable="every other day"),
    **{f"Q{hours}H": CodedTiming(1, hours, "h") for hours in (1, 2, 3, 4, 6, 8)},
    "WK": CodedTiming(1, 1, "wk", unprintable="once a week"),
    "MO": CodedTiming(1, 1, "mo", unprintable="once a month"),
}
"""FHIR R4's timing-abbreviation value set (HL7 v3 GTSAbbreviation), as timing.repeat would say it. PM, QOD, WK
and MO are known so they are refused by name: the leaflet has no afternoon, and prints daily schedules."""


@dataclass(frozen=True)
class RepeatRead:
    """timing.repeat as read, and which of its elements came from timing.code (messages name the code for them)."""

    repeat: TimingRepeat | None
    from_code: tuple[str, ...] = ()


def _coded(timing: Timing, where: str, problems: Problems) -> CodedTiming | None:
    """The one GTSAbbreviation code of timing.code; None when it has none (a local code, or text)."""
    assert timing.code is not None
    codes = {coding.code for coding in timing.code.coding or [] if coding.system == GTS and coding.code}
    if len(codes) > 1:
        problems.add(f"{where}.coding", "more than one GTSAbbreviation code; which is meant is unclear")
        return None
    code = next(iter(codes), None)
    if code is not None and code not in GTS_CODES:
        problems.add(f"{where}.coding", "not a GTSAbbreviation code the leaflet reads")
    return GTS_CODES.get(code) if code else None


def _slots(repeat: TimingRepeat) -> set[str | None]:
    """The times of day timing.repeat names, by when code or clock time."""
    times = [WHEN.get(code) for code in repeat.when or []] + [slot_at(time) for time in repeat.timeOfDay or []]
    return {slot_of(time) if time else None for time in times}


def timing_repeat(timing: Timing, where: str, problems: Problems) -> RepeatRead:
    """timing.repeat, completed (or made) from a GTSAbbreviation timing.code that agrees with it; no repeat, with
    a problem, when the two disagree or nothing gives the numbers. `where` is the Timing's path."""
    repeat = timing.repeat
    if timing.code is None:
        if repeat is None:
            problems.add(f"{where}.repeat", "missing")
        return RepeatRead(repeat)
    coded = _coded(timing, f"{where}.code", problems)
    if coded is None:
        if repeat is None:
            problems.add(
                f"{where}.code",
                f"timing.code only, in no code system the leaflet reads ({GTS}); send timing.repeat",
            )
        return RepeatRead(repeat)
    if coded.unprintable:
        problems.add(f"{where}.code", f"{coded.unprintable} is not printed: the leaflet prints daily schedules")
        return RepeatRead(None)
    base = repeat or TimingRepeat.model_construct()
    said = {"frequency": coded.frequency, "period": coded.period, "periodUnit": coded.period_unit}
    given = {"frequency": base.frequencyMax or base.frequency, "period": base.period, "periodUnit": base.periodUnit}
    if any(value is not None and value != said[name] for name, value in given.items()):
        problems.add(f"{where}.code", f"disagrees with {where}.repeat on how often; give one, or make them agree")
        return RepeatRead(None)
    coded_slot = slot_of(WHEN[coded.when]) if coded.when else None
    if coded_slot and (base.when or base.timeOfDay) and _slots(base) != {coded_slot}:
        problems.add(f"{where}.code", f"disagrees with {where}.repeat on the time of day; give one, or make them agree")
        return RepeatRead(None)
    changes: dict[str, object] = {name: said[name] for name, value in given.items() if value is None}
    if coded.when and not (base.when or base.timeOfDay):
        changes["when"] = [coded.when]
    return RepeatRead(base.model_copy(update=changes), tuple(changes))
