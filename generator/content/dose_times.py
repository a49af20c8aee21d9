"""The times of day a dose can be given at: four slots of the day (USP General Chapter <17>'s explicit
times, "in the morning and in the evening" rather than "twice daily") and the meals that fall in them.

Every language's labels word each time; the dose calendar has a column per slot.
"""

from __future__ import annotations

from typing import Literal, get_args

Slot = Literal["morning", "midday", "evening", "bedtime"]
SLOTS: tuple[Slot, ...] = get_args(Slot)
"""The slots of the day, in the order of the day."""

DoseTime = Literal[
    "morning",
    "midday",
    "evening",
    "bedtime",
    "before-breakfast",
    "with-breakfast",
    "after-breakfast",
    "before-lunch",
    "with-lunch",
    "after-lunch",
    "before-dinner",
    "with-dinner",
    "after-dinner",
]
"""When a dose is taken: a slot, or a meal (which falls in a slot)."""
DOSE_TIMES: tuple[DoseTime, ...] = get_args(DoseTime)

_MEAL_SLOTS: dict[str, Slot] = {"breakfast": "morning", "lunch": "midday", "dinner": "evening"}


def slot_of(time: str) -> Slot:
    """The slot of the day a dose time falls in: with-breakfast is in the morning."""
    if time in SLOTS:
        return time  # type: ignore[return-value]
    return _MEAL_SLOTS[time.rsplit("-", 1)[1]]
