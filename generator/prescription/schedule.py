"""The dose schedule: the one account of what the patient takes on each day.

The generator computes it from the prescription (`generator.prescription.dosing`), prints it itself
and verifies it on the finished page; content templates may refer to it, never re-derive it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class ScheduleStep:
    """A period of the course at one dose: whole tablets of one strength, a number of times a day."""

    start: dt.date
    end: dt.date
    tablets: int
    strength_mg: float
    times_per_day: int

    @property
    def dose_mg(self) -> float:
        """Milligrams in each dose."""
        return self.tablets * self.strength_mg

    @property
    def days(self) -> int:
        """How many days the step lasts."""
        return (self.end - self.start).days + 1


@dataclass(frozen=True)
class Schedule:
    """The full-dose step, then each taper step, back to back."""

    steps: tuple[ScheduleStep, ...]
    form: str
    """The dose form, e.g. tablet."""

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
