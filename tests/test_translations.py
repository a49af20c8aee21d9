"""Translated leaflets (machine drafts until a translator and a reviser approve them), language codes, Haitian
Creole dates and the language-help notice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from fhir_bundles import bundle
from helpers import actual_texts, pdf_pages_text, pdf_text
from hypothesis import given
from hypothesis import strategies as st

from generator.content.codes import CodeIndex
from generator.content.labels import load_wording
from generator.content.library import Library
from generator.errors import InputError
from generator.fhir.infobutton import parse_query
from generator.fhir.mapping import read_fhir
from generator.languages import TRADITIONAL, LanguageCodeError, leaflet_language
from generator.paths import library_root
from generator.render.direction import is_right_to_left
from generator.verify import missing_sentences

DRAFTS = ["zh-Hans", "vi", "ar", "ko", "ru", "ht", "tl"]
"""The machine-draft languages (labels files of origin: machine)."""
LAYOUTS = ["standard", "trifold"]
"""The standard leaflet and one compact layout, for every language in the fast set (the goldens hold every
translated topic in the standard layout; the slow matrix every topic in every layout)."""
FAST_TOPIC = "carisoprodol"


def _translated(topic: str | None = None) -> list[tuple[str, str]]:
    library = Library(library_root())
    topics = [topic] if topic else library.topic_names()
    return [(name, lang) for name in topics for lang in library.languages(name) if lang in DRAFTS]


def _read_back(pdf: Path, language: str) -> list[str]:
    """The pages' text as pypdf reads it; for a right-to-left language, the ActualText of its lines (read with
    pikepdf), since pypdf gives their glyphs in drawing order."""
    return actual_texts(pdf) if is_right_to_left(language) else pdf_pages_text(pdf)


def _case(text: str) -> st.SearchStrategy[str]:
    return st.tuples(*(st.sampled_from([c.lower(), c.upper()]) for c in text)).map("".join)


@given(st.sampled_from(["", "-CN", "-SG", "-Hans", "-Hans-CN", "-Hans-SG", "_CN", "-hans"]), _case("zh"))
def test_simplified_chinese_codes_are_zh_hans(tail: str, zh: str) -> None:
    assert leaflet_language(zh + tail) == "zh-Hans"


@given(st.sampled_from(["-TW", "-HK", "-MO", "-Hant", "-Hant-TW", "_tw", "-hant"]), _case("zh"))
def test_traditional_chinese_is_refused(tail: str, zh: str) -> None:
    with pytest.raises(LanguageCodeError, match="Traditional Chinese"):
        leaflet_language(zh + tail)
    assert str(LanguageCodeError(TRADITIONAL)).startswith("no leaflets in Traditional Chinese")


@given(_case("fil") | _case("tl"), st.sampled_from(["", "-PH", "_PH"]))
def test_filipino_is_tagalog(code: str, region: str) -> None:
    assert leaflet_language(code + region) == "tl"


@given(
    st.from_regex(r"[a-y][a-z]", fullmatch=True).filter(lambda c: c != "tl"),
    st.from_regex(r"(-[A-Z]{2})?", fullmatch=True),
)
def test_other_codes_keep_their_language(language: str, region: str) -> None:
    assert leaflet_language(language.upper() + region) == language


@given(st.text().filter(lambda t: not t.strip().replace("-", "").replace("_", "").isascii() or len(t.strip()) < 2))
def test_what_is_not_a_code_is_refused(text: str) -> None:
    with pytest.raises(LanguageCodeError):
        leaflet_language(text)


def test_infobutton_keeps_the_script() -> None:
    assert (
        parse_query(
            {"mainSearchCriteria.v.dn": "carisoprodol", "informationRecipient.languageCode.c": "zh-CN"}
        ).language
        == "zh-Hans"
    )
    assert (
        parse_query({"mainSearchCriteria.v.dn": "carisoprodol", "informationRecipient.languageCode.c": "fil"}).language
        == "tl"
    )


@pytest.mark.parametrize(
    ("code", "read"), [("zh-CN", "zh-Hans"), ("zh-Hans-SG", "zh-Hans"), ("fil-PH", "tl"), ("vi-VN", "vi")]
)
def test_fhir_patient_language_keeps_the_script(generator, code, read) -> None:
    data = bundle("carisoprodol-spanish.json")
    data["entry"][0]["resource"]["communication"][1]["language"]["coding"][0]["code"] = code
    fhir = read_fhir(data, "bundle.json", generator.library, CodeIndex(generator.library), dt.date(2026, 11, 25))
    assert fhir.data.patient.language == read


def test_fhir_traditional_chinese_is_refused_naming_the_field(generator) -> None:
    data = bundle("carisoprodol-spanish.json")
    data["entry"][0]["resource"]["communication"][1]["language"]["coding"][0]["code"] = "zh-TW"
    with pytest.raises(InputError) as caught:
        read_fhir(data, "bundle.json", generator.library, CodeIndex(generator.library), dt.date(2026, 11, 25))
    assert f"Patient.communication[1].language: {TRADITIONAL}" in str(caught.value)


def test_haitian_creole_dates_are_written_by_hand() -> None:
    """Babel has no Haitian Creole names; the labels file's, checked against the cited lists."""
    wording = load_wording(library_root(), "ht")
    months = ["janvye", "fevriye", "mas", "avril", "me", "jen", "jiyè", "out", "septanm", "oktòb", "novanm", "desanm"]
    weekdays = ["lendi", "madi", "mèkredi", "jedi", "vandredi", "samdi", "dimanch"]  # languagesandyou.com
    assert [wording.date(dt.date(2026, m, 3)) for m in range(1, 13)] == [f"3 {name} 2026" for name in months]
    days = [wording.day(dt.date(2026, 11, 23) + dt.timedelta(days=n)) for n in range(7)]  # Monday 23 November
    assert all(name.startswith(day.split()[0].rstrip(".")) for day, name in zip(days, weekdays, strict=True))
    assert days[1] == "mad. 24 nov." and wording.join(["nan maten", "nan aswè"]) == "nan maten ak nan aswè"


