"""The Drug Facts picture (issue 26, PEMAT item 26): a drawn over-the-counter Drug Facts panel with the active
ingredient line framed and pointed at, in the interactions block of the pain relievers; its words read back from
the built PDFs and the HTML page, its frames read back from the drawn shapes, and the verifier holding the page
to its words."""

from __future__ import annotations

import datetime as dt
import io

import pikepdf
import pypdfium2 as pdfium
import pytest
from helpers import pdf_text
from layout_checks import concat
from pydantic import ValidationError

from generator.content.block import BodyItem
from generator.errors import VerifyError
from generator.inputs.personalisation import choose_clinic, parse_personalisation
from generator.paths import SAMPLES
from generator.pipeline import HandoutRequest
from generator.render.drug_facts import HIGHLIGHT_LINE, PANEL_LINE

TOPICS = ["ibuprofen", "naproxen", "acetaminophen"]
INGREDIENT = {
    ("ibuprofen", "en"): "Ibuprofen 200 mg (NSAID)",
    ("naproxen", "en"): "Naproxen sodium 220 mg (naproxen 200 mg) (NSAID)",
    ("acetaminophen", "en"): "Acetaminophen 500 mg",
    ("ibuprofen", "es"): "Ibuprofeno 200 mg (AINE; en inglés, NSAID)",
    ("naproxen", "es"): "Naproxeno sódico 220 mg (naproxeno 200 mg) (AINE; en inglés, NSAID)",
    ("acetaminophen", "es"): "Acetaminofén 500 mg",
}
SHOWN_IN = ["standard", "a4", "grayscale", "large-print"]
"""The layouts that print the interactions block's full body (the compact ones print its `short` form)."""
Box = tuple[float, float, float, float]


def _flat(text: str) -> str:
    return " ".join(text.split())


def _picture(generator, topic: str, language: str):
    block = generator.library.block(topic, "interactions", language)
    (item,) = [item for item in block.body if item.drug_facts_picture is not None]
    return item.drug_facts_picture


def _frames(pdf: bytes) -> dict[int, dict[float, list[Box]]]:
    """Each page's stroked rectangles by line width, in page space: (x0, y0, x1, y1)."""
    found: dict[int, dict[float, list[Box]]] = {}
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for number, page in enumerate(document.pages):
            ctm, stack, width, pending = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], [], 1.0, []
            for operands, operator in pikepdf.parse_content_stream(page):
                op = str(operator)
                values = [float(v) for v in operands] if op in ("cm", "w", "re") else []
                if op == "q":
                    stack.append((ctm, width))
                elif op == "Q":
                    ctm, width = stack.pop()
                elif op == "cm":
                    ctm = concat(values, ctm)
                elif op == "w":
                    width = values[0]
                elif op == "re":
                    x, y, w, h = values
                    xs, ys = (
                        (ctm[0] * x + ctm[4], ctm[0] * (x + w) + ctm[4]),
                        (ctm[3] * y + ctm[5], ctm[3] * (y + h) + ctm[5]),
                    )
                    pending.append((min(xs), min(ys), max(xs), max(ys)))
                elif op in ("S", "s", "B", "b"):
                    found.setdefault(number, {}).setdefault(round(width, 2), []).extend(pending)
                    pending = []
                elif op in ("f", "f*", "n"):
                    pending = []
    return found


def _text_boxes(pdf: bytes, page: int, text: str) -> list[Box]:
    """Everywhere `text` is printed on page `page` (0-based), in page space."""
    textpage = pdfium.PdfDocument(pdf)[page].get_textpage()
    searcher, boxes = textpage.search(text), []
    while (found := searcher.get_next()) is not None:
        chars = [textpage.get_charbox(index) for index in range(found[0], found[0] + found[1])]
        boxes.append(
            (min(b[0] for b in chars), min(b[1] for b in chars), max(b[2] for b in chars), max(b[3] for b in chars))
        )
    assert boxes, text
    return boxes


def _inside(inner: Box, outer: Box) -> bool:
    return outer[0] <= inner[0] and outer[1] <= inner[1] and inner[2] <= outer[2] and inner[3] <= outer[3]


# --- the schema -------------------------------------------------------------------------------------------------


def test_a_picture_item_needs_its_panel_words_and_a_caption() -> None:
    words = {
        "panel_title": "Drug Facts",
        "ingredient_heading": "Active ingredient (in each tablet)",
        "purpose_heading": "Purpose",
        "ingredient": "Acetaminophen 500 mg",
        "purpose": "Pain reliever/fever reducer",
        "caption": "Look here.",
    }
    item = BodyItem.model_validate({"drug_facts_picture": words})
    assert item.kind == "drug_facts_picture"
    assert [field for field, _ in item.templates()][-1] == "drug_facts_picture.caption"
    with pytest.raises(ValidationError, match="caption"):
        BodyItem.model_validate({"drug_facts_picture": {k: v for k, v in words.items() if k != "caption"}})
    with pytest.raises(ValidationError, match="colour"):
        BodyItem.model_validate({"drug_facts_picture": {**words, "colour": "red"}})
    with pytest.raises(ValidationError, match="exactly one"):
        BodyItem.model_validate({"drug_facts_picture": words, "text": "and a paragraph"})


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("topic", TOPICS)
def test_each_pain_reliever_shows_its_own_drug_facts_line(generator, topic, language) -> None:
    picture = _picture(generator, topic, language)
    assert picture.ingredient == INGREDIENT[topic, language]
    assert picture.panel_title == "Drug Facts"
    block = generator.library.block(topic, "interactions", language)
    assert any("201.66" in source for source in block.sources)


