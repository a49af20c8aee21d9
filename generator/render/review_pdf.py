"""A review packet as a plain PDF: paragraphs and tables in Noto Sans (which covers Spanish), 10 pt at the least.

The same content as the HTML packet, a translation's English original after it; every text from the library is
escaped, a block's own <b>, <i> and <br/> kept.
"""

from __future__ import annotations

import io

from markupsafe import Markup, escape
from reportlab.lib import colors
from reportlab.lib.pagesizes import letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import inch
from reportlab.platypus import Flowable, LayoutError, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from generator import __version__
from generator.content.review_packet import FileView, Piece, ReviewEntry, ReviewPacket, inline_markup
from generator.errors import RenderError
from generator.render.fonts import FALLBACK_FAMILY, register_family

_MARGIN = 0.75 * inch
_WIDTH = letter[0] - 2 * _MARGIN
_TAGS = {"b": "b", "i": "i"}


class _Styles:
    """The packet's paragraph styles, in one registered family."""

    def __init__(self) -> None:
        fonts = register_family(FALLBACK_FAMILY)
        self.body = ParagraphStyle("body", fontName=fonts.regular, fontSize=10.5, leading=14, spaceAfter=4)
        self.item = ParagraphStyle(
            "item", parent=self.body, leftIndent=12, bulletIndent=2, bulletFontName=fonts.regular
        )
        self.note = ParagraphStyle("note", parent=self.body, textColor=colors.HexColor("#333333"))
        self.h1 = ParagraphStyle("h1", parent=self.body, fontName=fonts.bold, fontSize=18, leading=22, spaceAfter=8)
        self.h2 = ParagraphStyle("h2", parent=self.h1, fontSize=14, leading=18, spaceBefore=14, spaceAfter=4)
        self.h3 = ParagraphStyle("h3", parent=self.h1, fontSize=12, leading=15, spaceBefore=8, spaceAfter=3)


def _inline(text: str) -> Markup:
    return inline_markup(text, _TAGS, "<br/>")


def _table(rows: list[list[Markup]], style: _Styles) -> Table:
    cells = [[Paragraph(cell, style.body) for cell in row] for row in rows]
    table = Table(cells, colWidths=[_WIDTH / len(rows[0])] * len(rows[0]), repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.5, colors.HexColor("#666666")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee")),
            ]
        )
    )
    return table


def _pieces(pieces: tuple[Piece, ...], style: _Styles) -> list[Flowable]:
    story: list[Flowable] = []
    for piece in pieces:
        if piece.kind == "table":
            story.append(_table([[_inline(cell) for cell in row] for row in piece.rows], style))
        elif piece.kind == "bullets":
            story += [Paragraph(_inline(text), style.item, bulletText="•") for text in piece.texts]
        else:
            box = f"<b>{piece.kind.capitalize()} box:</b> " if piece.kind != "text" else ""
            story += [Paragraph(box + _inline(text), style.body) for text in piece.texts]
        if piece.when:
            story.append(Paragraph(Markup("<i>Shown when:</i> ") + escape(piece.when), style.note))
    return story


def _view(view: FileView, style: _Styles) -> list[Flowable]:
    story: list[Flowable] = []
    if view.title:
        story.append(Paragraph(Markup("<b>Title:</b> ") + _inline(view.title), style.body))
    story += [Paragraph(Markup("<b>{}:</b> {}").format(name, value), style.body) for name, value in view.facts]
    parts = (("Body", view.body), ("Short version (compact layouts)", view.short))
    for heading, pieces in parts:
        if pieces:
            story += [Paragraph(heading, style.h3), *_pieces(pieces, style)]
    lists = (("Must say (checked in every PDF)", view.must_say), ("Sources", view.sources))
    for heading, texts in lists:
        if texts:
            story.append(Paragraph(heading, style.h3))
            story += [Paragraph(escape(text), style.item, bulletText="•") for text in texts]
    if view.sources:
        story.append(Paragraph(Markup("<b>Origin:</b> {}").format(view.origin), style.body))
        story.append(Paragraph(Markup("<b>Checked:</b> {}").format(view.checked), style.body))
    return story


def _entry(entry: ReviewEntry, style: _Styles) -> list[Flowable]:
    status = entry.status.status + (f" ({entry.status.reason})" if entry.status.reason else "")
    story: list[Flowable] = [
        Paragraph(escape(entry.name), style.h2),
        Paragraph(Markup("<b>Status:</b> {}; {}.").format(status, entry.change), style.body),
    ]
    if entry.original is not None:
        story += [Paragraph(f"Translation ({escape(entry.view.language)})", style.h3), *_view(entry.view, style)]
        story += [Paragraph("English original", style.h3), *_view(entry.original, style)]
    else:
        story += _view(entry.view, style)
    story.append(Paragraph("Approvals", style.h3))
    if not entry.approvals:
        return [*story, Paragraph("No approvals recorded.", style.body)]
    rows = [[Markup(text) for text in ("Name", "Role", "Date", "Due", "Matches the content now")]]
    for row in entry.approvals:
        matches = "yes" if row.matches else "no: changed since approved"
        rows.append([escape(text) for text in (row.name, row.role, row.date.isoformat(), row.due.isoformat(), matches)])
    return [*story, _table(rows, style)]


def render_review_pdf(packet: ReviewPacket) -> bytes:
    """The packet as a PDF."""
    style = _Styles()
    intro = Markup(
        "Topic <b>{}</b>, language <b>{}</b>, content version {}. Status on {}. The leaflet prints {} files. "
        "Text in {{{{ }}}} is filled in for each patient; 'shown when' says when an item prints."
    ).format(packet.topic, packet.language, packet.content_version, packet.date.isoformat(), packet.total)
    story: list[Flowable] = [Paragraph(Markup("Review packet: ") + escape(packet.title), style.h1)]
    story.append(Paragraph(intro, style.body))
    if packet.since:
        story.append(Paragraph(escape(packet.since), style.note))
    if not packet.entries:
        story.append(Paragraph("Nothing to review: every file is as it was last approved.", style.body))
    for entry in packet.entries:
        story += _entry(entry, style)
    story.append(Spacer(1, 6))
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=letter,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN,
        title=f"Review packet: {packet.title} ({packet.language})",
        creator=f"patient-handouts {__version__}",
        lang="en",
        invariant=1,
    )
    try:
        doc.build(story)
    except (LayoutError, ValueError) as exc:
        raise RenderError(f"review packet of {packet.topic} ({packet.language}): cannot draw it ({exc})") from None
    return buffer.getvalue()
