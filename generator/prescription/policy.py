"""The clinic's own rules from its config file (`policy:`), stricter than the labels only."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field

from generator.content.schema import StrictModel, parse_model
from generator.errors import InputError
from generator.inputs.personalisation import MAX_COURSE_DAYS
from generator.yamlio import load_mapping


class ClinicPolicy(StrictModel):
    """Rules a clinic adds to the labels' rules."""

    max_days: dict[str, Annotated[int, Field(ge=1, le=MAX_COURSE_DAYS)]] = {}
    """Longest course per topic, in days, taper included; the label's limit still holds when it is shorter."""


def read_policy(config: Path | None) -> ClinicPolicy:
    """The `policy:` section of the clinic config file; none when there is no file or section."""
    if config is None:
        return ClinicPolicy()
    data = load_mapping(config, InputError)
    return parse_model(ClinicPolicy, data.get("policy", {}), str(config), InputError, prefix="policy")
