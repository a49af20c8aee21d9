"""Shared helpers for the typed schemas: strict models and readable errors."""

from __future__ import annotations

from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError

from generator.errors import HandoutError

Model = TypeVar("Model", bound=BaseModel)


class StrictModel(BaseModel):
    """A schema that reports unknown keys instead of ignoring them."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def describe_location(loc: tuple[Any, ...]) -> str:
    """Turn a pydantic location such as ('body', 2, 'bullets') into 'body[2].bullets'."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


_KINDS: tuple[tuple[type, str], ...] = (
    (bool, "true/false"),
    (int, "a whole number"),
    (float, "a number"),
    (str, "text"),
    (dict, "a mapping"),
    (list, "a list"),
    (type(None), "nothing (null)"),
)
_EXPECTED = {
    "string_type": "expected text",
    "dict_type": "expected a mapping of fields",
    "model_type": "expected a mapping of fields",
    "model_attributes_type": "expected a mapping of fields",
    "list_type": "expected a list",
}


def describe_kind(value: Any) -> str:
    """What sort of value was given, never the value itself (it may be patient data)."""
    return next((name for kind, name in _KINDS if isinstance(value, kind)), "another kind of value")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _message(err: dict[str, Any]) -> str:
    """The rule an input broke, in words; never the input, which may identify a patient."""
    kind = err["type"]
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "missing required field"
    msg = _EXPECTED.get(kind) or str(err["msg"]).removeprefix("Value error, ")
    msg = msg[0].lower() + msg[1:]
    if kind.endswith(("_type", "_parsing")) or "literal" in kind:
        given = err.get("input")
        quote = " (put it in quotes to keep it as written)" if kind == "string_type" and _is_number(given) else ""
        return f"{msg}, got {describe_kind(given)}{quote}"
    return msg


def parse_model(model: type[Model], data: Any, where: str, error: type[HandoutError], prefix: str = "") -> Model:
    """Validate `data` against `model`; report every problem on one line naming `where`."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = ".".join(part for part in (prefix, describe_location(tuple(err["loc"]))) if part)
            problems.append((loc, _message(err)))
        text = "; ".join(f"{loc}: {message}" if loc else message for loc, message in problems)
        raise error(f"{where}: {text}", tuple(problems)) from None
