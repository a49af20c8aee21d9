"""Plain-language gate: words a patient may not know must be explained where a topic first uses them.

The library lists the words in `terms.yaml`: per language, a pattern that finds the word and
a pattern that shows it is explained (examples or a short meaning) in the same paragraph,
bullet or box. `handout lint` walks each topic in reading order and flags a first use
without its explanation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from pydantic import Field, field_validator

from generator.content.schema import StrictModel, parse_model
from generator.errors import ContentError
from generator.yamlio import load_mapping

TERMS_FILE = "terms.yaml"


def _pattern(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"not a valid regular expression ({exc})") from None
    return value


class TermWords(StrictModel):
    """How a term looks in one language, and what shows it is explained."""

    uses: str
    """Regular expression (case-insensitive) that finds the term in the text."""
    explained_by: str
    """Regular expression that must match in the same paragraph, bullet or box as the first use."""

    _check = field_validator("uses", "explained_by")(_pattern)


class Term(StrictModel):
    """A word or phrase a patient may not know."""

    term: str
    """The term, as maintainers call it."""
    words: dict[str, TermWords] = Field(min_length=1)
    """Per language code (en, es, ...): how it is written and explained."""


class TermList(StrictModel):
    """The library's `terms.yaml`."""

    terms: list[Term]
    """Every term the gate checks."""


def load_terms(library_root: Path) -> TermList:
    """The library's term list; an empty one when it has no `terms.yaml`."""
    path = library_root / TERMS_FILE
    if not path.is_file():
        return TermList(terms=[])
    return parse_model(TermList, load_mapping(path, ContentError), str(path), ContentError)


@dataclass(frozen=True)
class TextPiece:
    """One paragraph, bullet, box or heading of a topic, in reading order."""

    where: str
    """File and field, e.g. `handouts/x/overview.yaml: body[1].text`."""
    text: str
    """Plain text, tags removed."""
    always: bool
    """Printed in every layout and for every patient (a required block's item without `when`)."""
    heading: bool = False
    """A block's title: a term it uses may be explained by the piece under it."""


@dataclass(frozen=True)
class Unexplained:
    """A term whose first use in some reading of the topic lacks its explanation."""

    where: str
    term: str
    explained_by: str
    always_only: bool
    """True when the problem shows only among the pieces every layout prints."""


def _first_use(pieces: list[TextPiece], words: TermWords) -> tuple[TextPiece, str] | None:
    """The piece that first uses the term, and the text that must explain it there."""
    uses = re.compile(words.uses, re.IGNORECASE)
    for index, piece in enumerate(pieces):
        if uses.search(piece.text):
            below = pieces[index + 1].text if piece.heading and index + 1 < len(pieces) else ""
            return piece, f"{piece.text}\n{below}"
    return None


def unexplained_terms(pieces: list[TextPiece], terms: TermList, language: str) -> list[Unexplained]:
    """Terms first used without their explanation, in all pieces and in the always-printed ones.

    Optional blocks may be dropped by a layout or hidden by `when:`, so the first use among
    the always-printed pieces must be explained too.
    """
    found: list[Unexplained] = []
    always = [piece for piece in pieces if piece.always]
    for term in terms.terms:
        words = term.words.get(language)
        if words is None:
            continue
        explained = re.compile(words.explained_by, re.IGNORECASE)
        seen: set[str] = set()
        for selection, always_only in ((pieces, False), (always, True)):
            first = _first_use(selection, words)
            if first is None:
                continue
            piece, context = first
            if not explained.search(context) and piece.where not in seen:
                seen.add(piece.where)
                found.append(Unexplained(piece.where, term.term, words.explained_by, always_only))
    return found
