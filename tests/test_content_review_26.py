"""The pharmacist's second content review (issue 26): each correction read back from built PDFs."""

from __future__ import annotations

import re

import pytest
import yaml
from helpers import pdf_text

MEDICINES = ["carisoprodol", "cyclobenzaprine", "methocarbamol"]
RELAXANTS = ["cyclobenzaprine", "methocarbamol"]
"""The topics that named only "other medicines that make you sleepy" before the review."""
COMPACT = ["one-page", "one-sheet", "trifold"]

OPIOIDS = {
    "en": ("opioids, benzodiazepines, or other medicines that make you sleepy", "oxycodone", "alprazolam"),
    "es": ("opioides, benzodiacepinas u otros medicamentos que le den sueño", "oxicodona", "alprazolam"),
}
"""Opioids and benzodiazepines named, each with an example (FDA 2016 class warning; CDC 2022 rec. 11)."""
MUST_KNOW = {
    "en": ("Call 911", "Poison Help: 1-800-222-1222", "report side effects to FDA at 1-800-FDA-1088", "take-back"),
    "es": (
        "Llame al 911",
        "envenenamiento: 1-800-222-1222",
        "a la FDA al 1-800-FDA-1088",
        "devolución de medicamentos",
    ),
}
"""What every compact layout keeps: 911, Poison Help, the FDA MedWatch line (21 CFR 209.10) and disposal."""
ALLERGY_LIVER = {
    "en": ("swelling of the face, lips, or throat, or hives", "yellow skin or eyes"),
    "es": ("se le hinchan la cara, los labios o la garganta", "la piel o los ojos amarillos"),
}
"""Methocarbamol's allergy and liver signs (ROBAXIN label, ADVERSE REACTIONS)."""


def _text(make, topic_sample, topic: str, language: str, layout: str = "standard") -> str:
    data = topic_sample(topic)
    return pdf_text(make(data, layout=layout, topic=topic, language=language).pdf)


@pytest.mark.parametrize("layout", ["standard", "one-sheet"])
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("topic", RELAXANTS)
def test_relaxants_name_opioids_and_benzodiazepines(make, topic_sample, topic, language, layout) -> None:
    text = _text(make, topic_sample, topic, language, layout)
    for phrase in OPIOIDS[language]:
        assert phrase in text, phrase


@pytest.mark.parametrize("layout", COMPACT)
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("topic", MEDICINES)
def test_compact_layouts_keep_every_must_know_warning(make, topic_sample, topic, language, layout) -> None:
    if layout == "one-page" and (topic == "carisoprodol" or (topic, language) == ("cyclobenzaprine", "es")):
        layout = "one-sheet"  # what one side cannot hold (test_compact_layouts)
    text = _text(make, topic_sample, topic, language, layout)
    for phrase in (*MUST_KNOW[language], *OPIOIDS[language][:1]):
        assert phrase in text, phrase
    if topic == "methocarbamol":
        for phrase in ALLERGY_LIVER[language]:
            assert phrase in text, phrase


def test_methocarbamol_urine_tests_say_what_to_do(make, topic_sample) -> None:
    """PEMAT items 2 and 4 (both raters): what the patient does, without the names of rare tumour tests."""
    english = _text(make, topic_sample, "methocarbamol", "en")
    spanish = _text(make, topic_sample, "methocarbamol", "es")
    assert "If you have a urine test, tell the lab that you take methocarbamol." in english
    assert "Si le hacen un análisis de orina, dígale al laboratorio que toma metocarbamol." in spanish
    for text in (english, spanish):
        for wrong in ("5-HIAA", "VMA", "AVM", "tumor"):
            assert wrong not in text, wrong


@pytest.mark.parametrize("topic", MEDICINES)
def test_spanish_wording_of_the_review(make, topic_sample, topic) -> None:
    text = _text(make, topic_sample, topic, "es")
    assert "como se lo indicó su profesional de salud" in text  # no name: its article would need a gender
    assert "Último día del tratamiento" in text
    assert "por vía oral" in text and "su profesional de salud" in text
    for wrong in ("su médico, ", "por boca", "uso largo", "Cuénteles"):
        assert wrong not in text, wrong
    assert text.count("su médico") == text.count("Llame a su médico para pedir consejo sobre los efectos")


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("topic", MEDICINES)
def test_every_dose_the_leaflet_prints_is_the_prescriptions(make, generator, topic, language) -> None:
    """PEMAT item 6 and invariant 11: no label maximum or study dose beside the patient's own numbers; every
    amount in mg on the leaflet is a dose, a tablet strength or a day's total of the sample prescription."""
    data = yaml.safe_load(generator.library.sample_path(topic).read_text(encoding="utf-8"))
    rx = data["prescription"]
    steps = [(rx["dose_mg"], rx["times_per_day"], rx.get("strength_mg"))]
    steps += [
        (s["dose_mg"], s.get("times_per_day", rx["times_per_day"]), s.get("strength_mg")) for s in rx.get("taper", [])
    ]
    allowed = {float(value) for dose, times, strength in steps for value in (dose, dose * times, strength) if value}
    text = pdf_text(make(data, topic=topic, language=language).pdf)
    printed = {float(amount.replace(",", "")) for amount in re.findall(r"(\d[\d,.]*)\s?mg", text)}
    assert printed and printed <= allowed, printed - allowed
