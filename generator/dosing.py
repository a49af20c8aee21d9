"""Checks a prescription against the topic's limits and works out the course dates."""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from generator.content import Limits, Medicine, Topic
from generator.errors import InputError
from generator.inputs import Prescription


@dataclass(frozen=True)
class DoseStep:
    """A period of the course at one dose."""

    start: dt.date
    end: dt.date
    dose_mg: float
    times_per_day: int
    tablets: int
    strength_mg: float


@dataclass(frozen=True)
class Course:
    """The checked prescription: the full-dose period, then any taper steps."""

    steps: tuple[DoseStep, ...]
    stop_by: dt.date

    @property
    def first(self) -> DoseStep:
        """The full-dose period."""
        return self.steps[0]

    @property
    def taper(self) -> tuple[DoseStep, ...]:
        """The taper steps, possibly none."""
        return self.steps[1:]


_NO_INCREASE = "a taper must not increase the dose"


def _mg(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


class _Checker:
    """Collects every limit problem of one prescription, then reports them together."""

    def __init__(self, where: str, medicine: Medicine, limits: Limits) -> None:
        self.where = where
        self.medicine = medicine
        self.limits = limits
        self.problems: list[tuple[str, str]] = []

    def fail(self, field: str, message: str) -> None:
        self.problems.append((field, message))

    def tablets(self, field: str, dose_mg: float, strength_mg: float | None) -> tuple[int, float]:
        strengths = sorted(self.medicine.strengths_mg, reverse=True)
        candidates = [strength_mg] if strength_mg else strengths
        for strength in candidates:
            count = dose_mg / strength
            if count.is_integer() and count >= 1:
                return int(count), strength
        sold = " or ".join(f"{_mg(s)} mg" for s in (candidates if strength_mg else strengths))
        self.fail(field, f"{_mg(dose_mg)} mg cannot be made from whole {sold} {self.medicine.form}s")
        return 0, candidates[0]

    def dose(self, prefix: str, dose_mg: float, times_per_day: int) -> None:
        name, limits = self.medicine.name, self.limits
        if dose_mg > limits.max_dose_mg:
            self.fail(
                f"{prefix}dose_mg",
                f"{_mg(dose_mg)} mg is above the {_mg(limits.max_dose_mg)} mg limit per dose for {name}",
            )
        if times_per_day > limits.max_times_per_day:
            self.fail(
                f"{prefix}times_per_day",
                f"{times_per_day} doses a day is above the limit of {limits.max_times_per_day} a day for {name}",
            )
        daily = dose_mg * times_per_day
        if daily > limits.max_daily_mg:
            self.fail(
                f"{prefix}times_per_day",
                f"{_mg(daily)} mg a day is above the {_mg(limits.max_daily_mg)} mg daily limit for {name}",
            )

    def raise_if_any(self) -> None:
        if self.problems:
            text = "; ".join(f"{field}: {message}" for field, message in self.problems)
            raise InputError(f"{self.where}: {text}", tuple(self.problems))


def check_course(rx: Prescription | None, topic: Topic, where: str) -> Course:
    """Refuse a prescription beyond the topic's limits; return the course it describes."""
    if topic.medicine is None or topic.limits is None:
        raise InputError(f"{where}: prescription: topic '{topic.title}' is not about a medicine")
    if rx is None:
        raise InputError(f"{where}: prescription: missing required field (the topic is about {topic.medicine.name})")
    medicine, limits = topic.medicine, topic.limits
    check = _Checker(where, medicine, limits)
    if rx.medicine.strip().lower() not in {medicine.name.lower(), (medicine.brand or "").lower()}:
        check.fail("prescription.medicine", f"does not match the topic's medicine '{medicine.name}'")
    if rx.strength_mg and rx.strength_mg not in medicine.strengths_mg:
        sold = ", ".join(f"{_mg(s)} mg" for s in medicine.strengths_mg)
        check.fail(
            "prescription.strength_mg", f"{_mg(rx.strength_mg)} mg is not a strength of {medicine.name} ({sold})"
        )
    check.dose("prescription.", rx.dose_mg, rx.times_per_day)
    if limits.max_days and rx.days_supply > limits.max_days:
        check.fail(
            "prescription.days_supply",
            f"{rx.days_supply} days is above the {limits.max_days}-day limit for {medicine.name}",
        )
    count, strength = check.tablets("prescription.dose_mg", rx.dose_mg, rx.strength_mg)

    full_end = rx.start + dt.timedelta(days=rx.days_supply - 1)
    steps = [DoseStep(rx.start, full_end, rx.dose_mg, rx.times_per_day, count, strength)]
    for index, step in enumerate(rx.taper):
        field = f"prescription.taper[{index}]."
        before = steps[-1]
        if index == 0 and step.from_ != full_end + dt.timedelta(days=1):
            day_after = (full_end + dt.timedelta(days=1)).isoformat()
            check.fail(f"{field}from", f"{step.from_.isoformat()} must be {day_after}, the day after the days_supply")
        elif step.from_ <= before.start:
            check.fail(f"{field}from", f"{step.from_.isoformat()} must be after {before.start.isoformat()}")
        daily, daily_before = step.dose_mg * step.times_per_day, before.dose_mg * before.times_per_day
        if step.dose_mg > before.dose_mg:
            check.fail(
                f"{field}dose_mg",
                f"{_mg(step.dose_mg)} mg is more than the step before ({_mg(before.dose_mg)} mg); {_NO_INCREASE}",
            )
        elif daily > daily_before:
            more = f"{_mg(daily)} mg a day is more than the step before ({_mg(daily_before)} mg a day)"
            check.fail(f"{field}times_per_day", f"{more}; {_NO_INCREASE}")
        check.dose(field, step.dose_mg, step.times_per_day)
        tablets, step_strength = check.tablets(f"{field}dose_mg", step.dose_mg, rx.strength_mg)
        steps[-1] = dataclasses.replace(before, end=step.from_ - dt.timedelta(days=1))
        steps.append(DoseStep(step.from_, step.from_, step.dose_mg, step.times_per_day, tablets, step_strength))

    stop_by = rx.last_day or full_end
    if rx.taper and rx.last_day is None:
        check.fail("prescription.last_day", "required with a taper plan: the last day of the last step")
    elif rx.last_day and not rx.taper:
        check.fail(
            "prescription.last_day", "only used with a taper plan; without one the course ends after days_supply"
        )
    elif rx.last_day and rx.last_day < steps[-1].start:
        check.fail("prescription.last_day", f"{rx.last_day.isoformat()} is before the last dose step starts")
    if rx.taper and rx.last_day:
        steps[-1] = dataclasses.replace(steps[-1], end=rx.last_day)
    days = (stop_by - rx.start).days + 1
    if limits.max_days and days > limits.max_days:
        field = "prescription.last_day" if rx.last_day else "prescription.days_supply"
        check.fail(
            field, f"the course would last {days} days, above the {limits.max_days}-day limit for {medicine.name}"
        )
    check.raise_if_any()
    return Course(tuple(steps), stop_by)
