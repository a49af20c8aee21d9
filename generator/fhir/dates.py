"""FHIR date and dateTime values as the days a leaflet prints.

A dateTime is read in the offset it carries: `2026-12-01T22:00:00-05:00` is December 1, the day the
prescriber's clock showed (FHIR requires an offset on every dateTime with a time). The end of a period is
exclusive at midnight: a period ending `2026-12-08T00:00:00-05:00` ends as December 8 begins, so its last day
is December 7; a period ending on a date (`2026-12-08`) includes that day.
"""

from __future__ import annotations

import datetime as dt

from generator.fhir.problems import Problems


def day_of(value: object) -> dt.date | None:
    """The day a full date or dateTime falls on; None for a partial date (a year, or a year and month)."""
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def end_day_of(value: object) -> dt.date | None:
    """The last day a period ending at `value` includes: the day before, for a dateTime at midnight."""
    day = day_of(value)
    if isinstance(value, dt.datetime) and value.time() == dt.time(0) and day is not None and day > dt.date.min:
        return day - dt.timedelta(days=1)
    return day


def first_day(value: object, path: str, problems: Problems) -> dt.date | None:
    """`day_of`, or a problem at `path` for a partial date."""
    day = day_of(value)
    if day is None:
        problems.add(path, "needs a full date (YYYY-MM-DD)")
    return day


def last_day(value: object, path: str, problems: Problems) -> dt.date | None:
    """`end_day_of`, or a problem at `path` for a partial date."""
    day = end_day_of(value)
    if day is None:
        problems.add(path, "needs a full date (YYYY-MM-DD)")
    return day


def _bound(value: object, end: bool) -> dt.date | None:
    """A period bound as a day, a partial date (`2020`, `2020-07`) as its first or, for an end, its last day."""
    if isinstance(value, str) and value[:4].isdigit():
        year, month = int(value[:4]), int(value[5:7]) if len(value) >= 7 else (12 if end else 1)
        if not end:
            return dt.date(year, month, 1)
        if year == dt.MAXYEAR and month == 12:
            return None  # 9999, as systems write "no end": open
        following = dt.date(year + (month == 12), month % 12 + 1, 1)
        return following - dt.timedelta(days=1)
    return end_day_of(value) if end else day_of(value)


def period_covers(start: object, end: object, on: dt.date) -> bool:
    """Whether a period (either bound may be missing or a partial date) includes the day `on`."""
    first, last = _bound(start, end=False), _bound(end, end=True)
    return (first is None or first <= on) and (last is None or on <= last)
