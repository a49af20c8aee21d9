"""Tagged PDF (PDF/UA-1) in every layout and language: pdfua, and what pdfua does not check, read back from the file."""

from __future__ import annotations

import functools
import io
import itertools
import re

import pikepdf
import pytest
from helpers import LAYOUTS, TOPIC_LANGUAGES
from pdfua import validate
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
from structure_checks import marked_sequences as _marked_sequences
from structure_checks import read_structure, same_text

from generator.errors import LayoutError, RenderError, VerifyError
from generator.html.markup import to_text
from generator.personalise import MAIN_MESSAGE_KIND
from generator.render.furniture import NumberedCanvas
from generator.render.styles import make_styles
from generator.render.text import Text
from generator.tagging import Structure, Tagged, group, tag

CASES = [(topic, language, layout) for topic, language in TOPIC_LANGUAGES for layout in LAYOUTS]
DOES_NOT_FIT = {("carisoprodol", "en", "one-page"), ("carisoprodol", "es", "one-page")}
"""Combinations whose required content does not fit the layout (refused with the one-page error): carisoprodol's
sample is a taper of three steps, with their times of day and daily limits."""


@pytest.fixture(scope="module")
def built() -> dict:
    return {}


@pytest.fixture
def leaflet_pdf(generator, topic_request, clinic_with_logo, built):
    """(handout, leaflet) for a topic, language and layout, made once per module.

    English leaflets carry the clinic's logo; the Spanish standard leaflet with a logo needs a 4th page
    (a taller header), which the standard layout refuses, so Spanish ones are made without it.
    """

    def _make(topic: str, language: str, layout: str):
        key = (topic, language, layout)
        if key not in built:
            request = topic_request(topic, language, layout, clinic_with_logo if language == "en" else None)
            built[key] = (generator.build(request, "test"), generator.prepare(request, "test").leaflet)
        return built[key]

    return _make


def _headings(document) -> list[tuple[str, str]]:
    return [(node.role, node.text) for node in document.walk() if re.fullmatch(r"H\d", node.role)]


@pytest.mark.parametrize(("topic", "language", "layout"), CASES)
def test_tagged_pdf(leaflet_pdf, tmp_path, generator, topic, language, layout) -> None:
    if (topic, language, layout) in DOES_NOT_FIT:
        with pytest.raises(LayoutError, match="allows 1 page"):
            leaflet_pdf(topic, language, layout)
        return
    handout, leaflet = leaflet_pdf(topic, language, layout)
    path = tmp_path / "leaflet.pdf"
    path.write_bytes(handout.pdf)
    report = validate(str(path))
    assert [(f.rule_id, f.message) for f in report.findings] == []
    tagged = read_structure(handout.pdf)
    pdf, document = tagged.pdf, tagged.document

    # Catalog, pages, metadata, fonts.
    assert pdf.Root.MarkInfo.Marked is True and str(pdf.Root.Lang) == language
    assert pdf.Root.ViewerPreferences.DisplayDocTitle is True
    assert all(page.obj.Tabs == "/S" for page in pdf.pages)
    with_content = [any(mcid is not None for _, mcid in sequences) for sequences in tagged.marked]
    assert [("/StructParents" in page.obj) for page in pdf.pages] == with_content
    meta = pdf.open_metadata()
    assert meta["pdfuaid:part"] == "1" and meta["dc:title"] == to_text(leaflet.title)
    for page in pdf.pages:
        for font in page.Resources.Font.values():
            assert any(key in font.FontDescriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), font.BaseFont

    # Every painting operator in exactly one sequence; every MCID the content of exactly one element.
    assert tagged.problems == []
    in_streams = {(page, mcid) for page, seqs in enumerate(tagged.marked) for _, mcid in seqs if mcid is not None}
    assert set(tagged.elements) == in_streams
    assert all(tagged.parents[key].objgen == tagged.elements[key].objgen for key in in_streams)
    assert sum(len(seqs) for seqs in tagged.marked) > len(in_streams)  # furniture and boxes are artifacts

    # Headings nest: one H1, first; no level skipped.
    headings = _headings(document)
    assert headings[0] == ("H1", headings[0][1]) and same_text(headings[0][1], to_text(leaflet.title))
    levels = [int(role[1]) for role, _ in headings]
    assert levels.count(1) == 1 and all(later <= earlier + 1 for earlier, later in itertools.pairwise(levels))

    # Reading order: the blocks in the leaflet's order (the trifold's contact panel last, after the inside panels).
    blocks = [block for block in leaflet.blocks if block.kind != MAIN_MESSAGE_KIND]  # under the title, unheaded
    titles = ([leaflet.schedule.title] if leaflet.schedule else []) + [block.title for block in blocks]
    titles += [calendar.heading for calendar in leaflet.calendars]  # the dose calendar page comes last
    titles += [leaflet.contact_heading] if layout == "trifold" else []
    assert len(titles) == len(headings) - 1
    assert all(same_text(text, to_text(title)) for (_, text), title in zip(headings[1:], titles, strict=True))

    # Tables have header cells with a scope, rows of equal length; lists are L > LI > Lbl + LBody.
    for table in (node for node in document.walk() if node.role == "Table"):
        rows = [row for part in table.kids for row in (part.kids if part.role in ("THead", "TBody") else [part])]
        cells = [[cell for cell in row.kids] for row in rows]
        assert all(row.role == "TR" for row in rows) and len({len(row) for row in cells}) == 1
        headers = [cell for row in cells for cell in row if cell.role == "TH"]
        assert headers and all(cell.scope in ("Column", "Row") for cell in headers)
    for item in (node for node in document.walk() if node.role == "LI"):
        assert [kid.role for kid in item.kids] == ["Lbl", "LBody"] and item.kids[0].text.strip() == "\u2022"

    # Figures: the logo on page 1, the QR code where the layout has one; each with alternative text.
    figures = [node.alt for node in document.walk() if node.role == "Figure"]
    letterhead = generator.layout(layout).header  # the logo is in the page header
    expected = ["Logo of Riverside Family Clinic"] if letterhead and language == "en" else []
    expected += [leaflet.qr_code_alt] if layout in ("one-page", "trifold") else []
    for calendar in leaflet.calendars:  # each day's boxes to tick, under each time of day (empty: no dose then)
        expected += [calendar.boxes_alt[count] for row in calendar.rows for count in row.doses]
    assert figures == expected and all(alt for alt in figures)


