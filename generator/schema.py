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


def _message(err: dict[str, Any]) -> str:
    if err["type"] == "extra_forbidden":
        return "unknown field"
    if err["type"] == "missing":
        return "missing required field"
    msg = str(err["msg"]).removeprefix("Value error, ")
    value = err.get("input")
    if err["type"].endswith("_parsing") or err["type"].endswith("_type") or "literal" in err["type"]:
        shown = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
        if len(shown) > 40:
            shown = shown[:37] + "..."
        return f"{msg[0].lower()}{msg[1:]}, got {shown}"
    return msg[0].lower() + msg[1:]


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
