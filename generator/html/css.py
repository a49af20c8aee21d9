"""What the HTML leaflet's own stylesheet does, read from leaflet.css: the classes it defines, the elements it
hides and the attributes it shows as generated text.

Only the shipped stylesheet is read (the verifier accepts no other), so the parser handles what that file
uses: rules, nested @media/@container blocks, comments; a selector it cannot match in a rule that hides or
shows text is an error, so a change to the stylesheet cannot slip past the verifier.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from generator.errors import RenderError

_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CLASS = re.compile(r"\.(-?[A-Za-z_][\w-]*)")
_COMPOUND = re.compile(r"(?P<tag>[a-z][a-z0-9]*|\*)?(?P<rest>(?:\.[\w-]+|\[[\w-]+\])*)(?P<pseudo>::(?:before|after))?")
_ATTR_CONTENT = re.compile(r"\battr\(\s*([\w-]+)\s*\)")
_TINY = re.compile(r"0(?:\.0*)?(?:[a-z%]*)|1px")
_LENGTH = re.compile(r"(\d*\.?\d+)(px|pt|rem|em|%)")
_SMALLEST_FONT = {"px": 12.0, "pt": 9.0, "rem": 0.75, "em": 0.75, "%": 75.0}
"""Font sizes below these count as hiding text (12 px; the leaflet's smallest is 16 px)."""


@dataclass(frozen=True)
class Rule:
    """One style rule: its selectors, its declarations (property, value) and the @-conditions it sits in."""

    selectors: tuple[str, ...]
    declarations: tuple[tuple[str, str], ...]
    condition: str
    """The enclosing @media/@container preludes, empty when it always applies."""


@dataclass(frozen=True)
class Compound:
    """One step of a selector: a tag (or any), classes and attributes that must be present."""

    tag: str | None
    classes: frozenset[str]
    attributes: frozenset[str]
    child: bool
    """Whether the step before it must be its parent (`>`), not any ancestor."""


@dataclass(frozen=True)
class Selector:
    """A selector the verifier can match: compounds from the outermost to the element itself."""

    steps: tuple[Compound, ...]
    text: str


@dataclass(frozen=True)
class Generated:
    """A rule that shows an attribute's value as text (`content: attr(NAME)`) on the elements it selects."""

    selector: Selector
    attribute: str
    condition: str


@dataclass(frozen=True)
class Stylesheet:
    """What the stylesheet defines, hides and shows."""

    classes: frozenset[str]
    hiding: tuple[tuple[Selector, str], ...]
    """Selectors of the elements some rule can hide, each with the condition under which it does."""
    generated: tuple[Generated, ...]


def rules(css: str, condition: str = "") -> Iterator[Rule]:
    """Every style rule of `css`, those inside @-blocks with their conditions."""
    text, position = _COMMENT.sub("", css), 0
    while (opening := text.find("{", position)) >= 0:
        depth, end = 1, opening + 1
        while depth:
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        prelude, body = " ".join(text[position:opening].split()), text[opening + 1 : end - 1]
        if prelude.startswith("@"):
            yield from rules(body, f"{condition} {prelude}".strip())
        else:
            pairs = (part.partition(":") for part in body.split(";") if part.strip())
            declarations = tuple((name.strip().lower(), " ".join(value.split())) for name, _, value in pairs)
            yield Rule(tuple(s.strip() for s in prelude.split(",")), declarations, condition)
        position = end


def hides(declarations: tuple[tuple[str, str], ...]) -> bool:
    """Whether these declarations can hide an element's text or move it off view (conservatively: any way)."""
    for name, value in declarations:
        if name in ("clip", "clip-path", "transform", "text-indent", "content-visibility") and value not in (
            "none",
            "auto",
            "visible",
        ):
            return True
        checks = {
            "display": value == "none",
            "visibility": value != "visible",
            "opacity": value not in ("1", "100%"),
            "font-size": _too_small(value),
            "color": value == "transparent",
            "position": value in ("absolute", "fixed"),
            "width": bool(_TINY.fullmatch(value)),
            "height": bool(_TINY.fullmatch(value)),
            "max-width": bool(_TINY.fullmatch(value)),
            "max-height": bool(_TINY.fullmatch(value)),
        }
        if checks.get(name, False):
            return True
    return False


def _too_small(size: str) -> bool:
    """Whether a font size is too small to read (a size the stylesheet cannot state plainly counts as too small)."""
    if size in ("inherit", "larger", "medium", "large", "x-large", "xx-large"):
        return False
    found = _LENGTH.fullmatch(size)
    return found is None or float(found[1]) < _SMALLEST_FONT[found[2]]


def parse_selector(text: str) -> tuple[Selector, str]:
    """A selector the verifier can match, and its pseudo-element (`::before`, `::after` or empty)."""
    steps: list[Compound] = []
    child, pseudo = False, ""
    for token in text.replace(">", " > ").split():
        if token == ">":
            child = True
            continue
        found = _COMPOUND.fullmatch(token)
        if found is None or pseudo:
            raise RenderError(f"leaflet.css: selector '{text}': the HTML verifier cannot match it")
        rest = found["rest"]
        steps.append(
            Compound(
                None if found["tag"] in (None, "*") else found["tag"],
                frozenset(re.findall(r"\.([\w-]+)", rest)),
                frozenset(re.findall(r"\[([\w-]+)\]", rest)),
                child,
            )
        )
        child, pseudo = False, found["pseudo"] or ""
    return Selector(tuple(steps), text), pseudo


def read_stylesheet(css: str) -> Stylesheet:
    """The classes `css` defines, the elements it can hide and the attributes it shows as text."""
    every = list(rules(css))
    classes = frozenset(name for rule in every for selector in rule.selectors for name in _CLASS.findall(selector))
    hiding: list[tuple[Selector, str]] = []
    generated: list[Generated] = []
    for rule in every:
        shown = {
            match for name, value in rule.declarations if name == "content" for match in _ATTR_CONTENT.findall(value)
        }
        if not (hides(rule.declarations) or shown):
            continue
        for text in rule.selectors:
            selector, pseudo = parse_selector(text)
            if hides(rule.declarations):  # on ::before or ::after too: a positioned pseudo-element can cover it
                hiding.append((selector, rule.condition))
            generated += [Generated(selector, name, rule.condition) for name in sorted(shown) if pseudo]
    return Stylesheet(classes, tuple(hiding), tuple(generated))
