"""Checks a prescription against the topic's label rules and computes its dose schedule."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from generator.content.dose_times import SLOTS, slot_of
from generator.content.topic import Limit, Limits, Medicine, Product, Topic
from generator.errors import InputError
from generator.inputs.personalisation import MAX_COURSE_DAYS, Prescription
from generator.prescription.schedule import Schedule, ScheduleStep

_NO_INCREASE = "a taper must not increase the dose"
_RULE_ORDER = ("max_dose_mg", "max_times_per_day", "max_daily_mg", "max_days")
"""Per-dose rules first, so a daily total is not reported again for a dose already refused."""


def mg_text(value: float) -> str:
    """Milligrams as written in messages: 1,500 or 7.5 or 350.000035 (every digit: 350.000035 mg is not 350 mg)."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


def _days_text(limit: Limit) -> str:
    if limit.from_day == 1 and limit.until_day is None:
        return ""
    if limit.until_day is None:
        return f" from day {limit.from_day} of the course"
    if limit.from_day == 1:
        return f" on days 1 to {limit.until_day} of the course"
    return f" on days {limit.from_day} to {limit.until_day} of the course"


@dataclass(frozen=True)
class _Step:
    """A step as prescribed, before its tablets are worked out."""

    field: str
    """Where it is in the input, e.g. prescription. or prescription.taper[1]."""
    start: dt.date
    end: dt.date
    dose_mg: float
    times_per_day: int
    strength_mg: float | None
    times: tuple[str, ...] | None
    """When each dose is taken, as given (None: the topic's usual times)."""


class _Checker:
    """Collects every problem of one prescription, then reports them together."""

    def __init__(self, where: str, medicine: Medicine, limits: Limits, course_start: dt.date) -> None:
        self.where, self.medicine, self.limits, self.course_start = where, medicine, limits, course_start
        self.problems: list[tuple[str, str]] = []

    def fail(self, field: str, message: str) -> None:
        self.problems.append((field, message))

    def failed(self, prefix: str) -> bool:
        """Whether a dose field of the step at `prefix` already has a problem."""
        return any(field in (f"{prefix}dose_mg", f"{prefix}times_per_day") for field, _ in self.problems)

    def strength(self, step: _Step, before: float | None) -> float | None:
        """The tablet strength of a step: given, else the step before's, else the only one that makes the dose."""
        name, form, sold = self.medicine.name, self.medicine.form, self.medicine.strengths_mg
        listed = " or ".join(f"{mg_text(s)} mg" for s in sold)
        chosen = step.strength_mg or before
        if step.strength_mg and step.strength_mg not in sold:
            self.fail(
                f"{step.field}strength_mg", f"{mg_text(step.strength_mg)} mg is not a strength of {name} ({listed})"
            )
            return None
        if chosen is not None:
            if not _whole(step.dose_mg, chosen):
                self.fail(
                    f"{step.field}dose_mg",
                    f"{mg_text(step.dose_mg)} mg cannot be made from whole {mg_text(chosen)} mg {form}s"
                    + ("" if step.strength_mg else f"; give {step.field}strength_mg if another strength is dispensed"),
                )
                return None
            return chosen
        makes = [s for s in sorted(sold, reverse=True) if _whole(step.dose_mg, s)]
        if not makes:
            self.fail(f"{step.field}dose_mg", f"{mg_text(step.dose_mg)} mg cannot be made from whole {listed} {form}s")
            return None
        if len(makes) > 1:
            ways = " or ".join(f"{int(step.dose_mg // s)} x {mg_text(s)} mg" for s in makes)
            self.fail(
                f"{step.field}strength_mg",
                f"required: {mg_text(step.dose_mg)} mg can be made as {ways} {form}s; give the strength dispensed",
            )
            return None
        return makes[0]

    def rules(self, step: _Step) -> None:
        """Check a step against every dose rule for the course days it covers."""
        first_day = (step.start - self.course_start).days + 1
        last_day = (step.end - self.course_start).days + 1
        name, daily = self.medicine.name, step.dose_mg * step.times_per_day
        dose_refused = False
        for limit in sorted(self.limits.root, key=lambda limit: _RULE_ORDER.index(limit.rule)):
            if not limit.covers(first_day, last_day):
                continue
            when = _days_text(limit)
            if limit.rule == "max_dose_mg" and step.dose_mg > limit.value:
                message = f"{mg_text(step.dose_mg)} mg a dose is above the {mg_text(limit.value)} mg limit{when}"
                self.fail(f"{step.field}dose_mg", f"{message} for {name}")
                dose_refused = True
            elif limit.rule == "max_times_per_day" and step.times_per_day > limit.value:
                message = f"{step.times_per_day} doses a day is above the limit of {limit.value:g} a day{when}"
                self.fail(f"{step.field}times_per_day", f"{message} for {name}")
            elif limit.rule == "max_daily_mg" and daily > limit.value and not dose_refused:
                message = f"{mg_text(daily)} mg a day is above the {mg_text(limit.value)} mg daily limit{when}"
                self.fail(f"{step.field}dose_mg", f"{message} for {name}")

    def raise_if_any(self) -> None:
        if self.problems:
            text = "; ".join(f"{field}: {message}" for field, message in self.problems)
            raise InputError(f"{self.where}: {text}", tuple(self.problems))