def test_acetaminophen_says_prescription_labels_may_print_apap(generator) -> None:
    for language in ("en", "es"):
        assert "APAP" in (_picture(generator, "acetaminophen", language).note or "")
    block = generator.library.block("acetaminophen", "interactions", "en")
    assert any("NCPDP" in source for source in block.sources)


# --- the PDFs -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", SHOWN_IN)
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("topic", TOPICS)
def test_the_picture_prints_its_words(make, generator, topic_sample, topic, language, layout) -> None:
    picture = _picture(generator, topic, language)
    text = _flat(pdf_text(make(topic_sample(topic), topic=topic, language=language, layout=layout).pdf))
    for field, words in picture.fields():
        assert _flat(words) in text, field


@pytest.mark.parametrize("layout", ["standard", "large-print"])
@pytest.mark.parametrize("topic", TOPICS)
def test_the_ingredient_line_is_framed_inside_the_panel(make, topic_sample, topic, layout) -> None:
    pdf = make(topic_sample(topic), topic=topic, layout=layout).pdf
    ((page, frames),) = [(n, f) for n, f in _frames(pdf).items() if PANEL_LINE in f]
    (panel,) = frames[PANEL_LINE]
    (highlight,) = frames[HIGHLIGHT_LINE]
    assert _inside(highlight, panel)
    assert any(_inside(box, highlight) for box in _text_boxes(pdf, page, INGREDIENT[topic, "en"]))
    assert any(_inside(box, panel) and box[1] > highlight[3] for box in _text_boxes(pdf, page, "Drug Facts"))


def test_a_picture_missing_from_the_page_is_refused(make, topic_sample, monkeypatch) -> None:
    """The verifier expects the picture's words like other expected text: a leaflet without them is refused."""
    from generator.render import flowables

    monkeypatch.setattr(flowables, "drug_facts_flowables", lambda item, styles: [])
    with pytest.raises(VerifyError, match="Drug Facts picture"):
        make(topic_sample("acetaminophen"), topic="acetaminophen")


@pytest.mark.parametrize("layout", ["one-page", "one-sheet", "trifold"])
def test_compact_layouts_print_the_short_form_without_it(make, topic_sample, layout) -> None:
    text = pdf_text(make(topic_sample("ibuprofen"), topic="ibuprofen", layout=layout).pdf)
    assert "Drug Facts" not in text


# --- the HTML page ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_html_page_shows_the_picture(generator, topic_sample, language) -> None:
    parsed = parse_personalisation(topic_sample("acetaminophen"), "test input")
    clinic = choose_clinic(parsed, None, None, SAMPLES / "clinic.yaml")
    request = HandoutRequest("acetaminophen", parsed, clinic, made_on=dt.date(2026, 11, 24), language=language)
    page = generator.build_html(request, "test input").html
    picture = _picture(generator, "acetaminophen", language)
    assert '<figure class="drug-facts">' in page
    here = page.index('class="drug-facts-row drug-facts-here"')
    assert page.index(picture.ingredient, here) < page.index('class="drug-facts-arrow"', here)
    assert f"<figcaption><strong>{picture.caption}</strong></figcaption>" in page


def test_the_panel_is_mirrored_right_to_left(generator) -> None:
    from generator.render.drug_facts import DrugFactsPanel
    from generator.render.styles import make_styles

    texts = ("Drug Facts", "Active ingredient (in each tablet)", "Purpose", "Acetaminophen 500 mg", "Pain reliever")
    for language, right in (("en", False), ("ar", True)):
        panel = DrugFactsPanel(texts, make_styles(generator.layout("standard"), False, language))
        panel.wrap(500, 1000)
        assert panel._x(0, panel.panel_w) == (500 - panel.panel_w if right else 0)  # the panel's leading edge


def test_the_picture_draws_only_what_the_closed_world_allows(make, topic_sample) -> None:
    from generator.verify.closed import check_file

    assert check_file(make(topic_sample("naproxen"), topic="naproxen").pdf, None) == []


@pytest.mark.parametrize("topic", TOPICS)
def test_every_translation_has_the_picture(generator, topic) -> None:
    languages = generator.library.languages(topic)
    assert {"en", "es", "zh-Hans", "vi", "ar", "ko", "ru", "ht", "tl"} <= set(languages)
    for language in languages:
        picture = _picture(generator, topic, language)
        assert "Drug Facts" in picture.caption or language == "en"
        assert ("APAP" in (picture.note or "")) == (topic == "acetaminophen")


def test_an_arabic_leaflet_draws_the_panel_from_the_right(make, topic_sample) -> None:
    english = make(topic_sample("naproxen"), topic="naproxen").pdf
    arabic = make(topic_sample("naproxen"), topic="naproxen", language="ar").pdf
    ((ltr,),) = [f[PANEL_LINE] for f in _frames(english).values() if PANEL_LINE in f]
    ((rtl,),) = [f[PANEL_LINE] for f in _frames(arabic).values() if PANEL_LINE in f]
    assert rtl[2] > ltr[2] + 50 and rtl[0] > ltr[0] + 50  # the same panel, at the column's right edge
    assert "Drug Facts" in pdf_text(arabic)
