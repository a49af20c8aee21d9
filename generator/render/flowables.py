"""Turns a personalised Leaflet into ReportLab flowables: title, prepared-for box, blocks.

Each flowable that prints text gets its structure role here (generator.tagging), so the PDF
is tagged in reading order; see that package's docstring for how to tag a new flowable.
"""

from __future__ import annotations

import functools
import html

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from generator.content.templating import escape_text
from generator.personalise import MAIN_MESSAGE_KIND, MEDICINE_KIND, MOST_IMPORTANT_KIND, Item, Leaflet, LeafletBlock
from generator.render.boxes import Box, BoxStyle
from generator.render.column_widths import fitted_widths
from generator.render.direction import breaks_between_characters, is_right_to_left
from generator.render.dose_strip import strip_flowables
from generator.render.drug_facts import drug_facts_flowables
from generator.render.fontrun import text_width
from generator.render.icon_array import icon_array_flowables
from generator.render.mirror import mirror_commands, mirror_rows
from generator.render.styles import Styles
from generator.render.text import Text, WholeParagraph
from generator.tagging import Figure, artifact, contain, group, tag, tag_list, tag_table


def _table_style(styles: Styles, commands: list[tuple[object, ...]]) -> TableStyle:
    """A table style that also sets the table's own font, so no base-14 font is pulled in."""
    return TableStyle([("FONT", (0, 0), (-1, -1), styles.fonts.regular, styles.body.fontSize), *commands])


def grid(
    rows: list[list[Flowable]],
    widths: list[float],
    styles: Styles,
    commands: list[tuple[object, ...]],
    kind: type[Table] = Table,
    **options: object,
) -> Table:
    """A table of `rows` (in reading order) with columns `widths` wide, styled by `commands`; mirrored (first column
    on the right) when the leaflet reads right to left."""
    if styles.rtl:
        rows, widths, commands = mirror_rows(rows), widths[::-1], mirror_commands(commands, len(widths))
    table = kind(rows, colWidths=widths, **options)
    table.setStyle(_table_style(styles, commands))
    return table


def _flat(rows: list[list[Flowable]]) -> list[Flowable]:
    return [cell for row in rows for cell in row]


def _paragraphs(item: Item, styles: Styles) -> list[Flowable]:
    if item.kind == "bullets":
        return tag_list([WholeParagraph(text, styles.bullet, bulletText="\u2022") for text in item.texts])
    style = styles.body if item.lang is None else _set_as(styles.body, item.lang)
    return [tag(WholeParagraph(text, style), "P", lang=item.lang) for text in item.texts]


@functools.cache
def _set_as(style: ParagraphStyle, language: str) -> ParagraphStyle:
    """`style` for a line in another language than the leaflet's (the language-help notice's): an Arabic line in
    an English leaflet reads right to left, right-aligned, its phone number last (at its left); a Chinese line
    breaks between characters. A left-to-right line in an Arabic leaflet keeps the leaflet's alignment."""
    rtl, cjk = is_right_to_left(language), breaks_between_characters(language)
    changes: dict[str, object] = {"breaks": "characters" if cjk else "words"}
    if rtl:
        changes |= {"direction": "rtl", "alignment": TA_RIGHT}
    return ParagraphStyle(f"{style.name}-{language}", parent=style, **changes)


def _callout(text: str, severity: str, styles: Styles) -> Box:
    """A sentence in a tinted box with a thick bar on the left; never split."""
    pal = styles.palette
    line, fill = (pal.warning, pal.warning_fill) if severity == "warning" else (pal.caution, pal.caution_fill)
    style = BoxStyle(
        fill=fill,
        border=line,
        border_width=0.8,
        bar=5 if severity == "warning" else 3,
        rtl=styles.rtl,
        pad_x=styles.space * 0.7,
        pad_y=styles.space * 0.5,
    )
    text_cell = tag(WholeParagraph(text, styles.callout), "P")
    return contain(Box(None, [text_cell], style, space_after=styles.space * 0.5), [text_cell])