def _whole(dose_mg: float, strength_mg: float) -> bool:
    count = dose_mg / strength_mg
    return count >= 1 and abs(count - round(count)) < 1e-9


def _steps(rx: Prescription, check: _Checker) -> list[_Step]:
    """The prescribed steps with their dates; date problems go to `check`. A step given by its `days` starts
    the next step (or ends the course); given beside a `from` (or `last_day`) the two must agree."""
    full_end = rx.start + dt.timedelta(days=rx.days_supply - 1)
    given = tuple(rx.times) if rx.times else None
    steps = [_Step("prescription.", rx.start, full_end, rx.dose_mg, rx.times_per_day, rx.strength_mg, given)]
    ends: dt.date | None = full_end  # the last day of the step before, when known
    for index, taper in enumerate(rx.taper):
        field = f"prescription.taper[{index}]."
        before = steps[-1]
        start = taper.from_ or (ends + dt.timedelta(days=1) if ends else None)
        if start is None:
            check.fail(
                f"prescription.taper[{index - 1}].days", "required: the days at this dose, or the next step's from"
            )
            return steps
        if index == 0 and start != full_end + dt.timedelta(days=1):
            day_after = (full_end + dt.timedelta(days=1)).isoformat()
            check.fail(f"{field}from", f"must be {day_after}, the day after the full-dose days (days_supply)")
        elif index and ends and start != ends + dt.timedelta(days=1):
            days = rx.taper[index - 1].days
            check.fail(
                f"prescription.taper[{index - 1}].days",
                f"{days} days end on {ends.isoformat()}, but the next step starts {start.isoformat()}: they must agree",
            )
        elif start <= before.start:
            check.fail(f"{field}from", f"must be after the step before starts ({before.start.isoformat()})")
        steps[-1] = replace(before, end=start - dt.timedelta(days=1))
        ends = start + dt.timedelta(days=taper.days - 1) if taper.days else None
        times = tuple(taper.times) if taper.times else None
        steps.append(_Step(field, start, ends or start, taper.dose_mg, taper.times_per_day, taper.strength_mg, times))
    last_day = rx.last_day or (ends if rx.taper else None)
    if rx.taper and rx.last_day and ends and rx.last_day != ends:
        days = rx.taper[-1].days
        check.fail("prescription.last_day", f"must be {ends.isoformat()}, the last of the last step's {days} days")
    elif rx.taper and last_day is None:
        days = f"prescription.taper[{len(rx.taper) - 1}].days"
        check.fail(days, "required: the days at this dose, or the course's last_day")
    elif rx.last_day and not rx.taper:
        check.fail(
            "prescription.last_day", "only used with a taper plan; without one the course ends after days_supply"
        )
    elif last_day and last_day < steps[-1].start:
        check.fail("prescription.last_day", f"is before the last step starts ({steps[-1].start.isoformat()})")
    elif last_day:
        steps[-1] = replace(steps[-1], end=last_day)
    return steps


