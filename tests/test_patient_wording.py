"""Wording follows the patient (issue 22): no "for adults" to a minor, no "talk with your prescriber first if
you are younger than 16" to a patient already given it at that age (a staff warning instead), and no "may start
with a low dose" beside a schedule that does not; each read back from leaflets built in-process."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from helpers import pdf_pages_text, pdf_text

from generator.content.topic import Topic
from generator.inputs.personalisation import read_clinic
from generator.paths import SAMPLES
from generator.pipeline import Handout
from generator.verify import missing_sentences

MADE_ON = dt.date(2026, 11, 25)
LANGUAGES = ["en", "es"]
FOR_ADULTS = {
    ("carisoprodol", "en"): "muscle relaxant for adults",
    ("carisoprodol", "es"): "relajante muscular con receta para adultos",
    ("methocarbamol", "en"): "prescription medicine for adults",
    ("methocarbamol", "es"): "medicamento con receta para adultos",
}
"""The overview's "for adults" words; cyclobenzaprine's overview never says them (its label does not)."""
MIN_AGE = {"carisoprodol": 16, "cyclobenzaprine": 15, "methocarbamol": 16}
"""The label's minimum studied age (the topic's age_cautions warn staff under it)."""
CASES = [(topic, language) for topic in MIN_AGE for language in LANGUAGES]
LOW_DOSE = {
    "en": "your prescriber may start with a low dose and raise it slowly",
    "es": "su profesional de salud puede empezar con una dosis baja y subirla poco a poco",
}
START_DOSE_SOURCE = "FDA label for FLEXERIL (cyclobenzaprine hydrochloride) tablets, PRECAUTIONS, Use in the Elderly"


def _younger_than(topic: str, language: str) -> str:
    age = MIN_AGE[topic]
    return f"younger than {age}" if language == "en" else f"menos de {age} años"


def _says_for_adults(text: str, language: str) -> bool:
    return ("for adults" if language == "en" else "para adultos") in text


def _build(make, topic_sample, topic: str, language: str, age: int | None, **options: Any) -> Handout:
    data = topic_sample(topic)
    if age is None:
        data["patient"].pop("age", None)
    else:
        data["patient"]["age"] = age
    return make(data, topic=topic, language=language, **options)


def _all_must_say_printed(generator, handout: Handout, topic: str, language: str) -> None:
    """Every required block's must_say is among what the build verified, and pypdf reads each back too."""
    required = [s for block in generator.library.blocks(topic, language) if block.required for s in block.must_say]
    assert set(required) <= set(handout.must_say)
    assert missing_sentences(pdf_pages_text(handout.pdf), required) == []


def _age_warnings(handout: Handout) -> list[str]:
    return [message for field, message in handout.warnings if field == "patient.age"]


# --- "for adults" and the label's minimum age ------------------------------------------------------


@pytest.mark.parametrize("layout", ["standard", "trifold"])
@pytest.mark.parametrize(("topic", "language"), CASES)
def test_under_the_minimum_age_no_adult_or_age_wording_and_staff_are_warned(
    make, topic_sample, generator, topic, language, layout
) -> None:
    age = MIN_AGE[topic] - 1
    handout = _build(make, topic_sample, topic, language, age, layout=layout)
    text = pdf_text(handout.pdf)
    assert not _says_for_adults(text, language)
    assert _younger_than(topic, language) not in text
    warnings = _age_warnings(handout)
    assert len(warnings) == 1 and warnings[0].startswith(f"under {MIN_AGE[topic]}: the label says")
    _all_must_say_printed(generator, handout, topic, language)


@pytest.mark.parametrize(("topic", "language"), CASES)
def test_an_adult_reads_for_adults_but_not_the_minimum_age(make, topic_sample, generator, topic, language) -> None:
    handout = _build(make, topic_sample, topic, language, 47)
    text = pdf_text(handout.pdf)
    if (topic, language) in FOR_ADULTS:
        assert FOR_ADULTS[topic, language] in text
    else:
        assert not _says_for_adults(text, language)
    assert _younger_than(topic, language) not in text
    assert _age_warnings(handout) == []
    _all_must_say_printed(generator, handout, topic, language)


@pytest.mark.parametrize(("topic", "language"), CASES)
def test_an_unknown_age_reads_both(make, topic_sample, generator, topic, language) -> None:
    handout = _build(make, topic_sample, topic, language, None)
    text = pdf_text(handout.pdf)
    if (topic, language) in FOR_ADULTS:
        assert FOR_ADULTS[topic, language] in text
    assert _younger_than(topic, language) in text
    assert _age_warnings(handout) == []
    _all_must_say_printed(generator, handout, topic, language)


