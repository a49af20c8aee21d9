"""What the two PEMAT raters found in the rebuilt leaflets (issue 26), read back from built PDFs (en, es)."""

from __future__ import annotations

import re

import pytest
from helpers import pdf_text

MEDICINES = ["carisoprodol", "cyclobenzaprine", "methocarbamol", "ibuprofen", "naproxen", "acetaminophen"]

CARISOPRODOL = {
    "en": {
        "new": (
            "Ask your care team about care without medicine, such as heat, staying active, and physical therapy.",
            "You may be able to take ibuprofen or acetaminophen (Tylenol) too. Ask your prescriber or pharmacist",
            "Tell your prescriber if you take omeprazole, fluvoxamine, rifampin, or St. John's wort.",
            "Carisoprodol is a controlled substance: the law limits its use because it can be misused.",
        ),
        "old": (
            "mindfulness",
            "biofeedback",
            "only as your prescriber or pharmacist says",
            "Examples are omeprazole",
            "the law sets extra rules",
        ),
    },
    "es": {
        "new": (
            "Pregunte a su equipo de salud por cuidados sin medicamentos, como el calor, no dejar de moverse",
            "Quizás también pueda tomar ibuprofeno o acetaminofén (Tylenol). Pregunte antes a su profesional de salud",
            "Dígale a su profesional de salud si toma omeprazol, fluvoxamina, rifampina o hierba de San Juan.",
            "El carisoprodol es una sustancia controlada: la ley limita su uso porque se puede usar mal.",
        ),
        "old": (
            "atención plena",
            "biorretroalimentación",
            "Use ibuprofeno o acetaminofén",
            "Ejemplos: omeprazol",
            "reglas especiales",
        ),
    },
}
"""PEMAT item 2 (both raters): the alternatives without definitions, the CYP2C19 medicines as an action, the
ibuprofen line moved from "What medicines should I avoid?" to "What else can help my pain?", and one short
sentence for "controlled substance"."""


def _text(make, topic_sample, topic: str, language: str, layout: str = "standard", **rx) -> str:
    data = topic_sample(topic)
    if rx:
        data["prescription"] = {**data["prescription"], **rx}
    return pdf_text(make(data, layout=layout, topic=topic, language=language).pdf)


@pytest.mark.parametrize("language", ["en", "es"])
def test_carisoprodol_keeps_what_a_patient_acts_on(make, topic_sample, language) -> None:
    text = _text(make, topic_sample, "carisoprodol", language)
    for phrase in CARISOPRODOL[language]["new"]:
        assert phrase in text, phrase
    for phrase in CARISOPRODOL[language]["old"]:
        assert phrase not in text, phrase


SHORT_CONTROLLED = {
    "en": "Carisoprodol can be misused, so it is a controlled substance.",
    "es": "El carisoprodol se puede usar mal, por eso es una sustancia controlada.",
}
"""The compact layouts' one short sentence (the longer one of the full leaflet does not fit one page)."""


@pytest.mark.parametrize("language", ["en", "es"])
def test_carisoprodol_compact_leaflet_keeps_its_short_sentence(make, topic_sample, language) -> None:
    text = _text(make, topic_sample, "carisoprodol", language, "one-sheet")
    assert SHORT_CONTROLLED[language] in text
    assert CARISOPRODOL[language]["old"][4] not in text


@pytest.mark.parametrize("topic", MEDICINES)
def test_spanish_needs_no_article_before_the_prescribers_name(make, topic_sample, topic) -> None:
    """A title needs "el" or "la", and the leaflet does not know which: the name is in the prepared-for box."""
    text = _text(make, topic_sample, topic, "es")
    assert "como se lo indicó su profesional de salud." in text
    assert "Recetado por Dr. Sam Lee" in text
    assert text.count("Dr. Sam Lee") == 1
    assert "Primer día del tratamiento" in text and "Último día del tratamiento" in text
    for wrong in ("Empezar el", "Último día para tomarlo", "Si no está seguro"):
        assert wrong not in text, wrong


def test_spanish_taper_plan_names_no_prescriber(make, topic_sample) -> None:
    text = _text(make, topic_sample, "carisoprodol", "es")
    assert "Su profesional de salud hizo este plan para usted." in text
    assert "Dr. Sam Lee hizo" not in text


def test_spanish_low_back_pain_is_gender_neutral(make, topic_sample) -> None:
    text = _text(make, topic_sample, "low-back-pain", "es")
    assert "Pregúntele a su profesional de salud o a su equipo de salud" in text
    assert "Nunca se duerma sobre una almohadilla eléctrica." in text
    assert "Pregúntele a Dr." not in text and "se quede dormido" not in text


def test_spanish_cyclobenzaprine_is_la_throughout(make, topic_sample) -> None:
    """La ciclobenzaprina: one pronoun for it in every block (issue 26)."""
    text = _text(make, topic_sample, "cyclobenzaprine", "es")
    for right in ("¿Cómo la tomo?", "¿Quién no debe tomarla?", "No la tome", "Guarde este medicamento"):
        assert right in text, right
    for wrong in ("¿Cómo lo tomo?", "tomarlo?", "Tómelo", "No lo tome", "Guárdelo", "tomarlo cada día"):
        assert wrong not in text, wrong
    assert "Otros medicamentos con efectos parecidos." in text and "resecan" not in text


def test_spanish_acetaminophen_asks_without_gender(make, topic_sample) -> None:
    text = _text(make, topic_sample, "acetaminophen", "es")
    assert "Si tiene dudas, pregunte a su farmacéutico." in text
    assert "seguro, pregunte" not in text


@pytest.mark.parametrize("topic", ["ibuprofen", "naproxen"])
def test_spanish_diuretic_is_named_and_explained(make, topic_sample, topic) -> None:
    text = _text(make, topic_sample, topic, "es")
    assert "un diurético (un medicamento que le hace orinar más)" in text
    assert not re.search("[Pp]astillas? para orinar", text)
    if topic == "naproxen":
        assert "Diuréticos (medicamentos que le hacen orinar más):" in text


def test_spanish_times_of_day_agree_in_schedule_and_strip(make, topic_sample) -> None:
    """A lone "Mañana" reads as "tomorrow", a lone "Noche" as bedtime: each time of day is said whole."""
    text = _text(make, topic_sample, "carisoprodol", "es", times_per_day=4)
    assert "por la mañana, al mediodía, por la noche y al acostarse" in text
    assert "Cuándo tomar sus dosis cada día Por la mañana Al mediodía Por la noche Al acostarse" in text
    assert not re.search(r"(?<!la )Noche", text) and "en la cena" not in text
    assert not re.search(r"(?<!la )Mañana", text)