def make_schedule(rx: Prescription | None, topic: Topic, where: str, clinic_max_days: int | None = None) -> Schedule:
    """Refuse a prescription beyond the topic's rules (or the clinic's course limit); return its schedule.

    Every problem is reported at once, each naming its field.
    """
    if topic.medicine is None:
        raise InputError(f"{where}: prescription: topic '{topic.title}' is not about a medicine")
    if rx is None:
        raise InputError(
            f"{where}: prescription: missing required field (the topic is about {topic.medicine.name})",
            (("prescription", "missing required field"),),
        )
    medicine, limits, product = _dispensed(rx, topic, where)
    check = _Checker(where, medicine, limits, rx.start)
    if product is None and rx.medicine.strip().lower() not in {medicine.name.lower(), (medicine.brand or "").lower()}:
        check.fail("prescription.medicine", f"does not match the topic's medicine '{medicine.name}'")
    prescribed = _steps(rx, check)
    steps: list[ScheduleStep] = []
    strength: float | None = None
    for index, step in enumerate(prescribed):
        if index:
            before = prescribed[index - 1]
            if step.dose_mg > before.dose_mg:
                check.fail(
                    f"{step.field}dose_mg", f"more than the step before ({mg_text(before.dose_mg)} mg); {_NO_INCREASE}"
                )
            elif step.dose_mg * step.times_per_day > before.dose_mg * before.times_per_day:
                daily_before = mg_text(before.dose_mg * before.times_per_day)
                check.fail(
                    f"{step.field}times_per_day",
                    f"more mg a day than the step before ({daily_before} mg); {_NO_INCREASE}",
                )
        check.rules(step)
        if check.failed(step.field):
            strength = None  # its dose is already refused: a tablet-count message would only add noise
            continue
        strength = check.strength(step, strength)
        times = _dose_times(step, rx, topic, check)
        if strength is not None and times is not None:
            tablets = round(step.dose_mg / strength)
            when = {"every_hours": rx.every_hours, "as_needed": rx.as_needed, "reason": rx.as_needed_for}
            steps.append(ScheduleStep(step.start, step.end, tablets, strength, step.times_per_day, times, **when))
    _how_often(rx, topic, check)
    _course_length(prescribed, limits, clinic_max_days, rx, check)
    check.raise_if_any()
    return Schedule(tuple(steps), medicine.form, rx.refills, product.key if product else None)


def _dispensed(rx: Prescription, topic: Topic, where: str) -> tuple[Medicine, Limits, Product | None]:
    """The medicine as dispensed and the label rules it keeps. For a topic with products (a salt, an
    over-the-counter strength): of the products the prescription's name allows (all for the medicine's own name),
    the one whose tablets make its first dose; two that could is a question for staff, never a guess."""
    assert topic.medicine is not None
    medicine = topic.medicine
    if not topic.products:
        assert topic.limits is not None
        return medicine, topic.limits, None
    given = rx.medicine.strip().casefold()
    if given in {medicine.name.casefold(), (medicine.brand or "").casefold()}:
        candidates = topic.products  # the medicine's own name: the tablet strength says which product
    else:
        candidates = [product for product in topic.products if given in product.names()]
    if not candidates:
        message = f"does not match the topic's medicine '{medicine.name}' or its products"
        raise InputError(f"{where}: prescription.medicine: {message}", (("prescription.medicine", message),))
    fits = [product for product in candidates if _first_strengths(rx, product)]
    if len(fits) == 1:
        found = fits[0]
        view = Medicine(name=found.name, brand=found.brand, form=medicine.form, strengths_mg=found.strengths_mg)
        return view, found.limits, found
    sold = "; ".join(f"{p.name} {' or '.join(f'{mg_text(s)} mg' for s in p.strengths_mg)}" for p in candidates)
    if fits:
        field, message = "prescription.strength_mg", f"required: {mg_text(rx.dose_mg)} mg can be made from {sold}"
        message += f" {medicine.form}s; give the strength dispensed"
    elif rx.strength_mg:
        field, message = "prescription.strength_mg", f"{mg_text(rx.strength_mg)} mg is not a strength of {sold}"
    else:
        field, message = "prescription.dose_mg", f"{mg_text(rx.dose_mg)} mg cannot be made from whole tablets of {sold}"
    raise InputError(f"{where}: {field}: {message}", ((field, message),))


