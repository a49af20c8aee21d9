"""The logical structure of a leaflet: elements (H1, P, Table, ...) built beside the flowables that draw them.

Elements are made where the flowables are made, bottom up: a paragraph is tagged `P`, the
flowables of a block are grouped into a `Sect`, the story into the `Document`. The order in
which elements are grouped is the reading order, whatever the page layout does with them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from reportlab.platypus import Flowable

_CONTENTS = "_tagging_contents"
"""Attribute a container flowable (a Table used as a box) keeps the elements of its contents in."""
F = TypeVar("F", bound=Flowable)


@dataclass(frozen=True)
class MarkedContent:
    """One marked-content sequence on a page: what a structure element points to."""

    page: int
    """Page number, from 1."""
    mcid: int


@dataclass(eq=False)
class Element:
    """A structure element: a standard PDF role, optional attributes, and its kids in reading order."""

    role: str
    alt: str | None = None
    """Alternative text (figures)."""
    lang: str | None = None
    """Language of the element's text when it differs from the document's."""
    scope: str | None = None
    """`Column` or `Row` for table header cells."""
    kids: list[Element | MarkedContent] = field(default_factory=list)
    parent: Element | None = None

    def add(self, role: str, *, alt: str | None = None, lang: str | None = None, scope: str | None = None) -> Element:
        """A new last kid of this element."""
        kid = Element(role, alt=alt, lang=lang, scope=scope, parent=self)
        self.kids.append(kid)
        return kid

    def adopt(self, element: Element) -> None:
        """Make a parentless element this element's last kid."""
        if element.parent is not None:
            raise ValueError(f"a {element.role} element already has a parent ({element.parent.role})")
        element.parent = self
        self.kids.append(element)

    def top(self) -> Element:
        """The outermost element this one belongs to so far."""
        element = self
        while element.parent is not None:
            element = element.parent
        return element


ARTIFACT = Element("Artifact")
"""Tag for a flowable that is decoration: drawn, never read out."""


def element_of(flowable: Flowable) -> Element | None:
    """The element a flowable draws the content of (see `tag`), if any."""
    return getattr(flowable, "structure", None)


def roots(flowables: Iterable[Flowable]) -> list[Element]:
    """The outermost elements drawn by `flowables` (or held in containers among them), in order, once each."""
    found: dict[int, Element] = {}
    for flowable in flowables:
        own = element_of(flowable)
        held: tuple[Element, ...] = getattr(flowable, _CONTENTS, ())
        for element in (own, *held) if own is not None and own is not ARTIFACT else held:
            top = element.top()
            found.setdefault(id(top), top)
    return list(found.values())


def group(role: str, flowables: Iterable[Flowable], *, lang: str | None = None) -> Element:
    """A new element (e.g. `Sect`) holding the elements of `flowables`, in their order."""
    element = Element(role, lang=lang)
    for root in roots(flowables):
        element.adopt(root)
    return element


def contain(container: F, flowables: Iterable[Flowable]) -> F:
    """Record that `container` (e.g. a Table used as a box) draws `flowables`, so groups find their elements."""
    setattr(container, _CONTENTS, tuple(roots(flowables)))
    return container
