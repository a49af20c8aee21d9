"""Paragraph styles and colours derived from a layout profile."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle

from generator.layouts import Layout
from generator.render.direction import breaks_between_characters, is_right_to_left
from generator.render.fonts import FontNames, register_family


def make_color(hex_value: str, grayscale: bool) -> colors.Color:
    """A colour from #rrggbb; in grayscale mode the gray of the same luminance."""
    color = colors.HexColor(hex_value)
    if not grayscale:
        return color
    luminance = 0.299 * color.red + 0.587 * color.green + 0.114 * color.blue
    return colors.Color(luminance, luminance, luminance)


@dataclass(frozen=True)
class Palette:
    """The layout's colours, ready for ReportLab."""

    text: colors.Color
    accent: colors.Color
    box_fill: colors.Color
    warning: colors.Color
    warning_fill: colors.Color
    caution: colors.Color
    caution_fill: colors.Color
    rule: colors.Color
    white: colors.Color


@dataclass(frozen=True)
class Styles:
    """Every paragraph style a leaflet uses."""

    fonts: FontNames
    palette: Palette
    heading_band: bool
    """Warning headings in light text on a dark band (off when no text may sit on colour)."""
    space: float
    """The unit of vertical space and padding: body size times the layout's spacing."""
    facts_columns: int
    """How many label/value pairs the prepared-for box puts on a row."""
    rtl: bool
    """The leaflet reads right to left: paragraphs right-aligned, tables, boxes and page furniture mirrored."""
    body: ParagraphStyle
    bullet: ParagraphStyle
    title: ParagraphStyle
    subtitle: ParagraphStyle
    heading: ParagraphStyle
    boxed_heading: ParagraphStyle
    callout: ParagraphStyle
    cell: ParagraphStyle
    cell_header: ParagraphStyle
    small: ParagraphStyle
    small_right: ParagraphStyle
    footer: ParagraphStyle
    """The footer line: the only text that may be under the layout's minimum size."""
    footer_right: ParagraphStyle
    _recoloured: dict[tuple[float, ...], ParagraphStyle] = field(default_factory=dict, compare=False, repr=False)

    def boxed_heading_in(self, color: colors.Color) -> ParagraphStyle:
        """The boxed heading in `color` (one style object per colour, so paragraphs share their cache entry)."""
        key = color.rgba()
        style = self._recoloured.get(key)
        if style is None:
            style = self._recoloured.setdefault(key, self.boxed_heading.clone("boxed_heading_now", textColor=color))
        return style


class _Identity:
    """A layout as a cache key by identity (layouts are unhashable; the cache holds it, so its id stays its own)."""

    __slots__ = ("layout",)

    def __init__(self, layout: Layout) -> None:
        self.layout = layout

    def __hash__(self) -> int:
        return id(self.layout)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Identity) and other.layout is self.layout


def make_styles(layout: Layout, grayscale: bool, language: str = "en") -> Styles:
    """Styles for `layout` and the leaflet's `language`, registering its font family; made once per layout
    object, grayscale setting and way of setting text (styles are never changed once made, and equal styles let
    paragraphs find their cache entries quickly)."""
    return _styles(_Identity(layout), grayscale, is_right_to_left(language), breaks_between_characters(language))


@functools.lru_cache(maxsize=64)
def _styles(key: _Identity, grayscale: bool, rtl: bool, cjk: bool) -> Styles:
    layout = key.layout
    fonts = register_family(layout.font.family)
    gray = grayscale or layout.grayscale
    c = layout.colors

    def fill(hex_value: str) -> colors.Color:
        return make_color(hex_value, gray) if layout.text_over_color else colors.white

    palette = Palette(
        text=make_color(c.text, gray),
        accent=make_color(c.accent, gray),
        box_fill=fill(c.box_fill),
        warning=make_color(c.warning, gray),
        warning_fill=fill(c.warning_fill),
        caution=make_color(c.caution, gray),
        caution_fill=fill(c.caution_fill),
        rule=make_color(c.rule, gray),
        white=colors.white,
    )
    size, leading = layout.font.size, layout.font.leading
    unit = size * layout.spacing
    ratio = leading / size
    body = ParagraphStyle(
        "body",
        fontName=fonts.regular,
        bulletFontName=fonts.regular,
        bulletFontSize=size,
        spaceShrinkage=0,  # never let a line run past its frame into the margin
        fontSize=size,
        leading=leading,
        textColor=palette.text,
        alignment=TA_RIGHT if rtl else TA_LEFT,
        spaceAfter=unit * 0.35,
        direction="rtl" if rtl else "ltr",  # read by generator.render.text
        breaks="characters" if cjk else "words",  # read by generator.render.text
    )
    sizes = layout.sizes
    heading = ParagraphStyle(
        "heading",
        parent=body,
        fontName=fonts.bold,
        fontSize=sizes.heading,
        leading=sizes.heading * 1.25,
        textColor=palette.accent,
        spaceBefore=unit * 0.8,
        spaceAfter=unit * 0.3,
        keepWithNext=1,
    )
    small = ParagraphStyle("small", parent=body, fontSize=sizes.small, leading=sizes.small * ratio, spaceAfter=0)
    footer_size = sizes.footer or sizes.small
    footer = ParagraphStyle("footer", parent=small, fontSize=footer_size, leading=footer_size * ratio)
    return Styles(
        fonts=fonts,
        palette=palette,
        heading_band=layout.text_over_color,
        space=unit,
        facts_columns=layout.facts_columns,
        rtl=rtl,
        body=body,
        bullet=ParagraphStyle(  # right to left, the bullet and the indent are on the right (generator.render.text)
            "bullet",
            parent=body,
            leftIndent=0 if rtl else size * 1.4,
            rightIndent=size * 1.4 if rtl else 0,
            bulletIndent=size * 0.3,
            spaceAfter=unit * 0.15,
        ),
        title=ParagraphStyle(
            "title", parent=heading, fontSize=sizes.title, leading=sizes.title * 1.2, spaceBefore=0, spaceAfter=2
        ),
        subtitle=ParagraphStyle("subtitle", parent=body, textColor=palette.text, spaceAfter=unit * 0.8),
        heading=heading,
        boxed_heading=ParagraphStyle("boxed_heading", parent=heading, spaceBefore=0, spaceAfter=0),
        callout=ParagraphStyle("callout", parent=body, fontName=fonts.bold, spaceAfter=0),
        cell=ParagraphStyle("cell", parent=body, spaceAfter=0),
        cell_header=ParagraphStyle("cell_header", parent=body, fontName=fonts.bold, spaceAfter=0),
        small=small,
        small_right=ParagraphStyle("small_right", parent=small, alignment=TA_LEFT if rtl else TA_RIGHT),
        footer=footer,
        footer_right=ParagraphStyle("footer_right", parent=footer, alignment=TA_LEFT if rtl else TA_RIGHT),
    )
