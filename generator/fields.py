"""Value types of personalisation input, read the same way from YAML, JSON, CSV cells and the API.

The input models validate in pydantic's strict mode, so nothing is coerced behind the
user's back (`true` is not 1, a number is not text, 20261124 is not a date). These
validators run first and accept only unambiguous forms:

- a whole number: an integer (not true/false, not 3.0), or text of plain decimal digits
  without a leading zero (`14`; a CSV cell is text);
- an amount: a number, or text like `350` or `37.5`;
- a date: a date, or text `YYYY-MM-DD`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

from pydantic import BeforeValidator

from generator.strictdata import MAX_DIGITS, BadNumber

_WHOLE = re.compile(rf"-?(?:0|[1-9][0-9]{{0,{MAX_DIGITS - 1}}})")
_AMOUNT = re.compile(rf"-?(?:0|[1-9][0-9]{{0,{MAX_DIGITS - 1}}})(?:\.[0-9]{{1,{MAX_DIGITS}}})?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LIMIT = 10**MAX_DIGITS


def _refuse_oddities(value: Any, expected: str) -> None:
    if isinstance(value, BadNumber):
        raise ValueError(f"{value.reason}; expected {expected}")
    if isinstance(value, bool):
        raise ValueError(f"expected {expected}, not true or false")


def _whole_number(value: Any) -> Any:
    expected = "a whole number in plain digits, e.g. 14"
    _refuse_oddities(value, expected)
    if isinstance(value, int):
        if abs(value) >= _LIMIT:
            raise ValueError(f"number too large; expected {expected}")
        return value
    if isinstance(value, str):
        if not _WHOLE.fullmatch(value):
            raise ValueError(f"expected {expected} (digits only, no leading zero)")
        return int(value)
    raise ValueError(f"expected {expected}")


def _amount(value: Any) -> Any:
    expected = "a number in plain digits, e.g. 350 or 37.5"
    _refuse_oddities(value, expected)
    if isinstance(value, int):
        if abs(value) >= _LIMIT:
            raise ValueError(f"number too large; expected {expected}")
        return float(value)
    if isinstance(value, float):
        if not math.isfinite(value) or abs(value) >= _LIMIT:
            raise ValueError(f"number too large; expected {expected}")
        return value
    if isinstance(value, str):
        if not _AMOUNT.fullmatch(value):
            raise ValueError(f"expected {expected} (digits and one point only, no leading zero)")
        return float(value)
    raise ValueError(f"expected {expected}")


def _date(value: Any) -> Any:
    expected = "a date as YYYY-MM-DD"
    if isinstance(value, dt.datetime):
        raise ValueError(f"expected {expected}, without a time")
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _DATE.fullmatch(value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"not a calendar date; expected {expected}") from None
    raise ValueError(f"expected {expected}")


WholeNumber = BeforeValidator(_whole_number)
"""Annotate an `int` field with this: a count read without coercion."""
Amount = BeforeValidator(_amount)
"""Annotate a `float` field with this: an amount such as a dose in mg."""
IsoDate = BeforeValidator(_date)
"""Annotate a `dt.date` field with this: a calendar date."""
