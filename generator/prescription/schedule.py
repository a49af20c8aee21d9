"""The dose schedule: the one account of what the patient takes on each day.

The generator computes it from the prescription (`generator.prescription.dosing`), prints it itself
and verifies it on the finished page; content templates may refer to it, never re-derive it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ScheduleStep:
    """A period of the course at one dose: whole tablets of one strength, so many times a day.

    A dose is taken at set times of day (`times`), or every so many hours (`every_hours`), or only when
    needed (`as_needed`, at most `times_per_day` a day, at least `every_hours` apart when set)."""

    start: dt.date
    end: dt.date
    tablets: int
    strength_mg: float
    times_per_day: int
    """Doses a day: at set times, the doses; every so many hours or when needed, the most."""
    times: tuple[str, ...] = ()
    """When each dose is taken (generator.content.dose_times), in the order of the day; empty otherwise."""
    every_hours: int | None = None
    as_needed: bool = False
    reason: str | None = None
    """What it is taken for when needed: a key of the topic's as_needed_reasons."""

    @property
    def dose_mg(self) -> float:
        """Milligrams in each dose."""
        return self.tablets * self.strength_mg

    @property
    def days(self) -> int:
        """How many days the step lasts."""
        return (self.end - self.start).days + 1

    @property
    def daily_tablets(self) -> int:
        """The most tablets in one day: the prescription's own limit, never the label's."""
        return self.tablets * self.times_per_day

    @property
    def daily_mg(self) -> float:
        """The most milligrams in one day."""
        return self.dose_mg * self.times_per_day


@dataclass(frozen=True)
class Schedule:
    """The full-dose step, then each taper step, back to back."""

    steps: tuple[ScheduleStep, ...]
    form: str
    """The dose form, e.g. tablet."""
    refills: int | None = None
    """How many times the prescription may be filled again, when the prescription says."""
    product: str | None = None
    """The product dispensed (a key of the topic's products), for a topic with several products."""

    @property
    def start(self) -> dt.date:
        """The first day to take it."""
        return self.steps[0].start

    @property
    def last_day(self) -> dt.date:
        """The last day to take it."""
        return self.steps[-1].end

    @property
    def strengths_mg(self) -> tuple[float, ...]:
        """The tablet strengths the course uses, in the order first used."""
        return tuple(dict.fromkeys(step.strength_mg for step in self.steps))