def _first_strengths(rx: Prescription, product: Product) -> list[float]:
    """The product's strengths the first dose is dispensed in: the one given, else those whose whole tablets make it."""
    if rx.strength_mg:
        return [rx.strength_mg] if rx.strength_mg in product.strengths_mg else []
    return [strength for strength in product.strengths_mg if _whole(rx.dose_mg, strength)]


def _dose_times(step: _Step, rx: Prescription, topic: Topic, check: _Checker) -> tuple[str, ...] | None:
    """When each dose of `step` is taken, in the order of the day: as given, else the topic's usual times;
    none for doses every so many hours or when needed. None (with a problem) when they cannot be worked out."""
    field = f"{step.field}times"
    if rx.every_hours:
        if step.times:
            check.fail(field, "not with every_hours: those doses are not taken at set times of day")
            return None
        return ()
    if rx.as_needed and step.times is None:  # when needed, at any time of day
        return ()
    if step.times is None:
        usual = topic.usual_times(step.times_per_day)
        if usual is None:
            count = step.times_per_day
            check.fail(field, f"required for {count} doses a day (give every_hours for doses every so many hours)")
            return None
        return tuple(usual)
    if len(step.times) != step.times_per_day:
        check.fail(field, f"gives {len(step.times)} times of day for {step.times_per_day} doses a day")
        return None
    slots = [slot_of(time) for time in step.times]
    if len(set(slots)) != len(slots):
        check.fail(field, "gives two doses at the same time of day")
        return None
    return tuple(sorted(step.times, key=lambda time: SLOTS.index(slot_of(time))))


def _how_often(rx: Prescription, topic: Topic, check: _Checker) -> None:
    """Doses every so many hours, or when needed: they must fit in a day, and need no taper plan."""
    if rx.every_hours and (rx.times_per_day - 1) * rx.every_hours >= 24:
        check.fail(
            "prescription.every_hours",
            f"{rx.times_per_day} doses {rx.every_hours} hours apart do not fit in one day (times_per_day is the most "
            "a day)",
        )
    if (rx.as_needed or rx.every_hours) and rx.taper:
        check.fail(
            "prescription.taper",
            "a taper plan is printed for doses at set times of day, not with "
            + ("as_needed" if rx.as_needed else "every_hours"),
        )
    if rx.as_needed_for is None:
        return
    if not rx.as_needed:
        check.fail("prescription.as_needed_for", "only with as_needed: true")
    elif rx.as_needed_for not in topic.as_needed_reasons:
        known = ", ".join(sorted(topic.as_needed_reasons)) or "none"
        check.fail("prescription.as_needed_for", f"not a reason {check.medicine.name} is taken for (known: {known})")


def _course_length(
    steps: list[_Step], limits: Limits, clinic_max_days: int | None, rx: Prescription, check: _Checker
) -> None:
    days = (steps[-1].end - steps[0].start).days + 1
    if days > MAX_COURSE_DAYS:
        field = "prescription.last_day" if rx.last_day else "prescription.days_supply"
        check.fail(field, f"the course would last {days} days; a leaflet covers at most {MAX_COURSE_DAYS}")
        return
    label = limits.max_days
    allowed: list[tuple[int, str]] = []
    if label:
        allowed.append((int(label.value), ""))
    if clinic_max_days:
        allowed.append((clinic_max_days, " set by the clinic"))
    if not allowed:
        return
    most, whose = min(allowed)
    name = check.medicine.name
    if rx.days_supply > most:
        check.fail("prescription.days_supply", f"{rx.days_supply} days is above the {most}-day limit{whose} for {name}")
    elif days > most:
        field = "prescription.last_day" if rx.last_day else "prescription.days_supply"
        check.fail(field, f"the course would last {days} days, above the {most}-day limit{whose} for {name}")
