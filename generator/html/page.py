"""The HTML version of a leaflet: one self-contained, semantic page built from the same Leaflet as the PDF.

Headings, lists, tables with header cells (the dose schedule too), `lang`, the logo and QR
code inline as data URIs with alternative text, CSS in the page and no scripts. It reflows
down to 320 px wide and scales with the reader's text size. Rendered with the one sandboxed,
autoescaping Jinja2 environment; the Leaflet's markup goes through `to_html`, never as is.
"""

from __future__ import annotations

import base64
import functools
import itertools
import re
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape
from reportlab.graphics.barcode import qrencoder

from generator.content.templating import environment
from generator.errors import InputError, LayoutError
from generator.html.markup import to_html, to_text
from generator.html.world import POINTER_LINK, world
from generator.layouts import Colors, Layout
from generator.personalise import MAIN_MESSAGE_KIND, Item, Leaflet, LeafletBlock
from generator.render.direction import is_right_to_left
from generator.verify.visibility import MIN_CONTRAST, contrast

_HEX = re.compile(r"#[0-9a-fA-F]{6}")
_FILES = resources.files("generator.html")
_QUIET_ZONE = 4
"""Light modules around a QR code, as the standard asks."""
_IMAGE_TYPES = {b"\x89PNG": "image/png", b"\xff\xd8\xff": "image/jpeg"}
COLOURS = (*Colors.model_fields, "background")
"""The colours a page declares: the layout's and the page's background."""
READABLE_PAIRS = (
    *(("text", fill) for fill in ("box_fill", "warning_fill", "caution_fill", "background")),
    *((ink, "background") for ink in ("accent", "warning", "caution")),
)
"""Each (text colour, colour behind it) the stylesheet sets, which must have 4.5:1 contrast."""


@functools.cache
def _template() -> jinja2.Template:
    return environment().from_string(_FILES.joinpath("leaflet.html.j2").read_text(encoding="utf-8"))


def rgb(value: str) -> tuple[int, int, int]:
    """A #rrggbb colour as its red, green and blue."""
    return int(value[1:3], 16), int(value[3:5], 16), int(value[5:7], 16)


def css_name(colour: str) -> str:
    """The CSS custom property's name of a layout colour (without its `--`)."""
    return colour.replace("_", "-")


def _colours(layout: Layout) -> dict[str, str]:
    """The layout's colours as CSS values, checked: #rrggbb, and text readable on every fill it sits on."""
    chosen = layout.colors.model_dump()
    for name, value in chosen.items():
        if not _HEX.fullmatch(value):
            raise LayoutError(f"layout '{layout.name}': colors.{name}: expected #rrggbb, got '{value}'")
    if not layout.text_over_color:
        chosen |= {"box_fill": "#ffffff", "warning_fill": "#ffffff", "caution_fill": "#ffffff"}
    chosen["background"] = "#ffffff"
    for ink, paper in READABLE_PAIRS:
        ratio = contrast(rgb(chosen[ink]), rgb(chosen[paper]))
        if ratio < MIN_CONTRAST:
            raise LayoutError(
                f"layout '{layout.name}': colors.{ink} on {paper}: contrast {ratio:.1f}:1 is below {MIN_CONTRAST}:1"
            )
    return {css_name(name): value for name, value in chosen.items()}


def _item(item: Item, rtl: bool) -> dict[str, Any]:
    """An item as the template writes it; a line in another language (the language-help notice's) carries its own
    `lang` and `dir`, and right-to-left text isolates its left-to-right runs (generator.html.markup)."""
    if item.kind == "table":
        header, *rows = item.rows
        cells = [[to_html(cell, rtl) for cell in row] for row in rows]
        labels = [to_text(cell) for cell in header]
        header_cells = [to_html(cell, rtl) for cell in header]
        return {"kind": "table", "header": header_cells, "labels": labels, "rows": cells, "lang": None}
    if item.kind == "icon_array":  # the caption, then each array's label and its people, filled first
        arrays = [
            {"label": to_html(label, rtl), "people": [number < filled for number in range(of)]}
            for label, (filled, of) in zip(item.texts[1:], item.icons, strict=True)
        ]
        return {"kind": "icon_array", "texts": [to_html(item.texts[0], rtl)], "arrays": arrays, "lang": None}
    if item.lang is not None:
        rtl = is_right_to_left(item.lang)
        texts = [to_html(text, rtl) for text in item.texts]
        return {"kind": item.kind, "texts": texts, "lang": item.lang, "dir": "rtl" if rtl else "ltr"}
    return {"kind": item.kind, "texts": [to_html(text, rtl) for text in item.texts], "lang": None}