@pytest.mark.parametrize(("topic", "language"), CASES)
def test_a_sixteen_or_seventeen_year_old_reads_neither(make, topic_sample, topic, language) -> None:
    """At or above the label's minimum age but under 18: no age clause (pointless) and no "for adults"."""
    for age in (MIN_AGE[topic], 17):
        text = pdf_text(_build(make, topic_sample, topic, language, age).pdf)
        assert not _says_for_adults(text, language) and _younger_than(topic, language) not in text


@pytest.mark.parametrize("layout", ["standard", "one-sheet"])  # one-sheet: one-page's short forms on two sides
@pytest.mark.parametrize(("topic", "language"), CASES)
def test_the_generic_leaflet_keeps_both(generator, topic, language, layout) -> None:
    clinic = read_clinic(SAMPLES / "clinic.yaml")
    handout = generator.build_generic(topic, language, layout, clinic, MADE_ON, "test")
    text = pdf_text(handout.pdf)
    if (topic, language) in FOR_ADULTS and (layout == "standard" or topic == "methocarbamol"):
        assert FOR_ADULTS[topic, language] in text  # carisoprodol's short overview is "It is a muscle relaxant."
    assert _younger_than(topic, language) in text
    _all_must_say_printed(generator, handout, topic, language)


# --- Cyclobenzaprine in older adults: the label's start dose -----------------------------------------


def _cyclobenzaprine(make, topic_sample, language: str, age: int | None, dose: float, strength: float) -> Handout:
    data = topic_sample("cyclobenzaprine")
    data["prescription"] |= {"dose_mg": dose, "strength_mg": strength, "times_per_day": 3}
    if age is None:
        data["patient"].pop("age", None)
    else:
        data["patient"]["age"] = age
    return make(data, topic="cyclobenzaprine", language=language)


def _start_dose_warnings(handout: Handout) -> list[str]:
    return [message for field, message in handout.warnings if field == "prescription.dose_mg"]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("dose", "strength"), [(10, 10), (7.5, 7.5), (10, 5)])
def test_older_adult_above_the_start_dose_no_low_dose_sentence_and_staff_are_warned(
    make, topic_sample, generator, language, dose, strength
) -> None:
    handout = _cyclobenzaprine(make, topic_sample, language, 85, dose, strength)
    text = pdf_text(handout.pdf)
    assert generator.library.block("cyclobenzaprine", "older-adults", language).title in text
    assert LOW_DOSE[language] not in text
    assert _start_dose_warnings(handout) == [
        "check with the prescriber: the label says to start people 65 or older at 5 mg and raise the dose slowly "
        f"({START_DOSE_SOURCE})"
    ]
    _all_must_say_printed(generator, handout, "cyclobenzaprine", language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_older_adult_at_the_start_dose_reads_the_sentence_without_a_warning(
    make, topic_sample, generator, language
) -> None:
    handout = _cyclobenzaprine(make, topic_sample, language, 85, 5, 5)
    assert LOW_DOSE[language] in pdf_text(handout.pdf)
    assert _start_dose_warnings(handout) == []
    _all_must_say_printed(generator, handout, "cyclobenzaprine", language)


@pytest.mark.parametrize(("age", "printed"), [(64, False), (None, False)])
def test_start_dose_warning_only_from_the_labels_age(make, topic_sample, age, printed) -> None:
    """Under 65 (the block is not printed) or of unknown age: no warning; with 10 mg, never the sentence."""
    handout = _cyclobenzaprine(make, topic_sample, "en", age, 10, 10)
    assert (LOW_DOSE["en"] in pdf_text(handout.pdf)) is printed
    assert _start_dose_warnings(handout) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_generic_cyclobenzaprine_leaflet_keeps_the_low_dose_sentence(generator, language) -> None:
    clinic = read_clinic(SAMPLES / "clinic.yaml")
    handout = generator.build_generic("cyclobenzaprine", language, "standard", clinic, MADE_ON, "test")
    assert LOW_DOSE[language] in pdf_text(handout.pdf)


def test_start_dose_cautions_are_only_for_a_medicine_topic() -> None:
    caution = {"from_age": 65, "max_first_dose_mg": 5, "says": "check", "source": "label"}
    with pytest.raises(ValueError, match="start_dose_cautions are only for a medicine topic"):
        Topic.model_validate({"title": "t", "content_version": "1", "blocks": ["a"], "start_dose_cautions": [caution]})
