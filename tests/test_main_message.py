"""One main message a topic (CDC Clear Communication Index items 1-3, issue 26): a required block printed under
the title on page 1 of every layout and language, read back from the built PDFs; and the PEMAT fixes of issue 26."""

from __future__ import annotations

import datetime as dt

import pytest
from helpers import pdf_pages_text, pdf_text

from generator.errors import TooLongError, VerifyError
from generator.inputs.personalisation import choose_clinic, parse_personalisation
from generator.paths import SAMPLES
from generator.pipeline import HandoutRequest

TOPICS = ["carisoprodol", "cyclobenzaprine", "methocarbamol", "ibuprofen", "naproxen", "acetaminophen", "low-back-pain"]
LAYOUTS = ["standard", "a4", "large-print", "grayscale", "one-page", "one-sheet", "trifold"]
TOO_LONG_FOR_ONE_PAGE = {("carisoprodol", "en"), ("carisoprodol", "es"), ("cyclobenzaprine", "es")}
"""One side cannot hold these topics' required warnings for the sample patient (test_compact_layouts)."""
MADE_ON = dt.date(2026, 11, 24)
MACHINE_DRAFTS = ["zh-Hans", "vi", "ko", "ru", "ht", "tl"]
"""The machine-translated languages of the muscle relaxants and low back pain that build (Arabic does not yet)."""


def _main_message(generator, topic: str, language: str) -> str:
    block = generator.library.block(topic, "main-message", language)
    assert block.kind == "main-message" and block.required
    (sentence,) = block.must_say
    assert [item.text for item in block.body] == [sentence]
    return sentence


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("topic", TOPICS)
def test_the_main_message_is_on_page_one_of_every_layout(make, generator, topic_sample, topic, layout, language):
    sentence = _main_message(generator, topic, language)
    if layout == "one-page" and (topic, language) in TOO_LONG_FOR_ONE_PAGE:
        with pytest.raises(TooLongError):
            make(topic_sample(topic), layout=layout, topic=topic, language=language)
        return
    pages = pdf_pages_text(make(topic_sample(topic), layout=layout, topic=topic, language=language).pdf)
    assert sentence in _flat(pages[0])
    assert all(sentence not in _flat(page) for page in pages[1:])  # once, at the top


@pytest.mark.parametrize("topic", ["carisoprodol", "naproxen", "low-back-pain"])
def test_the_main_message_comes_right_under_the_title(make, generator, topic_sample, topic) -> None:
    text = _flat(pdf_pages_text(make(topic_sample(topic), topic=topic).pdf)[0])
    words = generator.library.topic_words(topic, "en")
    sentence = _main_message(generator, topic, "en")
    assert text.index(words.subtitle) < text.index(sentence) < text.index("Prepared for")


@pytest.mark.parametrize("language", MACHINE_DRAFTS)
@pytest.mark.parametrize("topic", ["carisoprodol", "methocarbamol"])
def test_the_main_message_is_translated(make, generator, topic_sample, topic, language) -> None:
    sentence = _main_message(generator, topic, language)
    assert sentence != _main_message(generator, topic, "en")
    assert sentence in generator.required_sentences(topic, language)
    pages = pdf_pages_text(make(topic_sample(topic), topic=topic, language=language).pdf)
    assert _flat(sentence).replace(" ", "") in _flat(pages[0]).replace(" ", "")


def test_the_main_message_is_a_verified_required_sentence(make, generator, topic_sample, monkeypatch) -> None:
    """The verifier expects the main message like any required warning: a leaflet without it is refused."""
    sentence = _main_message(generator, "carisoprodol", "en")
    assert sentence in generator.required_sentences("carisoprodol", "en")
    from generator.render import flowables

    monkeypatch.setattr(flowables, "main_message_flowables", lambda leaflet, styles: [])
    with pytest.raises(VerifyError, match=r"required warning"):
        make(topic_sample("carisoprodol"))


