"""The fixes both PEMAT raters agreed on (docs/pemat.md), each read back from the standard leaflet's PDF."""

from __future__ import annotations

import pytest
from helpers import pdf_text

MEDICINES = ["carisoprodol", "cyclobenzaprine", "methocarbamol", "ibuprofen", "naproxen", "acetaminophen"]


def _text(make, topic_sample, topic: str, language: str) -> str:
    return pdf_text(make(topic_sample(topic), topic=topic, language=language).pdf)


@pytest.mark.parametrize("topic", MEDICINES)
def test_spanish_wording_both_raters_flagged(make, topic_sample, topic) -> None:
    text = _text(make, topic_sample, topic, "es")
    for wrong in (
        "por la tarde",  # afternoon, for the English "in the evening"
        "Tarde",
        "anticoagulante",  # the English says "blood thinner"
        "miastenia gravis",
        "quien se lo recetó",  # one wording for "your prescriber": su profesional de salud
        "Ayuda en caso de envenenamiento",
        "a Poison Help",  # never the English name alone
    ):
        assert wrong not in text, wrong
    assert "La FDA es la Administración de Alimentos y Medicamentos de EE. UU." in text
    assert "Línea de ayuda por envenenamiento" in text


@pytest.mark.parametrize("topic", ["carisoprodol", "naproxen"])
def test_the_spanish_evening_dose_is_por_la_noche(make, topic_sample, topic) -> None:
    """Not "tarde" (mid-afternoon), nor "en la cena" (at dinner: a dose tied to a meal the prescription does not name,
    so a patient who skips dinner may skip it); "Por la noche" beside "Al acostarse", never "Noche" alone (issue 26)."""
    text = _text(make, topic_sample, topic, "es")
    assert "por la noche" in text and "Por la noche" in text
    assert "en la cena" not in text and "En la cena" not in text and "tarde" not in text.replace("más tarde", "")


@pytest.mark.parametrize("topic", MEDICINES)
def test_fda_is_spelled_out(make, topic_sample, topic) -> None:
    assert "FDA is the U.S. Food and Drug Administration" in _text(make, topic_sample, topic, "en")


@pytest.mark.parametrize("language", ["en", "es"])
def test_cyclobenzaprine_terms_and_numbers(make, topic_sample, language) -> None:
    text = _text(make, topic_sample, "cyclobenzaprine", language)
    expected = {
        "en": (
            "These are some medicines for depression or Parkinson's disease, such as phenelzine",
            "if your heart does not pump well (heart failure)",
            "if the signals that make your heart beat are slowed (heart block)",
            "if your thyroid makes too much hormone (overactive thyroid)",
            "about 1 in 3 people who took it felt sleepy, compared with 1 in 10",
        ),
        "es": (
            "Son algunos medicamentos para la depresión o la enfermedad de Parkinson, como la fenelzina",
            "si su corazón no bombea bien (insuficiencia cardíaca)",
            "si las señales que lo hacen latir van lentas (bloqueo cardíaco)",
            "si su tiroides produce demasiada hormona (tiroides hiperactiva)",
            "más o menos 1 de cada 3 personas que la tomaron tuvo sueño, comparado con 1 de cada 10",
        ),
    }[language]
    for phrase in expected:
        assert phrase in text, phrase
    for wrong in ("lower dose", "higher dose", "dosis más baja", "monoamine oxidase", "monoaminooxidasa"):
        assert wrong not in text, wrong


@pytest.mark.parametrize("topic", ["carisoprodol", "cyclobenzaprine", "methocarbamol"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_no_never_unless(make, topic_sample, topic, language) -> None:
    """'Never take it with opioids ... unless your prescriber says so' contradicts itself."""
    text = _text(make, topic_sample, topic, language)
    pronoun = "la" if topic == "cyclobenzaprine" else "lo"
    wrong, right = {
        "en": ("Never take it with opioids", "Do not take it with opioids"),
        "es": (f"Nunca {pronoun} tome con opioides", f"No {pronoun} tome con opioides"),
    }[language]
    assert wrong not in text and right in text


def test_carbamates_nsaids_and_methocarbamol_explained(make, topic_sample) -> None:
    assert "allergic to carbamates (medicines that are chemically like carisoprodol, such as meprobamate)" in _text(
        make, topic_sample, "carisoprodol", "en"
    )
    assert "alergia a los carbamatos (medicamentos parecidos al carisoprodol, como el meprobamato)" in _text(
        make, topic_sample, "carisoprodol", "es"
    )
    assert "NSAIDs (nonsteroidal anti-inflammatory drugs) are pain medicines" in _text(
        make, topic_sample, "acetaminophen", "en"
    )
    assert "Los AINE (antiinflamatorios no esteroideos) son medicamentos para el dolor" in _text(
        make, topic_sample, "acetaminophen", "es"
    )
    assert "It is called a muscle relaxant, but it does not act on the muscles themselves." in _text(
        make, topic_sample, "methocarbamol", "en"
    )