def test_the_schedule_is_a_table_with_column_headers(leaflet_pdf) -> None:
    handout, leaflet = leaflet_pdf("carisoprodol", "en", "standard")
    table = next(
        node
        for node in read_structure(handout.pdf).document.walk()
        if node.role == "Table" and node.kids[0].role == "THead"
    )
    head, body = table.kids
    rows = [[cell.text for cell in row.kids] for row in (*head.kids, *body.kids)]
    assert [[cell.role for cell in row.kids] for row in head.kids] == [["TH"] * 4]
    assert all(
        same_text(" ".join(got), " ".join(map(to_text, want)))
        for got, want in zip(rows, leaflet.schedule.items[0].rows, strict=True)
    )


def test_a_box_header_repeated_on_the_next_page_is_an_artifact(leaflet_pdf) -> None:
    handout, leaflet = leaflet_pdf("methocarbamol", "en", "large-print")
    from generator.verify.reader import read_pages

    pages = read_pages(handout.pdf, "test")
    drawn = [
        title
        for title in (to_text(block.title) for block in leaflet.blocks)
        if sum(any(same_text(run.text, title) for run in page.runs) for page in pages) > 1
    ]
    assert drawn, "no boxed block splits across pages in this leaflet any more; pick another"
    headings = [text for role, text in _headings(read_structure(handout.pdf).document)]
    assert all(sum(same_text(text, title) for text in headings) == 1 for title in drawn)


def test_same_inputs_give_the_same_tagged_bytes(generator, topic_request, clinic_with_logo) -> None:
    request = topic_request("carisoprodol", "es", "trifold", clinic_with_logo)
    assert generator.build(request, "a").pdf == generator.build(request, "b").pdf


def _artifact_instead(pdf: bytes, sentence: str) -> bytes:
    """The PDF with the marked content that draws `sentence` turned into an artifact (the tree unchanged)."""
    from generator.verify.reader import read_pages

    page_index, mcid = next(
        (index, run.mcid)
        for index, page in enumerate(read_pages(pdf, "test"))
        for run in page.runs
        if same_text(sentence[:20], run.text[:20])
    )
    document = pikepdf.open(io.BytesIO(pdf))
    page = document.pages[page_index]
    commands = []
    for operands, operator in pikepdf.parse_content_stream(page):
        if str(operator) == "BDC" and isinstance(operands[1], pikepdf.Dictionary) and operands[1].get("/MCID") == mcid:
            operands, operator = [pikepdf.Name.Artifact], pikepdf.Operator("BMC")
        commands.append((operands, operator))
    page.Contents = document.make_stream(pikepdf.unparse_content_stream(commands))
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_a_warning_drawn_as_an_artifact_is_refused(generator, topic_request) -> None:
    request = topic_request("carisoprodol")
    handout = generator.build(request, "test")
    sentence = handout.must_say[0]
    broken = _artifact_instead(handout.pdf, sentence)
    with pytest.raises(VerifyError) as refused:
        handout.verify_copy(broken, "copy")
    assert (
        f'required warning "{sentence}": not in the tagged structure (page 1: drawn as an artifact or untagged)'
        in str(refused.value)
    )
    assert "not visible" not in str(refused.value)  # it is still on the page, only no longer read out