def test_every_draft_language_says_it_is_a_machine_draft() -> None:
    for language in DRAFTS:
        assert load_wording(library_root(), language).labels.origin == "machine", language


@pytest.mark.parametrize(("topic", "language"), _translated(topic=FAST_TOPIC))
@pytest.mark.parametrize("layout", LAYOUTS)
def test_translated_leaflet_is_verified(run_cli, tmp_path, write_yaml, generator, topic, language, layout) -> None:
    """The topic's sample (its full dose alone, as the Spanish test of one page), verified in the language: its required
    warnings, never the English ones, the schedule, the draft line and the language-help notice."""
    sample = yaml.safe_load(generator.library.sample_input(topic).read_text(encoding="utf-8"))
    sample["prescription"] = {k: v for k, v in sample["prescription"].items() if k not in ("taper", "last_day")}
    patient = write_yaml("patient.yaml", sample)
    output = tmp_path / "leaflet.pdf"
    args = ("--lang", language, "--layout", layout, "--made-on", "2026-11-25", "--patient", str(patient))
    code, _, err = run_cli("build", topic, *args, "-o", str(output))
    assert code == 0, err
    assert "content: not yet approved by your clinic" in err
    code, out, _ = run_cli("verify", str(output), "--topic", topic, "--lang", language, "--patient", str(patient))
    assert code == 0, out
    pages = _read_back(output, language)
    assert missing_sentences(pages, generator.required_sentences(topic, language)) == []
    english = generator.required_sentences(topic, "en")
    assert missing_sentences(pages, english) == english
    labels = load_wording(library_root(), language).labels
    text = " ".join(" ".join(page.split()) for page in _read_back(output, language))
    assert labels.draft_notice in text and labels.schedule_heading in text
    assert labels.language_help.format(phone="555-0199") in text


@pytest.mark.parametrize("language", DRAFTS)
def test_approved_content_refuses_a_machine_draft(run_cli, tmp_path, generator, language) -> None:
    """Every topic translated into a draft language (the four of the first translation at least); a clinic requiring
    approved content gets a refusal for each."""
    topics = [topic for topic in generator.library.topic_names() if language in generator.library.languages(topic)]
    assert {"carisoprodol", "cyclobenzaprine", "low-back-pain", "methocarbamol"} <= set(topics)
    for topic in topics:
        output = tmp_path / f"{topic}.pdf"
        code, _, err = run_cli("build", topic, "--lang", language, "--require", "approved", "-o", str(output))
        assert code == 3 and "not approved" in err and f"topic '{topic}' ({language})" in err, err
        assert not output.exists()


def test_clinic_lists_the_notice_languages(run_cli, tmp_path, write_yaml, sample) -> None:
    """English and the clinic's list, each in its own language, with the clinic's phone; no other language."""
    sample["clinic"] = {"name": "Hill Clinic", "phone": "555-0123", "language_notice": ["vi", "zh-CN"]}
    output = tmp_path / "o.pdf"
    code, _, err = run_cli("build", "low-back-pain", "--patient", str(write_yaml("p.yaml", sample)), "-o", str(output))
    assert code == 0, err
    text = pdf_text(output)
    for language in ["en", "vi", "zh-Hans"]:
        assert load_wording(library_root(), language).labels.language_help.format(phone="555-0123") in text
    assert load_wording(library_root(), "ru").labels.language_help.format(phone="555-0123") not in text


def test_a_traditional_chinese_clinic_list_is_refused(run_cli, tmp_path, write_yaml, sample) -> None:
    sample["clinic"] = {"name": "Hill Clinic", "phone": "555-0123", "language_notice": ["zh-TW"]}
    code, _, err = run_cli(
        "build", "low-back-pain", "--patient", str(write_yaml("p.yaml", sample)), "-o", str(tmp_path / "o.pdf")
    )
    assert code == 2 and "clinic.language_notice" in err and "Traditional Chinese" in err


MATRIX_LAYOUTS = ["standard", "a4", "large-print", "one-page", "one-sheet", "trifold", "grayscale"]


@pytest.mark.slow
@pytest.mark.parametrize(("topic", "language"), _translated())
@pytest.mark.parametrize("layout", MATRIX_LAYOUTS)
def test_translated_matrix(run_cli, tmp_path, write_yaml, generator, topic, language, layout) -> None:
    """Every translated topic in every layout with its sample (one page and one sheet: the full dose alone, as for
    English), verified; one page may refuse a language too long for one side, naming one-sheet, as it does
    Spanish carisoprodol."""
    sample = yaml.safe_load(generator.library.sample_input(topic).read_text(encoding="utf-8"))
    if layout in ("one-page", "one-sheet") and "prescription" in sample:
        sample["prescription"] = {k: v for k, v in sample["prescription"].items() if k not in ("taper", "last_day")}
    output = tmp_path / "o.pdf"
    patient = str(write_yaml("patient.yaml", sample))
    code, _, err = run_cli(
        "build", topic, "--lang", language, "--layout", layout, "--patient", patient, "-o", str(output)
    )
    if layout == "one-page" and code == 4:
        assert "allows 1 page(s)" in err and "use the layout 'one-sheet'" in err, err
        return
    assert code == 0, err
    required = Library(library_root()).blocks(topic, language)
    sentences = [sentence for block in required if block.required for sentence in block.must_say]
    assert missing_sentences(_read_back(output, language), sentences) == []
