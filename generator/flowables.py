"""Turns a personalised Leaflet into ReportLab flowables: title, prepared-for box, blocks."""

from __future__ import annotations

from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from generator.boxes import Box, BoxStyle
from generator.personalise import Item, Leaflet, LeafletBlock
from generator.styles import Styles
from generator.templating import escape_text
from generator.text import Text, WholeParagraph


def _table_style(styles: Styles, commands: list[tuple[object, ...]]) -> TableStyle:
    """A table style that also sets the table's own font, so no base-14 font is pulled in."""
    return TableStyle([("FONT", (0, 0), (-1, -1), styles.fonts.regular, styles.body.fontSize), *commands])


def _paragraphs(item: Item, styles: Styles) -> list[Flowable]:
    if item.kind == "bullets":
        return [WholeParagraph(text, styles.bullet, bulletText="\u2022") for text in item.texts]
    return [WholeParagraph(text, styles.body) for text in item.texts]


def _callout(text: str, severity: str, styles: Styles) -> Box:
    """A sentence in a tinted box with a thick bar on the left; never split."""
    pal = styles.palette
    line, fill = (pal.warning, pal.warning_fill) if severity == "warning" else (pal.caution, pal.caution_fill)
    style = BoxStyle(
        fill=fill,
        border=line,
        border_width=0.8,
        bar=5 if severity == "warning" else 3,
        pad_x=styles.space * 0.7,
        pad_y=styles.space * 0.5,
    )
    return Box(None, [WholeParagraph(text, styles.callout)], style, space_after=styles.space * 0.5)


def _data_table(
    item: Item, width: float, styles: Styles, kind: type[Table] = Table, shares: tuple[float, ...] = ()
) -> Table:
    pal = styles.palette
    header, *rows = item.rows
    cells = [[WholeParagraph(c, styles.cell_header) for c in header]]
    cells += [[WholeParagraph(c, styles.cell) for c in row] for row in rows]
    columns = len(header)
    shares = shares or (1 / columns,) * columns
    table = kind(cells, colWidths=[width * share for share in shares], repeatRows=1)
    pad = styles.body.fontSize * 0.4
    table.setStyle(
        _table_style(
            styles,
            [
                ("BACKGROUND", (0, 0), (-1, 0), pal.box_fill),
                ("GRID", (0, 0), (-1, -1), 0.6, pal.rule),
                ("LINEBELOW", (0, 0), (-1, 0), 1.2, pal.text),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), pad),
                ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
            ],
        )
    )
    return table


def _item_flowables(item: Item, width: float, styles: Styles) -> list[Flowable]:
    if item.kind in ("warning", "caution"):
        return [_callout(item.texts[0], item.kind, styles)]
    if item.kind == "table":
        return [_data_table(item, width, styles), Spacer(1, styles.body.fontSize * 0.5)]
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
    """One block as a Box, styled by its severity; `continued` words its heading on the next page."""
    pal = styles.palette
    if block.severity == "info":
        style, heading_style, inner = _plain_style(styles), styles.heading, width
    else:
        style = _boxed_style(block, styles)
        band = block.severity == "warning" and styles.heading_band
        color = pal.white if band else (pal.warning if block.severity == "warning" else pal.text)
        heading_style = styles.boxed_heading.clone("boxed_heading_now", textColor=color)
        inner = width - 2 * style.pad_x
    content = [flowable for item in block.items for flowable in _item_flowables(item, inner, styles)]
    title = block.title

    def again() -> Flowable:
        return Text(continued.format(title=title), heading_style)

    space_before = styles.heading.spaceBefore if block.severity == "info" else styles.space * 0.9
    return [Box(Text(title, heading_style), content, style, again, space_before, styles.space * 0.3)]


def prepared_for_box(leaflet: Leaflet, width: float, styles: Styles) -> Table:
    """The personal part: who, prescriber, dose, start and stop-by dates."""
    per_row = styles.facts_columns
    pair_width = width / per_row
    label_width = min(pair_width * 0.36, styles.body.fontSize * 9)
    cells = [[Text(label, styles.cell_header), Text(value, styles.cell)] for label, value in leaflet.facts]
    cells += [[Text("", styles.cell), Text("", styles.cell)]] * (-len(cells) % per_row)
    rows = [[cell for pair in cells[i : i + per_row] for cell in pair] for i in range(0, len(cells), per_row)]
    table = Table(rows, colWidths=[label_width, pair_width - label_width] * per_row)
    table.setStyle(
        _table_style(
            styles,
            [
                ("BACKGROUND", (0, 0), (-1, -1), styles.palette.box_fill),
                ("BOX", (0, 0), (-1, -1), 1.2, styles.palette.accent),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), styles.space * 0.8),
                ("TOPPADDING", (0, 0), (-1, -1), styles.space * 0.25),
                ("BOTTOMPADDING", (0, 0), (-1, -1), styles.space * 0.25),
                ("TOPPADDING", (0, 0), (-1, 0), styles.space * 0.7),
                ("BOTTOMPADDING", (0, -1), (-1, -1), styles.space * 0.7),
            ],
        )
    )
    return table