def test_the_html_page_shows_the_main_message_under_the_title(generator, topic_sample) -> None:
    parsed = parse_personalisation(topic_sample("carisoprodol"), "test input")
    clinic = choose_clinic(parsed, None, None, SAMPLES / "clinic.yaml")
    request = HandoutRequest("carisoprodol", parsed, clinic, made_on=MADE_ON)
    page = generator.build_html(request, "test input").html
    sentence = _main_message(generator, "carisoprodol", "en")
    assert f'<p class="callout caution">{sentence}</p>' in page
    assert page.index("<h1>") < page.index(sentence) < page.index('class="facts"')
    assert page.count(sentence) == 1


@pytest.mark.parametrize("language", ["en", "es"])
def test_methocarbamol_dialysis_is_explained(make, topic_sample, language) -> None:
    text = _flat(pdf_text(make(topic_sample("methocarbamol"), topic="methocarbamol", language=language).pdf))
    expected = {"en": "dialysis (a machine cleans your blood", "es": "diálisis (una máquina le limpia la sangre"}
    assert expected[language] in text


@pytest.mark.parametrize("language", ["en", "es"])
def test_naproxen_names_only_what_the_patient_needs(make, topic_sample, language) -> None:
    text = _flat(pdf_text(make(topic_sample("naproxen"), topic="naproxen", language=language).pdf))
    first = {"en": "Naproxen A pain reliever", "es": "Naproxeno Un analgésico"}[language]
    assert first in text and "Naprosyn, Aleve" not in text
    for wrong in ("500 mg of naproxen", "220 mg", "500 mg de naproxeno", "Tablets of 220", "tabletas de 220"):
        assert wrong not in text, wrong
    plain = {
        "en": "Over-the-counter naproxen (Aleve) and other NSAIDs, such as aspirin and ibuprofen: do not take them",
        "es": "Naproxeno de venta sin receta (Aleve) y otros AINE, como la aspirina y el ibuprofeno: no los tome",
    }[language]
    assert plain in text


@pytest.mark.parametrize("language", ["en", "es"])
def test_acetaminophen_keeps_what_a_prescribed_patient_needs(make, topic_sample, language) -> None:
    text = _flat(pdf_text(make(topic_sample("acetaminophen"), topic="acetaminophen", language=language).pdf))
    right, wrongs = {
        "en": (
            "Stop taking it and call your prescriber if your pain gets worse, or if it lasts longer than your "
            "prescriber said it would.",
            ("fever for more than 3 days", "redness or swelling"),
        ),
        "es": (
            "Deje de tomarlo y llame a su profesional de salud si el dolor empeora, o si dura más de lo que su "
            "profesional de salud le dijo.",
            ("fiebre por más de 3 días", "enrojecimiento o hinchazón"),
        ),
    }[language]
    assert right in text
    for wrong in wrongs:
        assert wrong not in text, wrong
    assert {"en": "NSAIDs (nonsteroidal anti-inflammatory drugs)", "es": "Los AINE (antiinflamatorios no esteroideos)"}[
        language
    ] in text


@pytest.mark.parametrize("language", ["en", "es"])
def test_cyclobenzaprine_drops_the_details_that_distract(make, topic_sample, language) -> None:
    text = _flat(pdf_text(make(topic_sample("cyclobenzaprine"), topic="cyclobenzaprine", language=language).pdf))
    for wrong in ("guanethidine", "guanetidina", "meperidine", "meperidina", "after long use", "usarla mucho tiempo"):
        assert wrong not in text, wrong
    kept = {
        "en": (
            "tramadol, a pain medicine",
            "verapamil, a medicine for blood pressure or heart rhythm",
            "(tricyclic antidepressants), such as amitriptyline",
            "(anticholinergic medicines)",
        ),
        "es": (
            "tramadol, un medicamento para el dolor",
            "verapamilo, un medicamento para la presión",
            "(antidepresivos tricíclicos), como la amitriptilina",
            "(medicamentos anticolinérgicos)",
        ),
    }[language]
    for phrase in kept:
        assert phrase in text, phrase
