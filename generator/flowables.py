"""Turns a personalised Leaflet into ReportLab flowables: title, prepared-for box, blocks.

Each flowable that prints text gets its structure role here (generator.tagging), so the PDF
is tagged in reading order; see that package's docstring for how to tag a new flowable.
"""

from __future__ import annotations

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, Spacer, Table, TableStyle

from generator.personalise import Item, Leaflet, LeafletBlock
from generator.styles import Styles
from generator.tagging import Figure, artifact, contain, group, tag, tag_list, tag_table
from generator.templating import escape_text
from generator.text import Text, WholeParagraph


def _table_style(styles: Styles, commands: list[tuple[object, ...]]) -> TableStyle:
    """A table style that also sets the table's own font, so no base-14 font is pulled in."""
    return TableStyle([("FONT", (0, 0), (-1, -1), styles.fonts.regular, styles.body.fontSize), *commands])


def _flat(rows: list[list[Flowable]]) -> list[Flowable]:
    return [cell for row in rows for cell in row]


def _paragraphs(item: Item, styles: Styles) -> list[Flowable]:
    if item.kind == "bullets":
        return tag_list([WholeParagraph(text, styles.bullet, bulletText="\u2022") for text in item.texts])
    return [tag(WholeParagraph(text, styles.body), "P") for text in item.texts]


def _callout(text: str, severity: str, width: float, styles: Styles) -> Table:
    pal = styles.palette
    line, fill = (pal.warning, pal.warning_fill) if severity == "warning" else (pal.caution, pal.caution_fill)
    text_cell = tag(WholeParagraph(text, styles.callout), "P")
    table = contain(Table([[text_cell]], colWidths=[width]), [text_cell])
    table.setStyle(
        _table_style(
            styles,
            [
                ("BACKGROUND", (0, 0), (-1, -1), fill),
                ("BOX", (0, 0), (-1, -1), 0.8, line),
                ("LINEBEFORE", (0, 0), (0, -1), 5 if severity == "warning" else 3, line),
                ("LEFTPADDING", (0, 0), (-1, -1), styles.space * 0.9),
                ("RIGHTPADDING", (0, 0), (-1, -1), styles.space * 0.6),
                ("TOPPADDING", (0, 0), (-1, -1), styles.space * 0.45),
                ("BOTTOMPADDING", (0, 0), (-1, -1), styles.space * 0.55),
            ],
        )
    )
    return table


def _data_table(
    item: Item, width: float, styles: Styles, kind: type[Table] = Table, shares: tuple[float, ...] = ()
) -> Table:
    pal = styles.palette
    header, *rows = item.rows
    cells = [[WholeParagraph(c, styles.cell_header) for c in header]]
    cells += [[WholeParagraph(c, styles.cell) for c in row] for row in rows]
    tag_table(cells, header_rows=1)
    columns = len(header)
    shares = shares or (1 / columns,) * columns
    table = contain(kind(cells, colWidths=[width * share for share in shares], repeatRows=1), _flat(cells))
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


def _item_flowables(item: Item, width: float, styles: Styles, spacer: float) -> list[Flowable]:
    if item.kind in ("warning", "caution"):
        return [_callout(item.texts[0], item.kind, width, styles), Spacer(1, spacer)]
    if item.kind == "table":
        return [_data_table(item, width, styles), Spacer(1, spacer)]
    return _paragraphs(item, styles)


def _plain_block(block: LeafletBlock, width: float, styles: Styles) -> list[Flowable]:
    spacer = styles.body.fontSize * 0.5
    story: list[Flowable] = [tag(Text(block.title, styles.heading), "H2")]
    for item in block.items:
        story += _item_flowables(item, width, styles, spacer)
    group("Sect", story)
    return story


def _boxed_block(block: LeafletBlock, width: float, styles: Styles) -> list[Flowable]:
    """A caution or warning block: a bordered box whose rows may split across pages."""
    pal = styles.palette
    warning = block.severity == "warning"
    inner = width - 2 * styles.space
    band = warning and styles.heading_band
    heading_color = pal.white if band else (pal.warning if warning else pal.text)
    heading_style = styles.boxed_heading.clone("boxed_heading_now", textColor=heading_color)
    rows: list[list[Flowable]] = [[tag(Text(block.title, heading_style), "H2")]]
    for item in block.items:
        rows += [[f] for f in _item_flowables(item, inner, styles, styles.space * 0.3) if not isinstance(f, Spacer)]
    group("Sect", _flat(rows))
    table = contain(Table(rows, colWidths=[width], repeatRows=1), _flat(rows))
    line = pal.warning if warning else pal.caution
    table.setStyle(
        _table_style(
            styles,
            [
                ("BOX", (0, 0), (-1, -1), 2.4 if warning else 1.4, line),
                ("BACKGROUND", (0, 0), (-1, 0), line if band else pal.caution_fill),
                ("LINEBELOW", (0, 0), (-1, 0), 1.4, line),
                ("LEFTPADDING", (0, 0), (-1, -1), styles.space),
                ("RIGHTPADDING", (0, 0), (-1, -1), styles.space),
                ("TOPPADDING", (0, 0), (-1, -1), styles.space * 0.3),
                ("BOTTOMPADDING", (0, 0), (-1, -1), styles.space * 0.3),
                ("TOPPADDING", (0, 0), (-1, 0), styles.space * 0.55),
                ("BOTTOMPADDING", (0, 0), (-1, 0), styles.space * 0.55),
                ("BOTTOMPADDING", (0, -1), (-1, -1), styles.space * 0.8),
                ("TOPPADDING", (0, 1), (-1, 1), styles.space * 0.7),
            ],
        )
    )
    return [Spacer(1, styles.space * 0.7), table, Spacer(1, styles.space * 0.2)]