def _data_table(
    item: Item, width: float, styles: Styles, kind: type[Table] = Table, widths: list[float] | None = None
) -> Table:
    """A table of text with a header row; its columns `widths` wide, else of equal width."""
    pal = styles.palette
    header, *rows = item.rows
    cells = [[WholeParagraph(c, styles.cell_header) for c in header]]
    cells += [[WholeParagraph(c, styles.cell) for c in row] for row in rows]
    tag_table(cells, header_rows=1)
    widths = widths or [width / len(header)] * len(header)
    pad = styles.body.fontSize * 0.4
    commands: list[tuple[object, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), pal.box_fill),
        ("GRID", (0, 0), (-1, -1), 0.6, pal.rule),
        ("LINEBELOW", (0, 0), (-1, 0), 1.2, pal.text),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), pad),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
    ]
    return contain(grid(list(cells), widths, styles, commands, kind, repeatRows=1), _flat(cells))


def main_message_flowables(leaflet: Leaflet, styles: Styles) -> list[Flowable]:
    """Each main message (one a topic) in bold in a box with a thick bar, under page 1's title; never split."""
    pal = styles.palette
    style = BoxStyle(
        fill=pal.box_fill,
        border=pal.accent,
        border_width=1.2,
        bar=5,
        rtl=styles.rtl,
        pad_x=styles.space * 0.7,
        pad_y=styles.space * 0.3,
    )
    boxes: list[Flowable] = []
    for block in leaflet.blocks:
        if block.kind != MAIN_MESSAGE_KIND:
            continue
        texts = [text for item in block.items for text in item.texts]
        cells = [tag(WholeParagraph(f"<b>{text}</b>", styles.callout), "P") for text in texts]
        boxes.append(contain(Box(None, cells, style, space_after=styles.space * 0.3), cells))
    return boxes


def _item_flowables(item: Item, width: float, styles: Styles) -> list[Flowable]:
    if item.kind in ("warning", "caution"):
        return [_callout(item.texts[0], item.kind, styles)]
    if item.kind == "table":
        return [_data_table(item, width, styles), Spacer(1, styles.body.fontSize * 0.5)]
    if item.kind == "icon_array":
        return icon_array_flowables(item, styles)
    if item.kind == "drug_facts_picture":
        return drug_facts_flowables(item, styles)
    return _paragraphs(item, styles)


def _plain_style(styles: Styles) -> BoxStyle:
    return BoxStyle(gap=styles.heading.spaceAfter)


def _boxed_style(block: LeafletBlock, styles: Styles) -> BoxStyle:
    pal = styles.palette
    warning = block.severity == "warning"
    line = pal.warning if warning else pal.caution
    return BoxStyle(
        border=line,
        border_width=2.4 if warning else 1.4,
        pad_x=styles.space,
        pad_y=styles.space * 0.5,
        heading_fill=line if warning and styles.heading_band else pal.caution_fill,
        heading_pad=styles.space * 0.5,
        heading_rule=1.4,
        gap=styles.space * 0.7,
    )


def block_flowables(block: LeafletBlock, width: float, styles: Styles, continued: str) -> list[Flowable]:
    """One block as a Box, styled by its severity; `continued` words its heading on the next page.

    A medicine's part of a leaflet for several medicines starts with the medicine's name as a first-level
    heading, over its dates and its schedule."""
    pal = styles.palette
    if block.kind == MEDICINE_KIND:
        heading = tag(Text(block.title, styles.title), "H1")
        content = _schedule_parts(block.items, width, styles)
        group("Sect", [heading, *content])
        box = Box(heading, content, _plain_style(styles), None, styles.heading.spaceBefore, styles.space * 0.3)
        return [contain(box, [heading, *content])]
    if block.severity == "info":
        style, heading_style, inner = _plain_style(styles), styles.heading, width
    else:
        style = _boxed_style(block, styles)
        band = block.severity == "warning" and styles.heading_band
        color = pal.white if band else (pal.warning if block.severity == "warning" else pal.text)
        heading_style = styles.boxed_heading_in(color)
        inner = width - 2 * style.pad_x
    content = [flowable for item in block.items for flowable in _item_flowables(item, inner, styles)]
    title = block.title
    heading = tag(Text(title, heading_style), "H2")
    group("Sect", [heading, *content])

    def again() -> Flowable:  # the heading said again on the next page: read once, so an artifact
        return artifact(Text(continued.format(title=title), heading_style))

    space_before = styles.heading.spaceBefore if block.severity == "info" else styles.space * 0.9
    box = Box(heading, content, style, again, space_before, styles.space * 0.3)
    return [contain(box, [heading, *content])]


