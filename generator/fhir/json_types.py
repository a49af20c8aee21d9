"""FHIR's JSON types, which the fhir.resources models do not hold to: they read `"3"` as the integer 3,
`3.0` as 3 and `"true"` as true, even in strict mode.

FHIR JSON writes integer, positiveInt and unsignedInt as JSON whole numbers, decimal as a JSON
number and boolean as true or false (FHIR R4, JSON representation, 2.6.2). An order that writes
them otherwise was not written by a FHIR system as FHIR means it, so it is refused, naming the
element, rather than guessed at.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

_EXPECTED = {int: "a JSON whole number", Decimal: "a JSON number", bool: "true or false"}


def _primitive(annotation: Any) -> type | None:
    """int, Decimal or bool when the field holds one (or a list of them); else None."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is typing.Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType, list):
            kinds = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            if len(kinds) != 1:
                return None
            annotation = kinds[0]
        else:
            return annotation if annotation in _EXPECTED else None


def _fits(kind: type, value: Any) -> bool:
    if kind is bool:
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    return isinstance(value, int) if kind is int else isinstance(value, int | float)


def json_type_problems(model: BaseModel, raw: dict[str, Any], path: tuple[str | int, ...]) -> Iterator[tuple]:
    """(path, message) for each number or boolean of `raw` (the JSON `model` was read from) that FHIR's JSON
    writes otherwise; paths are tuples of element names and list indexes from `path`."""
    for name, field in type(model).model_fields.items():
        key = field.alias or name
        if key not in raw:
            continue
        given, read = raw[key], getattr(model, name)
        kind = _primitive(field.annotation)
        if kind is not None:
            items = given if isinstance(given, list) else [given]
            for index, item in enumerate(items):
                if item is not None and not _fits(kind, item):
                    where = (*path, key, index) if isinstance(given, list) else (*path, key)
                    yield where, f"expected {_EXPECTED[kind]}, as FHIR's JSON writes it"
        elif isinstance(read, BaseModel) and isinstance(given, dict):
            yield from json_type_problems(read, given, (*path, key))
        elif isinstance(read, list) and isinstance(given, list):
            for index, (part, part_raw) in enumerate(zip(read, given, strict=False)):
                if isinstance(part, BaseModel) and isinstance(part_raw, dict):
                    yield from json_type_problems(part, part_raw, (*path, key, index))
