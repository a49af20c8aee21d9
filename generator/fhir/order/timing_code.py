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

from generator.fhir.problems import Problems

GTS = "http://terminology.hl7.org/CodeSystem/v3-GTSAbbreviation"


@dataclass(frozen=True)
class CodedTiming:
    """What one GTSAbbreviation code says: so many times per period, maybe at one time of day."""

    frequency: int
    period: int
    period_unit: str
    when: str | None = None


GTS_CODES: dict[str, CodedTiming] = {
    "QD": CodedTiming(1, 1, "d"),
    "BID": CodedTiming(2, 1, "d"),
    "TID": CodedTiming(3, 1, "d"),
    "QID": CodedTiming(4, 1, "d"),
    "AM": CodedTiming(1, 1, "d", "MORN"),
    "PM": CodedTiming(1, 1, "d", "AFT"),
    "BED": CodedTiming(1, 1, "d", "HS"),
    "QOD": CodedTiming(1, 2, "d"),
    **{f"Q{hours}H": CodedTiming(1, hours, "h") for hours in (1, 2, 3, 4, 6, 8)},
    "WK": CodedTiming(1, 1, "wk"),
    "MO": CodedTiming(1, 1, "mo"),
}
"""FHIR R4's timing-abbreviation value set (HL7 v3 GTSAbbreviation), as timing.repeat would say it. PM (every
afternoon), QOD, WK and MO are read so they can be checked, and then refused as what the leaflet does not print."""


def _coded(timing: Timing, where: str, problems: Problems) -> CodedTiming | None:
    """The one GTSAbbreviation code of timing.code; None when it has none (a local code, or text)."""
    assert timing.code is not None
    codes = {coding.code for coding in timing.code.coding or [] if coding.system == GTS and coding.code}
    if len(codes) > 1:
        problems.add(f"{where}.coding", "more than one GTSAbbreviation code; which is meant is unclear")
        return None
    code = next(iter(codes), None)
    if code is not None and code not in GTS_CODES:
        problems.add(f"{where}.coding", f"{code} is not a GTSAbbreviation code the leaflet reads")
    return GTS_CODES.get(code) if code else None


def timing_repeat(timing: Timing, where: str, problems: Problems) -> TimingRepeat | None:
    """timing.repeat, completed (or made) from a GTSAbbreviation timing.code that agrees with it; None, with a
    problem, when the two disagree or nothing gives the numbers. `where` is the Timing's path."""
    repeat = timing.repeat
    if timing.code is None:
        if repeat is None:
            problems.add(f"{where}.repeat", "missing")
        return repeat
    coded = _coded(timing, f"{where}.code", problems)
    if coded is None:
        if repeat is None:
            problems.add(
                f"{where}.code",
                f"timing.code only, in no code system the leaflet reads ({GTS}); send timing.repeat",
            )
        return repeat
    base = repeat or TimingRepeat.model_construct()
    said = {"frequency": coded.frequency, "period": coded.period, "periodUnit": coded.period_unit}
    given = {"frequency": base.frequencyMax or base.frequency, "period": base.period, "periodUnit": base.periodUnit}
    if any(value is not None and value != said[name] for name, value in given.items()):
        problems.add(f"{where}.code", f"disagrees with {where}.repeat on how often; give one, or make them agree")
        return None
    if coded.when and (base.when or base.timeOfDay) and list(base.when or []) != [coded.when]:
        problems.add(f"{where}.code", f"disagrees with {where}.repeat on the time of day; give one, or make them agree")
        return None
    changes: dict[str, object] = {name: said[name] for name, value in given.items() if value is None}
    if coded.when and not (base.when or base.timeOfDay):
        changes["when"] = [coded.when]
    return base.model_copy(update=changes)