def prepared_for_box(leaflet: Leaflet, width: float, styles: Styles) -> Table:
    """The personal part: who, prescriber, dose, start and stop-by dates."""
    per_row = styles.facts_columns
    pair_width = width / per_row
    pad = styles.space * 0.8
    widest = max(
        text_width(html.unescape(label), styles.fonts.bold, styles.cell_header.fontSize) for label, _ in leaflet.facts
    )
    label_width = min(widest + 2 * pad + 1, pair_width * 0.45)
    cells = [[Text(label, styles.cell_header), Text(value, styles.cell)] for label, value in leaflet.facts]
    tag_table(cells, header_columns=1)  # one row per fact, whatever the grid
    cells += [[artifact(Text("", styles.cell)), artifact(Text("", styles.cell))]] * (-len(cells) % per_row)
    rows = [[cell for pair in cells[i : i + per_row] for cell in pair] for i in range(0, len(cells), per_row)]
    commands: list[tuple[object, ...]] = [
        ("BACKGROUND", (0, 0), (-1, -1), styles.palette.box_fill),
        ("BOX", (0, 0), (-1, -1), 1.2, styles.palette.accent),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), styles.space * 0.25),
        ("BOTTOMPADDING", (0, 0), (-1, -1), styles.space * 0.25),
        ("TOPPADDING", (0, 0), (-1, 0), styles.space * 0.7),
        ("BOTTOMPADDING", (0, -1), (-1, -1), styles.space * 0.7),
    ]
    return contain(grid(rows, [label_width, pair_width - label_width] * per_row, styles, commands), _flat(cells))


POINTER_SHARE = 0.4
"""Share of page 1's width the full-leaflet pointer takes beside the title (multi-column layouts)."""


class WholeTable(Table):
    """A table that moves to the next page or panel rather than split (the dose schedule)."""

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        return []


def _schedule_parts(items: tuple[Item, ...], width: float, styles: Styles) -> list[Flowable]:
    """A schedule's items: its table never split, its fitted columns wrapping no word, and what follows kept
    with it (the most to take in one day)."""
    parts: list[Flowable] = []
    for item in items:
        if item.kind != "table":
            parts += _paragraphs(item, styles)
            continue
        widths = fitted_widths(item.rows, width, styles.cell_header, styles.cell)
        parts.append(_data_table(item, width, styles, WholeTable, widths))
        parts[-1].spaceAfter, parts[-1].keepWithNext = styles.body.spaceAfter, True
    return parts


def schedule_flowables(
    leaflet: Leaflet, width: float, styles: Styles, pointer: bool = True, strip: bool = True
) -> list[Flowable]:
    """The dose schedule, if any (for several medicines, what to take at each time of day): its heading and
    table, never split, and the most to take in one day; with `strip`, the dose-time strip; with `pointer`, the
    line saying where to get a dose calendar (in layouts without one)."""
    if leaflet.schedule is None:
        return []
    parts = _schedule_parts(leaflet.schedule.items, width, styles)
    if strip and leaflet.strip is not None:
        parts += strip_flowables(leaflet.strip, width, styles)
    if pointer:
        parts += _calendar_pointer(leaflet, styles)
    heading = tag(Text(leaflet.schedule.title, styles.heading), "H2")
    group("Sect", [heading, *parts])
    box = Box(heading, parts, _plain_style(styles), None, styles.heading.spaceBefore, styles.space * 0.3)
    return [contain(box, [heading, *parts])]


def _calendar_pointer(leaflet: Leaflet, styles: Styles) -> list[Flowable]:
    """The line saying where to get a dose calendar, in layouts without one."""
    if not leaflet.calendar_pointer:
        return []
    return [tag(WholeParagraph(str(escape_text(leaflet.calendar_pointer)), styles.body), "P")]


def intro_flowables(
    leaflet: Leaflet, width: float, styles: Styles, pointer: bool = False, subtitle: bool = True
) -> list[Flowable]:
    """Title, subtitle, the main message, the draft notice (when content is not approved) and prepared-for box,
    across the full width of page 1.

    With `pointer`, the line (and QR code) pointing to the full leaflet sits beside the title; without `subtitle`,
    the main message takes the subtitle's place (a narrow cover).
    """
    heading: list[Flowable] = [tag(Text(leaflet.title, styles.title), "H1")]
    if leaflet.subtitle and subtitle:
        heading.append(tag(Text(leaflet.subtitle, styles.subtitle), "P"))
    heading += main_message_flowables(leaflet, styles)
    if leaflet.draft_notice:  # normal tagged text at the body size (never the untagged footer); beside the pointer
        heading.append(tag(WholeParagraph(str(escape_text(leaflet.draft_notice)), styles.body), "P"))
    if pointer:
        side = width * POINTER_SHARE
        beside = full_leaflet_pointer(leaflet, side, styles)[1:]
        commands: list[tuple[object, ...]] = [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), styles.space * 0.5),
        ]
        table = grid([[heading, beside]], [width - side, side], styles, commands)  # type: ignore[list-item]
        heading = [contain(table, [*heading, *beside])]
    return [*heading, prepared_for_box(leaflet, width, styles)] if leaflet.facts else heading