def test_schedule_rows_tagged_out_of_order_are_refused(generator, topic_request) -> None:
    handout = generator.build(topic_request("carisoprodol"), "test")
    document = pikepdf.open(io.BytesIO(handout.pdf))
    body = next(
        element
        for element in document.objects
        if isinstance(element, pikepdf.Dictionary) and element.get("/S") == "/TBody" and len(element.K) == 3
    )
    body.K = pikepdf.Array([body.K[1], body.K[0], body.K[2]])
    out = io.BytesIO()
    document.save(out)
    with pytest.raises(
        VerifyError, match="the dose schedule as one table, rows in order: tagged, but not in this order"
    ):
        handout.verify_copy(out.getvalue(), "copy")


def test_verify_refuses_an_untagged_pdf(run_cli, tmp_path) -> None:
    from reportlab.pdfgen.canvas import Canvas

    canvas = Canvas(str(tmp_path / "untagged.pdf"))
    canvas.drawString(40, 700, "Hello")
    canvas.save()
    code, out, _ = run_cli("verify", str(tmp_path / "untagged.pdf"), "--topic", "carisoprodol")
    assert code == 6 and "PROBLEM: not a tagged PDF: there is no structure tree for a screen reader to read" in out


def _canvas(*args, **kwargs) -> NumberedCanvas:
    return NumberedCanvas(*args, decorate=lambda canvas, number, total: None, **kwargs)


def test_text_without_a_role_stops_the_render(generator) -> None:
    styles = make_styles(generator.layout("standard"), False)
    story = [tag(Text("Tagged", styles.body), "P"), Text("Forgotten", styles.body)]
    with pytest.raises(RenderError, match="text drawn outside any structure element or artifact"):
        SimpleDocTemplate(io.BytesIO()).build(story, canvasmaker=_canvas)


def test_a_flowable_drawn_twice_is_an_artifact_the_second_time(generator) -> None:
    styles = make_styles(generator.layout("standard"), False)
    paragraph = tag(Text("Once", styles.body), "P")
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer).build([paragraph, paragraph], canvasmaker=_canvas)
    [sequences] = [[(tag_name, mcid) for tag_name, mcid in page] for page in _marked_sequences(buffer.getvalue())]
    assert [s for s in sequences if s[0] != "Artifact"] == [("P", 0)]
    assert len(paragraph.structure.kids) == 1


def test_text_in_another_language_carries_its_own_lang(generator) -> None:
    import datetime as dt

    styles = make_styles(generator.layout("standard"), False)
    story = [
        tag(Text("Take it with food.", styles.body), "P"),
        tag(Text("Tómelo con comida.", styles.body), "P", lang="es"),
    ]
    buffer = io.BytesIO()
    structure = Structure(group("Document", story), "en", dt.date(2026, 11, 25))  # before the build consumes the story
    SimpleDocTemplate(buffer).build(story, canvasmaker=functools.partial(_canvas, structure=structure))
    with pikepdf.open(buffer) as written:
        assert str(written.Root.Lang) == "en"
        assert [str(kid.get("/Lang", "")) for kid in written.Root.StructTreeRoot.K.K] == ["", "es"]


class _Splittable(Tagged, Paragraph):
    """A tagged paragraph that may split (the leaflet's own paragraphs never do)."""


def test_a_paragraph_split_across_pages_is_one_element(generator) -> None:
    import datetime as dt

    styles = make_styles(generator.layout("standard"), False)
    words = " ".join(f"word{number}" for number in range(400))
    story = [Spacer(1, 600), tag(_Splittable(words, styles.body), "P")]
    buffer = io.BytesIO()
    structure = Structure(group("Document", story), "en", dt.date(2026, 11, 25))
    SimpleDocTemplate(buffer).build(story, canvasmaker=functools.partial(_canvas, structure=structure))
    tagged = read_structure(buffer.getvalue())
    [paragraph] = tagged.document.kids
    assert paragraph.role == "P" and [page for page, _ in paragraph.content()] == [0, 1]
    assert same_text(paragraph.text, words) and tagged.problems == []


@pytest.mark.parametrize("layout", ["standard", "trifold", "large-print"])
def test_the_verifier_reads_the_structure_tree_in_its_order(leaflet_pdf, layout) -> None:
    from generator.verify.reader import read_pages

    handout, _ = leaflet_pdf("carisoprodol", "en", layout)
    pages = read_pages(handout.pdf, "test")
    content = sorted((m.order, index, m.mcid) for index, page in enumerate(pages) for m in page.marked)
    by_pdfium = [(index, mcid) for _, index, mcid in content]
    assert by_pdfium == read_structure(handout.pdf).document.content()
    assert len({page for page, _ in by_pdfium}) == len(pages)  # content on every page, in one order