def _block(block: LeafletBlock, rtl: bool) -> dict[str, Any]:
    classes = "block" if block.severity == "info" else f"block {block.severity}"  # the stylesheet styles no info
    content = [_item(item, rtl) for item in block.items]
    return {"title": to_html(block.title, rtl), "classes": classes, "content": content}


def _logo(path: str | None) -> str | None:
    """The clinic's logo as a data URI (PNG or JPEG), so the page needs no other file."""
    if path is None:
        return None
    try:
        data = Path(path).read_bytes()
    except OSError:
        raise InputError(f"clinic.logo: {path} is not a readable PNG or JPEG image") from None
    kind = next((kind for magic, kind in _IMAGE_TYPES.items() if data.startswith(magic)), None)
    if kind is None:
        raise InputError(f"clinic.logo: {path} is not a readable PNG or JPEG image")
    return f"data:{kind};base64,{base64.b64encode(data).decode()}"


def qr_code(url: str) -> str:
    """A QR code of `url` (error correction M, as the PDF's) as a compact SVG data URI (the only SVG a page has)."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(url)
    code.make()
    size = code.getModuleCount() + 2 * _QUIET_ZONE
    path = []
    for row_index, row in enumerate(code.modules):
        column = _QUIET_ZONE
        for dark, run in itertools.groupby(bool(module) for module in row):
            count = len(list(run))
            if dark:
                path.append(f"M{column} {row_index + _QUIET_ZONE}h{count}v1h-{count}z")
            column += count
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" shape-rendering="crispEdges">'
        f'<rect width="{size}" height="{size}" fill="#fff"/><path d="{"".join(path)}" fill="#000"/></svg>'
    )
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


def _pointer(leaflet: Leaflet) -> Markup:
    """The line pointing to the full leaflet, its URL a link when it is a web address."""
    line, url = leaflet.full_leaflet_line, leaflet.leaflet_url
    if not url or not url.startswith(("https://", "http://")) or url not in line:
        return escape(line)
    before, _, after = line.partition(url)
    return escape(before) + Markup(POINTER_LINK).format(url) + escape(after)


def _main(leaflet: Leaflet) -> list[LeafletBlock]:
    """The main message blocks (printed under the title, as in the PDF)."""
    return [block for block in leaflet.blocks if block.kind == MAIN_MESSAGE_KIND]


def render_html(leaflet: Leaflet, layout: Layout, note: Sequence[str] = ()) -> str:
    """The leaflet as one HTML page; `note` adds plain-text paragraphs before the title (an email's greeting)."""
    rtl = is_right_to_left(leaflet.language)
    page = {
        "lang": leaflet.language,
        "dir": "rtl" if rtl else "ltr",  # the layout mirrors by logical CSS properties
        "title": to_text(leaflet.title),
        "heading": to_html(leaflet.title, rtl),
        "subtitle": to_html(leaflet.subtitle, rtl) if leaflet.subtitle else None,
        "draft_notice": leaflet.draft_notice,  # plain text, escaped by the template (as the PDF's is)
        "description": leaflet.subject,
        "keywords": leaflet.keywords,
        "colours": _colours(layout),
        "stylesheet": Markup(world().stylesheet),
        "note": list(note),
        "clinic": {"name": leaflet.clinic_name, "phone": leaflet.clinic_phone, "address": leaflet.clinic_address},
        "logo": _logo(leaflet.clinic_logo) if layout.logo else None,
        "logo_alt": leaflet.logo_alt,
        "facts": [(to_html(label, rtl), to_html(value, rtl)) for label, value in leaflet.facts],
        "schedule": _block(leaflet.schedule, rtl) if leaflet.schedule else None,
        "strip": leaflet.web_strip,  # plain text, escaped by the template
        "main_message": [to_html(text, rtl) for block in _main(leaflet) for item in block.items for text in item.texts],
        "blocks": [_block(block, rtl) for block in leaflet.blocks if block.kind != MAIN_MESSAGE_KIND],
        "pointer": _pointer(leaflet) if layout.qr_code else None,
        "qr_code": qr_code(leaflet.leaflet_url) if layout.qr_code and leaflet.leaflet_url else None,
        "qr_code_alt": leaflet.qr_code_alt,
        "contact_heading": leaflet.contact_heading,
        "contact": list(leaflet.contact),
        "version": leaflet.footer_version,
    }
    return _template().render(page=page)