def full_leaflet_pointer(leaflet: Leaflet, width: float, styles: Styles) -> list[Flowable]:
    """A line pointing to the full leaflet, beside a QR code of its URL when the clinic has one."""
    line = tag(WholeParagraph(str(escape_text(leaflet.full_leaflet_line)), styles.callout), "P")
    if not leaflet.leaflet_url:
        return [Spacer(1, styles.body.fontSize * 0.6), line]
    from reportlab.graphics.barcode.qr import QrCodeWidget  # only layouts with a QR code pay for its import
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(leaflet.leaflet_url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    size = min(1.1 * inch, width * 0.3)
    scale = [size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0]
    drawing = Drawing(size, size, transform=scale, initialFontName=styles.fonts.regular)  # no base-14 font
    drawing.add(widget)
    code = Figure(drawing, leaflet.qr_code_alt)
    commands: list[tuple[object, ...]] = [("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (0, 0), 0)]
    table = contain(grid([[code, line]], [size + 8, width - size - 8], styles, commands), [code, line])
    return [Spacer(1, styles.body.fontSize * 0.6), table]


def cover_panel(leaflet: Leaflet, width: float, styles: Styles) -> list[Flowable]:
    """Trifold front cover: clinic, title, the main message (in the subtitle's place), the prepared-for box and the dose
    schedule (the line saying where to get a dose calendar is on the back panel, so a long schedule still fits the
    cover)."""
    clinic = tag(Text(f"<b>{escape_text(leaflet.clinic_name)}</b>", styles.subtitle), "P")
    main = any(block.kind == MAIN_MESSAGE_KIND for block in leaflet.blocks)  # under the title, where the subtitle was
    intro = intro_flowables(leaflet, width, styles, subtitle=not main)
    schedule = schedule_flowables(leaflet, width, styles, pointer=False)
    return [clinic, Spacer(1, styles.body.fontSize), *intro, *schedule]


def back_panel(leaflet: Leaflet, width: float, styles: Styles, pointer: bool) -> list[Flowable]:
    """Trifold back panel: the clinic's contact details, where to get a dose calendar, the full-leaflet pointer,
    the content version and made date."""
    story: list[Flowable] = [
        tag(Text(str(escape_text(leaflet.contact_heading)), styles.heading), "H2"),
        tag(WholeParagraph(f"<b>{escape_text(leaflet.clinic_name)}</b>", styles.body), "P"),
    ]
    if leaflet.clinic_address:
        story.append(tag(WholeParagraph(str(escape_text(leaflet.clinic_address)), styles.body), "P"))
    for label, value in leaflet.contact:
        story.append(tag(WholeParagraph(f"<b>{escape_text(label)}:</b> {escape_text(value)}", styles.body), "P"))
    story += _calendar_pointer(leaflet, styles)
    if pointer:
        story += full_leaflet_pointer(leaflet, width, styles)
    version = tag(WholeParagraph(str(escape_text(leaflet.footer_version)), styles.footer), "P")
    story += [Spacer(1, styles.body.fontSize), version]
    group("Sect", story)
    return story


def blocks_flowables(leaflet: Leaflet, column_width: float, styles: Styles, strip: bool = False) -> list[Flowable]:
    """Every block, in reading order, for columns of `column_width` (the main message is page 1's, under the
    title: intro_flowables); with `strip`, the dose-time strip after the most important block (which page 1
    keeps whole: the strip, beside the schedule, pushed its call-911 line over)."""
    continued = leaflet.continued
    blocks = [block for block in leaflet.blocks if block.kind != MAIN_MESSAGE_KIND]
    parts = [[*block_flowables(block, column_width, styles, continued)] for block in blocks]
    if strip and leaflet.strip is not None:
        at = 1 if blocks and blocks[0].kind == MOST_IMPORTANT_KIND else 0
        parts.insert(at, strip_flowables(leaflet.strip, column_width, styles))
    return [flowable for part in parts for flowable in part]
