"""The language lists of states, for a clinic's `clinic.state`: the library's `notice-states.yaml`.

A clinic sets `state: OR` to put the language-help notice (generator.content.language_help) in the languages its
state asks for, as the source each list cites says. A state's list may name languages this tool has no wording
for yet: the notice prints the others, and staff are warned of those (`state_warnings`), so a clinic still hands
out its leaflets and knows which notices to give another way. A state with no list here is an InputError naming
`clinic.state`.
"""

from __future__ import annotations

import functools
from pathlib import Path

from pydantic import Field, field_validator

from generator.content.labels import label_languages
from generator.content.schema import StrictModel, parse_model
from generator.errors import ContentError, InputError
from generator.names import is_language
from generator.yamlio import load_mapping

STATES_FILE = "notice-states.yaml"
STATE_FIELD = "clinic.state"


class StateList(StrictModel):
    """One state's languages, with what its source says."""

    name: str
    """The state's name."""
    languages: list[str] = Field(min_length=1)
    """Language codes, as the source lists them, in its order."""
    says: str
    """What the source asks for, in a sentence or two."""
    sources: list[str] = Field(min_length=1)
    """Where the list was read."""

    @field_validator("languages")
    @classmethod
    def _codes(cls, codes: list[str]) -> list[str]:
        wrong = [code for code in codes if not is_language(code)]
        if wrong:
            raise ValueError(f"'{wrong[0]}' is not a language code")
        return codes


@functools.cache
def state_lists(library_root: Path) -> dict[str, StateList]:
    """The library's state lists by postal code (none when it has no `notice-states.yaml`)."""
    path = library_root / STATES_FILE
    if not path.is_file():
        return {}
    lists = {}
    for code, entry in load_mapping(path, ContentError).items():
        if not (isinstance(code, str) and len(code) == 2 and code.isupper()):
            raise ContentError(f"{path}: {code}: expected a state's two-letter postal code")
        lists[code] = parse_model(StateList, entry, f"{path}: {code}", ContentError)
    return lists


def state_list(library_root: Path, state: str) -> StateList:
    """The list of `state`, or an InputError naming the field and the states that have one."""
    lists = state_lists(library_root)
    if state not in lists:
        known = ", ".join(sorted(lists)) or "none"
        raise InputError(f"{STATE_FIELD}: no language list for '{state}' (states with one: {known})")
    return lists[state]


def printable_state_languages(library_root: Path, state: str) -> list[str]:
    """The state's languages the notice can print (those with a labels file), in the state's order."""
    printable = set(label_languages(library_root))
    return [code for code in state_list(library_root, state).languages if code in printable]


def state_warnings(library_root: Path, state: str | None) -> tuple[tuple[str, str], ...]:
    """A staff warning naming the state's languages the notice cannot print yet (none when it prints them all)."""
    if state is None:
        return ()
    listed = state_list(library_root, state)
    printable = set(label_languages(library_root))
    missing = [code for code in listed.languages if code not in printable]
    if not missing:
        return ()
    return (
        (
            STATE_FIELD,
            f"the language-help notice is not printed in {len(missing)} of {listed.name}'s {len(listed.languages)} "
            f"languages ({', '.join(missing)}): no wording for them yet; give those patients the notice another way",
        ),
    )
