"""Value types of personalisation input, read the same way from YAML, JSON, CSV cells and the API.

The input models validate in pydantic's strict mode, so nothing is coerced behind the
user's back (`true` is not 1, a number is not text, 20261124 is not a date). These
validators run first and accept only unambiguous forms:

- a whole number: an integer (not true/false, not 3.0), or text of plain decimal digits
  without a leading zero (`14`; a CSV cell is text);
- an amount: a number, or text like `350` or `37.5`, whose value a float holds exactly;
- a date: a date, or text `YYYY-MM-DD`;
- a flag: true or false, or the text `true` or `false`;
- a list: a list, or text with `;` between items (`morning;bedtime`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

from pydantic import BeforeValidator

from generator.inputs.strictdata import MAX_DIGITS, BadNumber, exact_decimal

_WHOLE = re.compile(rf"-?(?:0|[1-9][0-9]{{0,{MAX_DIGITS - 1}}})")
_AMOUNT = re.compile(rf"-?(?:0|[1-9][0-9]{{0,{MAX_DIGITS - 1}}})(?:\.[0-9]{{1,{MAX_DIGITS}}})?")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_LIMIT = 10**MAX_DIGITS


def _number_reader(
    native: tuple[type, ...], text: re.Pattern[str], convert: type, expected: str, hint: str
) -> Callable[[Any], Any]:
    """A validator taking numbers of the `native` types, or text matching `text`; never true/false."""

    def read(value: Any) -> Any:
        if isinstance(value, BadNumber):
            raise ValueError(f"{value.reason}; expected {expected}")
        if isinstance(value, bool):
            raise ValueError(f"expected {expected}, not true or false")
        if isinstance(value, native):
            if not abs(value) < _LIMIT:  # also NaN
                raise ValueError(f"number too large or not finite; expected {expected}")
            return convert(value)
        if isinstance(value, str):
            if not text.fullmatch(value):
                raise ValueError(f"expected {expected} ({hint})")
            read = exact_decimal(value) if convert is float else convert(value)
            if isinstance(read, BadNumber):
                raise ValueError(f"{read.reason}; expected {expected}")
            return read
        raise ValueError(f"expected {expected}")

    return read


_whole_number = _number_reader(
    (int,), _WHOLE, int, "a whole number in plain digits, e.g. 14", "digits only, no leading zero"
)
_amount = _number_reader(
    (int, float),
    _AMOUNT,
    float,
    "a number in plain digits, e.g. 350 or 37.5",
    "digits and one point only, no leading zero",
)


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


def _flag(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"  # TRUE as a spreadsheet writes it too
    raise ValueError("expected true or false")


def split_list(value: Any) -> Any:
    """A list as given, or text such as `morning;bedtime` (a CSV cell) as its items; other values as they are."""
    if isinstance(value, str):
        return [item.strip() for item in value.split(";")]
    return value


WholeNumber = BeforeValidator(_whole_number)
"""Annotate an `int` field with this: a count read without coercion."""
Amount = BeforeValidator(_amount)
"""Annotate a `float` field with this: an amount such as a dose in mg."""
IsoDate = BeforeValidator(_date)
"""Annotate a `dt.date` field with this: a calendar date."""
Flag = BeforeValidator(_flag)
"""Annotate a `bool` field with this: true or false (a CSV cell's text too)."""
