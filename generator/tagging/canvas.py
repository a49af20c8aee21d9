"""A ReportLab canvas that marks what it draws, for tagged PDF.

Everything on a page is an artifact (rules, boxes, backgrounds) unless marked otherwise:
each text object drawn inside `text(element)` becomes a marked-content sequence with its
own MCID, recorded as content of `element`; everything drawn inside `figure(element)` is
one sequence. Text drawn outside both and outside an explicit `artifact()` stops the
render, so no text is ever silently left out of the structure.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from reportlab.pdfgen.canvas import Canvas
from reportlab.pdfgen.textobject import PDFTextObject

from generator.errors import RenderError
from generator.tagging.pdf import Marked, Structure, add_structure
from generator.tagging.structure import Element, MarkedContent

_PLAIN_ARTIFACT = "/Artifact BMC"


class _Targets:
    """The elements successive text objects of one flowable belong to: the last takes the rest.

    An element with element kids (a list item: label, then body) spreads its text over them.
    """

    def __init__(self, element: Element, actual_text: str | None = None) -> None:
        self.elements = [kid for kid in element.kids if isinstance(kid, Element)] or [element]
        self.drawn = 0
        self.actual_text = actual_text
        """What the flowable's text says (when its glyphs do not map back to it): its last element's text object
        (a list item's body, after the label)."""

    def next(self) -> tuple[Element, str | None]:
        """The element the next text object belongs to, and its ActualText (None: its glyphs say it)."""
        index = min(self.drawn, len(self.elements) - 1)
        self.drawn += 1
        return self.elements[index], self.actual_text if index == len(self.elements) - 1 else None


class TaggingCanvas(Canvas):
    """A canvas whose pages are artifacts except for the text and figures it is told belong to elements.

    A subclass that holds pages back (see generator.render.furniture) calls `open_page` when it starts
    drawing a page and `close_page` before the page is written.
    """

    def __init__(self, *args: Any, structure: Structure | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("pdfVersion", (1, 7))
        super().__init__(*args, **kwargs)
        self.marked: Marked = {}
        """What the canvas has marked, page by page (the structure tree's ParentTree is made from it)."""
        self.structure = structure
        """The structure tree written with the file (none: marked content only)."""
        self._artifacts: list[str] = []
        self._text: list[_Targets | None] = []
        self._in_figure = False
        self._drawn: dict[int, object] = {}
        """Every tagged flowable drawn so far, by id (kept, so no id is reused)."""
        self.open_page()

    def open_page(self) -> None:
        """Start the page's content as an artifact."""
        self._artifacts, self._text, self._in_figure = [_PLAIN_ARTIFACT], [], False
        self.addLiteral(_PLAIN_ARTIFACT)

    def close_page(self) -> None:
        """End the page's last artifact sequence."""
        if len(self._artifacts) != 1 or self._text or self._in_figure:
            raise RenderError("tagging: a marked-content sequence is still open at the end of a page")
        self.addLiteral("EMC")

    def save(self) -> None:
        """Write the file, with the structure tree when there is one (every page must be shown by now)."""
        if self.structure is not None:
            add_structure(self._doc, self.structure, self.marked)
        super().save()

    def first_time(self, flowable: object) -> bool:
        """Whether `flowable` is drawn for the first time (a table's header row repeated on the next page is not)."""
        if id(flowable) in self._drawn:
            return False
        self._drawn[id(flowable)] = flowable
        return True

    def _begin(self, element: Element) -> None:
        page = self.getPageNumber()
        mcids = self.marked.setdefault(page, [])
        element.kids.append(MarkedContent(page, len(mcids)))
        self.addLiteral(f"EMC /{element.role} <</MCID {len(mcids)}>> BDC")
        mcids.append(element)

    def _end(self) -> None:
        self.addLiteral("EMC " + self._artifacts[-1])

    @contextmanager
    def text(self, element: Element, actual_text: str | None = None) -> Iterator[None]:
        """Text objects drawn inside belong to `element` (or, for a list item, to its label and then its body).

        With `actual_text`, the text object is also a Span whose ActualText says it.
        """
        self._text.append(_Targets(element, actual_text))
        try:
            yield
        finally:
            self._text.pop()

    @contextmanager
    def figure(self, element: Element) -> Iterator[None]:
        """Everything drawn inside is one figure: `element`'s content."""
        if self._in_figure:
            raise RenderError(f"tagging: a {element.role} drawn inside a figure")
        self._begin(element)
        self._in_figure = True
        try:
            yield
        finally:
            self._in_figure = False
            self._end()

    @contextmanager
    def artifact(self, kind: str | None = None) -> Iterator[None]:
        """What is drawn inside, text included, is an artifact (of `kind`, e.g. Pagination, when given)."""
        if self._in_figure:
            raise RenderError("tagging: an artifact drawn inside a figure")
        opener = f"/Artifact <</Type /{kind}>> BDC" if kind else _PLAIN_ARTIFACT
        switch = opener != self._artifacts[-1]
        if switch:
            self.addLiteral("EMC " + opener)
        self._artifacts.append(opener)
        self._text.append(None)
        try:
            yield
        finally:
            self._text.pop()
            self._artifacts.pop()
            if switch:
                self.addLiteral("EMC " + self._artifacts[-1])

    def drawText(self, aTextObject: PDFTextObject) -> None:  # noqa: N802, N803 (ReportLab's names)
        """Draw a text object as content of the current element, or as an artifact inside `artifact()`."""
        if self._in_figure:
            super().drawText(aTextObject)
            return
        if not self._text:
            raise RenderError("tagging: text drawn outside any structure element or artifact (tag its flowable)")
        targets = self._text[-1]
        if targets is None:
            super().drawText(aTextObject)
            return
        element, actual_text = targets.next()
        self._begin(element)
        if actual_text is not None:
            self.addLiteral(f"/Span <</ActualText <{_utf16_hex(actual_text)}>>> BDC")
            super().drawText(aTextObject)
            self.addLiteral("EMC")
        else:
            super().drawText(aTextObject)
        self._end()


def _utf16_hex(text: str) -> str:
    """A PDF text string in UTF-16BE with its byte-order mark, as hexadecimal."""
    return "FEFF" + text.encode("utf-16-be").hex().upper()
