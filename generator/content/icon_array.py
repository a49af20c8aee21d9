"""The icon array body item (PEMAT item 15): numbers such as "15 in 100 people felt sleepy" drawn as a grid of
person icons, filled for the people it happened to and outlined for the others (issue 26).

The counts are the content's: the renderer draws them and the verifier counts the drawn icons back against the
block. The shapes are found by their corner count and the frame around each array by its line width, as the
dose-time strip's tablets and cells are (generator.prescription.strip).
"""

from __future__ import annotations

from pydantic import Field, model_validator

from generator.content.schema import StrictModel

ICON_ARRAY_POINTS = 31
"""Path segments of a drawn person icon (its outline's corners and the closing point): the verifier counts the
shapes of exactly this many segments, filled or outlined, so no other shape of a leaflet has it (a tablet has 22,
a sun's disc 24, a crescent 34)."""
ICON_ARRAY_FRAME_LINE = 0.5
"""Width of the line framing one icon array, in points: the verifier finds the arrays by it (no other frame of a
leaflet is drawn with it)."""
ICON_ARRAY_SIZES = (10, 100)
"""How many people an array may show: a row of 10, or 10 rows of 10."""
ICON_ARRAY_COLUMNS = 10


class IconArrayPanel(StrictModel):
    """One array: `count` of `of` people drawn filled, the rest outlined, under its label."""

    count: int = Field(ge=0)
    """How many people it happened to (filled icons): a number the block's sources support."""
    of: int
    """How many people the array shows: 10 or 100."""
    label: str = Field(min_length=1)
    """What the array shows, with its numbers in words (Jinja2 template): 'Taking carisoprodol: 13 to 17 in 100.
    The picture shows 15.'; a range or a rounded figure says which number is drawn."""

    @model_validator(mode="after")
    def _count_fits(self) -> IconArrayPanel:
        if self.of not in ICON_ARRAY_SIZES:
            raise ValueError(f"of: expected 10 or 100, got {self.of}")
        if self.count > self.of:
            raise ValueError(f"count: {self.count} is more than of ({self.of})")
        return self


class IconArrayData(StrictModel):
    """Icon arrays side by side (one to three) under a caption that says what a filled icon is."""

    caption: str = Field(min_length=1)
    """Says what the arrays compare and what a filled icon means (Jinja2 template)."""
    arrays: list[IconArrayPanel] = Field(min_length=1, max_length=3)
    """The arrays, in reading order."""
