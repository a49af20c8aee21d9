"""Flowables that mark what they draw, and the helpers that give them their roles."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import TypeVar

from reportlab.platypus import Flowable

from generator.tagging.canvas import TaggingCanvas
from generator.tagging.structure import ARTIFACT, Element

FIGURE_ROLES = frozenset({"Figure", "Formula"})
"""Roles whose whole drawing is one marked sequence (not text object by text object)."""


class Tagged(Flowable):
    """Mixin for a flowable class (put it first): its drawing is marked as content of `self.structure`.

    A flowable drawn a second time (a table's header row repeated on the next page) is an
    artifact the second time. Parts of a split flowable keep its element.
    """

    structure: Element | None = None
    """Set by `tag`; None draws untagged (text then only allowed inside an artifact)."""
    actual_text: str | None = None
    """What the text says, for text whose glyphs do not map back to it (shaped scripts): written as
    ActualText, so screen readers, copying and the verifier get the letters, not the glyphs."""

    def draw(self) -> None:
        canvas = self.canv
        if isinstance(canvas, TaggingCanvas):
            with self._marking(canvas):
                super().draw()
        else:
            super().draw()

    def _marking(self, canvas: TaggingCanvas) -> AbstractContextManager[None]:
        element = self.structure
        if element is None:
            return nullcontext()
        if element is ARTIFACT or not canvas.first_time(self):
            return canvas.artifact()
        if element.role in FIGURE_ROLES:
            return canvas.figure(element)
        return canvas.text(element, self.actual_text)

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803 (ReportLab's names)
        parts = super().split(availWidth, availHeight)
        for part in parts:
            if isinstance(part, Tagged):
                part.structure = self.structure
                part.actual_text = None  # it says only part of the text: the glyphs must do
        return parts


class _Holder(Flowable):
    """Draws another flowable that never splits (a Drawing, an Image)."""

    def __init__(self, content: Flowable) -> None:
        super().__init__()
        self.content = content

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width, self.height = self.content.wrap(availWidth, availHeight)
        return self.width, self.height

    def draw(self) -> None:
        self.content.drawOn(self.canv, 0, 0)


class Figure(Tagged, _Holder):
    """A figure (a Drawing or an Image) with its alternative text, drawn as one marked sequence."""

    def __init__(self, content: Flowable, alt: str) -> None:
        super().__init__(content)
        self.structure = Element("Figure", alt=alt)


T = TypeVar("T", bound=Tagged)


def tag(flowable: T, role: str | Element, *, lang: str | None = None) -> T:
    """Give `flowable` its role (a new element, e.g. "P" or "H2", or an element made elsewhere); returns it."""
    flowable.structure = role if isinstance(role, Element) else Element(role, lang=lang)
    return flowable


def artifact(flowable: T) -> T:
    """Mark `flowable` as decoration: drawn, never read out (e.g. an empty cell that pads a grid)."""
    flowable.structure = ARTIFACT
    return flowable


def tag_list(items: Sequence[T]) -> list[T]:
    """Make `items` (paragraphs with a bullet) one list: L > LI > Lbl (the bullet) + LBody (the text)."""
    listing = Element("L")
    for item in items:
        entry = listing.add("LI")
        entry.add("Lbl")
        entry.add("LBody")
        tag(item, entry)
    return list(items)


def tag_table(rows: Iterable[Sequence[Tagged]], header_rows: int = 0, header_columns: int = 0) -> Element:
    """Tag the cells of `rows` as one table and return it: the first `header_rows` rows in THead with
    column headers (TH, Scope Column), the rest in TBody, their first `header_columns` cells row headers.

    The rows are the table's logical rows; the flowables may be laid out in another grid.
    """
    table = Element("Table")
    head = table.add("THead") if header_rows else None
    body = table.add("TBody")
    for index, cells in enumerate(rows):
        if head is not None and index < header_rows:
            row = head.add("TR")
            for cell in cells:
                tag(cell, row.add("TH", scope="Column"))
            continue
        row = body.add("TR")
        for column, cell in enumerate(cells):
            tag(cell, row.add("TH", scope="Row") if column < header_columns else row.add("TD"))
    return table