def block_flowables(block: LeafletBlock, width: float, styles: Styles) -> list[Flowable]:
    """Flowables for one block, styled by its severity."""
    if block.severity == "info":
        return _plain_block(block, width, styles)
    return _boxed_block(block, width, styles)


def prepared_for_box(leaflet: Leaflet, width: float, styles: Styles) -> Table:
    """The personal part: who, prescriber, dose, start and stop-by dates."""
    per_row = styles.facts_columns
    pair_width = width / per_row
    label_width = min(pair_width * 0.36, styles.body.fontSize * 9)
    cells = [[Text(label, styles.cell_header), Text(value, styles.cell)] for label, value in leaflet.facts]
    tag_table(cells, header_columns=1)  # one row per fact, whatever the grid
    cells += [[artifact(Text("", styles.cell)), artifact(Text("", styles.cell))]] * (-len(cells) % per_row)
    rows = [[cell for pair in cells[i : i + per_row] for cell in pair] for i in range(0, len(cells), per_row)]
    table = contain(Table(rows, colWidths=[label_width, pair_width - label_width] * per_row), _flat(cells))
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
    """The dose schedule, if any: its heading (kept with the table) and the table, never split."""
    if leaflet.schedule is None:
        return []
    story: list[Flowable] = [tag(Text(leaflet.schedule.title, styles.heading), "H2")]
    for item in leaflet.schedule.items:
        story.append(_data_table(item, width, styles, WholeTable, SCHEDULE_COLUMNS))
    group("Sect", story)
    return story


def intro_flowables(leaflet: Leaflet, width: float, styles: Styles) -> list[Flowable]:
    """Title, subtitle and prepared-for box, across the full width of page 1."""
    story: list[Flowable] = [tag(Text(leaflet.title, styles.title), "H1")]
    if leaflet.subtitle:
        story.append(tag(Text(leaflet.subtitle, styles.subtitle), "P"))
    story.append(prepared_for_box(leaflet, width, styles))
    return story


def full_leaflet_pointer(leaflet: Leaflet, width: float, styles: Styles) -> list[Flowable]:
    """A line pointing to the full leaflet, beside a QR code of its URL when the clinic has one."""
    line = tag(WholeParagraph(str(escape_text(leaflet.full_leaflet_line)), styles.callout), "P")
    if not leaflet.leaflet_url:
        return [Spacer(1, styles.body.fontSize * 0.6), line]
    widget = QrCodeWidget(leaflet.leaflet_url, barLevel="M")
    x0, y0, x1, y1 = widget.getBounds()
    size = min(1.1 * inch, width * 0.35)
    scale = [size / (x1 - x0), 0, 0, size / (y1 - y0), 0, 0]
    drawing = Drawing(size, size, transform=scale, initialFontName=styles.fonts.regular)  # no base-14 font
    drawing.add(widget)
    code = Figure(drawing, leaflet.qr_code_alt)
    table = contain(Table([[code, line]], colWidths=[size + 8, width - size - 8]), [code, line])
    table.setStyle(_table_style(styles, [("VALIGN", (0, 0), (-1, -1), "MIDDLE"), ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    return [Spacer(1, styles.body.fontSize * 0.6), table]


def cover_panel(leaflet: Leaflet, width: float, styles: Styles) -> list[Flowable]:
    """Trifold front cover: clinic, title and the prepared-for box."""
    clinic = tag(Text(f"<b>{escape_text(leaflet.clinic_name)}</b>", styles.subtitle), "P")
    intro = intro_flowables(leaflet, width, styles)
    return [clinic, Spacer(1, styles.body.fontSize), *intro, *schedule_flowables(leaflet, width, styles)]


def back_panel(leaflet: Leaflet, width: float, styles: Styles, pointer: bool) -> list[Flowable]:
    """Trifold back panel: the clinic's contact details, the content version and made date."""
    story: list[Flowable] = [
        tag(Text(str(escape_text(leaflet.contact_heading)), styles.heading), "H2"),
        tag(WholeParagraph(f"<b>{escape_text(leaflet.clinic_name)}</b>", styles.body), "P"),
    ]
    if leaflet.clinic_address:
        story.append(tag(WholeParagraph(str(escape_text(leaflet.clinic_address)), styles.body), "P"))
    for label, value in leaflet.contact:
        story.append(tag(WholeParagraph(f"<b>{escape_text(label)}:</b> {escape_text(value)}", styles.body), "P"))
    if pointer:
        story += full_leaflet_pointer(leaflet, width, styles)
    version = tag(WholeParagraph(str(escape_text(leaflet.footer_version)), styles.small), "P")
    story += [Spacer(1, styles.body.fontSize), version]
    group("Sect", story)
    return story


def blocks_flowables(leaflet: Leaflet, column_width: float, styles: Styles) -> list[Flowable]:
    """Every block, in reading order, for columns of `column_width`."""
    return [flowable for block in leaflet.blocks for flowable in block_flowables(block, column_width, styles)]


def body_flowables(leaflet: Leaflet, column_width: float, styles: Styles) -> list[Flowable]:
    """The dose schedule, then every block: what flows under the page-1 intro."""
    return schedule_flowables(leaflet, column_width, styles) + blocks_flowables(leaflet, column_width, styles)
