"""The clinic's own rules from its config file: `policy:` (stricter than the labels only) and `content:`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field

from generator.content.approvals import ContentRules
from generator.content.schema import StrictModel, parse_model
from generator.errors import InputError
from generator.inputs.personalisation import MAX_COURSE_DAYS
from generator.yamlio import load_mapping


class PolicySection(StrictModel):
    """The config's `policy:` section: rules a clinic adds to the labels' rules."""

    max_days: dict[str, Annotated[int, Field(ge=1, le=MAX_COURSE_DAYS)]] = {}
    """Longest course per topic, in days, taper included; the label's limit still holds when it is shorter."""


class ClinicPolicy(PolicySection):
    """The clinic's rules: its `policy:` section and what content it accepts (`content:`)."""

    content: ContentRules = ContentRules()
    """Whether only approved content may be printed, and the review cycle (the config's `content:` section)."""


def read_policy(config: Path | None) -> ClinicPolicy:
    """The `policy:` and `content:` sections of the clinic config file; defaults when there is no file or section."""
    if config is None:
        return ClinicPolicy()
    data = load_mapping(config, InputError)
    section = parse_model(PolicySection, data.get("policy", {}), str(config), InputError, prefix="policy")
    content = parse_model(ContentRules, data.get("content", {}), str(config), InputError, prefix="content")
    return ClinicPolicy(max_days=section.max_days, content=content)


def with_require(policy: ClinicPolicy, require: str | None, where: str = "--require") -> ClinicPolicy:
    """The policy with the command line's --require: it may raise the config's requirement, never lower it."""
    if require is None or require == policy.content.require:
        return policy
    if require == "any":
        raise InputError(f"{where} any: the clinic config requires approved content; the command line cannot lower it")
    content = policy.content.model_copy(update={"require": require})
    return policy.model_copy(update={"content": content})
