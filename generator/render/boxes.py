"""A block as one flowable: a heading over its content, optionally framed, that splits across pages.

When a block does not fit, it splits between its content flowables (or inside a splittable
one), never after a flowable marked `keepWithNext` and never leaving the heading without its
first lines, and the part on the next page or panel starts with the heading again as
"Heading (continued)".
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass

from reportlab.lib.colors import Color
from reportlab.platypus import Flowable, Spacer

_FAR = 1e6
"""Height to measure content in when only its natural height matters."""


@dataclass(frozen=True)
class BoxStyle:
    """How a box is drawn; all sizes in points."""

    fill: Color | None = None
    border: Color | None = None
    border_width: float = 0.0
    bar: float = 0.0
    """Width of a thick bar down the left edge (the right edge, right to left), in the border colour (0: none)."""
    rtl: bool = False
    """Mirrored for a leaflet read right to left: the bar on the right."""
    pad_x: float = 0.0
    pad_y: float = 0.0
    heading_fill: Color | None = None
    """A band behind the heading."""
    heading_pad: float = 0.0
    """Space around the heading inside its band."""
    heading_rule: float = 0.0
    """Width of a rule under the heading, in the border colour (0: none)."""
    gap: float = 0.0
    """Space between the heading and the content."""


class Box(Flowable):
    """A heading and content flowables in one frame, split with a repeated '(continued)' heading."""

    def __init__(
        self,
        heading: Flowable | None,
        content: list[Flowable],
        style: BoxStyle,
        continued: Callable[[], Flowable] | None = None,
        space_before: float = 0.0,
        space_after: float = 0.0,
    ) -> None:
        super().__init__()
        self.heading, self.content, self.style, self.continued = heading, content, style, continued
        self.spaceBefore, self.spaceAfter = space_before, space_after
        self._heights: list[float] = []
        self._heading_height = 0.0

    def _inner(self, width: float) -> float:
        return width - 2 * self.style.pad_x - self.style.bar

    def _gaps(self) -> list[float]:
        """Space above each content flowable (none above the first)."""
        return [0.0] + [a.getSpaceAfter() + b.getSpaceBefore() for a, b in itertools.pairwise(self.content)]

    def _head_block(self) -> float:
        """Height the heading takes, with its band padding and the gap under it."""
        if self.heading is None:
            return 0.0
        return self._heading_height + 2 * self.style.heading_pad + self.style.gap

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 (ReportLab's name)
        inner = self._inner(availWidth)
        if self.heading is not None:
            self._heading_height = self.heading.wrap(inner, _FAR)[1]
        self._heights = [flowable.wrap(inner, _FAR)[1] for flowable in self.content]
        self.width = availWidth
        self.height = 2 * self.style.pad_y + self._head_block() + sum(self._heights) + sum(self._gaps())
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803 (ReportLab's name)
        self.wrap(availWidth, availHeight)
        if self.height <= availHeight:
            return [self]
        room = availHeight - 2 * self.style.pad_y - self._head_block()
        inner = self._inner(availWidth)
        used = 0.0
        for index, (flowable, height, gap) in enumerate(zip(self.content, self._heights, self._gaps(), strict=True)):
            if used + gap + height <= room:
                used += gap + height
                continue
            glued = index
            while glued and getattr(self.content[glued - 1], "keepWithNext", False):
                glued -= 1
            if glued < index:  # what must stay with this flowable goes on with it
                return self._halves(self.content[:glued], self.content[glued:])
            parts = flowable.split(inner, room - used - gap) if room - used - gap > 0 else []
            first = self.content[:index] + parts[:1]
            rest = parts[1:] + self.content[index + 1 :] if parts else self.content[index:]
            return self._halves(first, rest)
        return []  # only rounding can bring us here: let the frame move the block on

    def _halves(self, first: list[Flowable], rest: list[Flowable]) -> list[Flowable]:
        if not any(not isinstance(flowable, Spacer) for flowable in first):
            return []  # never a heading without its first lines: move the whole block on
        while rest and isinstance(rest[0], Spacer):
            rest = rest[1:]
        heading = self.continued() if self.continued else None
        head = Box(self.heading, first, self.style, self.continued, self.spaceBefore, 0.0)
        tail = Box(heading, rest, self.style, self.continued, 0.0, self.spaceAfter)
        return [head, tail]

    def draw(self) -> None:
        canvas, style = self.canv, self.style
        width, height = self.width, self.height
        if style.fill is not None:
            canvas.setFillColor(style.fill)
            canvas.rect(0, 0, width, height, stroke=0, fill=1)
        top = height - style.pad_y
        x = style.pad_x + (0 if style.rtl else style.bar)
        if self.heading is not None:
            band = self._heading_height + 2 * style.heading_pad
            if style.heading_fill is not None:
                canvas.setFillColor(style.heading_fill)
                canvas.rect(0, top - band, width, band + style.pad_y, stroke=0, fill=1)
            self.heading.drawOn(canvas, x, top - style.heading_pad - self._heading_height)
            if style.heading_rule and style.border is not None:
                canvas.setStrokeColor(style.border)
                canvas.setLineWidth(style.heading_rule)
                canvas.line(0, top - band, width, top - band)
            top -= self._head_block()
        for flowable, height_, gap in zip(self.content, self._heights, self._gaps(), strict=True):
            top -= gap + height_
            flowable.drawOn(canvas, x, top)
        if style.bar and style.border is not None:
            canvas.setFillColor(style.border)
            canvas.rect(width - style.bar if style.rtl else 0, 0, style.bar, height, stroke=0, fill=1)
        if style.border is not None and style.border_width:
            canvas.setStrokeColor(style.border)
            canvas.setLineWidth(style.border_width)
            canvas.rect(0, 0, width, height, stroke=1, fill=0)