SCHEDULE_COLUMNS = (0.23, 0.23, 0.31, 0.23)
"""Shares of the width for From, Until, How much and How often."""


class WholeTable(Table):
    """A table that moves to the next page or panel rather than split (the dose schedule)."""

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803
        return []


def schedule_flowables(leaflet: Leaflet, width: float, styles: Styles) -> list[Flowable]:
    """The dose schedule, if any: its heading and table, never split."""
    if leaflet.schedule is None:
        return []
    tables: list[Flowable] = [
        _data_table(item, width, styles, WholeTable, SCHEDULE_COLUMNS) for item in leaflet.schedule.items
    ]
    if leaflet.calendar_pointer:
        tables.append(WholeParagraph(str(escape_text(leaflet.calendar_pointer)), styles.body))
        tables[0].spaceAfter = styles.body.spaceAfter
    heading = Text(leaflet.schedule.title, styles.heading)
    return [Box(heading, tables, _plain_style(styles), None, styles.heading.spaceBefore, styles.space * 0.3)]


def intro_flowables(leaflet: Leaflet, width: float, styles: Styles) -> list[Flowable]:
    """Title, subtitle and prepared-for box, across the full width of page 1."""
    story: list[Flowable] = [Text(leaflet.title, styles.title)]
    if leaflet.subtitle:
        story.append(Text(leaflet.subtitle, styles.subtitle))
    story.append(prepared_for_box(leaflet, width, styles))
    return story


def full_leaflet_pointer(leaflet: Leaflet, width: float, styles: Styles) -> list[Flowable]:
    """A line pointing to the full leaflet, beside a QR code of its URL when the clinic has one."""
    line = WholeParagraph(str(escape_text(leaflet.full_leaflet_line)), styles.callout)
    if not leaflet.leaflet_url:
        return [Spacer(1, styles.body.fontSize * 0.6), line]
    from reportlab.graphics.barcode.qr import QrCodeWidget  # only layouts with a QR code pay for its import
    from reportlab.graphics.shapes import Drawing

    widget = QrCodeWidget(leaflet.leaflet_url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    size = min(1.1 * inch, width * 0.35)
    code = Drawing(size, size, transform=[size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0])
    code.add(widget)
    table = Table([[code, line]], colWidths=[size + 8, width - size - 8])
    table.setStyle(_table_style(styles, [("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    return [Spacer(1, styles.body.fontSize * 0.6), table]


def cover_panel(leaflet: Leaflet, width: float, styles: Styles) -> list[Flowable]:
    """Trifold front cover: clinic, title and the prepared-for box."""
    clinic = Text(f"<b>{escape_text(leaflet.clinic_name)}</b>", styles.subtitle)
    intro = intro_flowables(leaflet, width, styles)
    return [clinic, Spacer(1, styles.body.fontSize), *intro, *schedule_flowables(leaflet, width, styles)]


def back_panel(leaflet: Leaflet, width: float, styles: Styles, pointer: bool) -> list[Flowable]:
    """Trifold back panel: the clinic's contact details, the content version and made date."""
    story: list[Flowable] = [
        Text(str(escape_text(leaflet.contact_heading)), styles.heading),
        WholeParagraph(f"<b>{escape_text(leaflet.clinic_name)}</b>", styles.body),
    ]
    if leaflet.clinic_address:
        story.append(WholeParagraph(str(escape_text(leaflet.clinic_address)), styles.body))
    for label, value in leaflet.contact:
        story.append(WholeParagraph(f"<b>{escape_text(label)}:</b> {escape_text(value)}", styles.body))
    if pointer:
        story += full_leaflet_pointer(leaflet, width, styles)
    story += [Spacer(1, styles.body.fontSize), WholeParagraph(str(escape_text(leaflet.footer_version)), styles.footer)]
    return story


def blocks_flowables(leaflet: Leaflet, column_width: float, styles: Styles) -> list[Flowable]:
    """Every block, in reading order, for columns of `column_width`."""
    continued = leaflet.continued
    return [f for block in leaflet.blocks for f in block_flowables(block, column_width, styles, continued)]


def body_flowables(leaflet: Leaflet, column_width: float, styles: Styles) -> list[Flowable]:
    """The dose schedule, then every block: what flows under the page-1 intro."""
    return schedule_flowables(leaflet, column_width, styles) + blocks_flowables(leaflet, column_width, styles)
