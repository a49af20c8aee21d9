"""The language-help notice: "Free language help is available: call ..." in English, the leaflet's language, the
languages of the clinic's state (`clinic.state`: generator.content.notice_states) and each language the clinic
lists (`clinic.language_notice`), each line in its own language and script, with the clinic's phone.

Section 1557 of the Affordable Care Act (45 CFR 92.11, 2024 rule) asks covered clinics to tell patients in
their languages that language help is free. Each line is the `language_help` label of its language's labels
file, so it is approved (or a draft) with that file; where it is HHS's published sample tagline (Spanish), the
labels file says so (`language_help_origin: hhs`) and where it was read (`language_help_sources`). Each line is
tagged with its own language (generator.personalise.Item.lang: the PDF's /Lang, the web page's lang and dir).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.content.labels import load_wording
from generator.content.library import DEFAULT_LANGUAGE
from generator.content.notice_states import printable_state_languages
from generator.inputs.personalisation import Clinic
from generator.layouts import LanguageHelp

LANGUAGE_HELP_KIND = "language-help"
"""The block kind of the notice; layouts place it last."""
LANGUAGE_HELP_REF = "shared/language-help"
"""Its place among a leaflet's blocks: shared, so a leaflet of several medicines prints it once."""


@dataclass(frozen=True)
class NoticeLine:
    """One line of the notice: its language and its text, the clinic's phone filled in."""

    language: str
    text: str


def notice_languages(library_root: Path, clinic: Clinic, language: str, where: LanguageHelp = "every") -> list[str]:
    """English, the leaflet's language, the languages of the clinic's state it can print (`clinic.state`,
    generator.content.notice_states), then the clinic's own list, each once, in that order: the union, so a clinic
    adds its patients' languages to its state's; in a `short` notice English and the leaflet's language; none in a
    layout that leaves it to the full leaflet (generator.layouts)."""
    if where == "full-leaflet":
        return []
    state = printable_state_languages(library_root, clinic.state) if clinic.state else []
    listed = [*state, *clinic.language_notice] if where == "every" else []
    return list(dict.fromkeys([DEFAULT_LANGUAGE, language, *listed]))


def notice_lines(library_root: Path, clinic: Clinic, language: str, where: LanguageHelp = "every") -> list[NoticeLine]:
    """The notice's lines, in `notice_languages` order (a language without a labels file is a ContentError)."""
    return [
        NoticeLine(code, load_wording(library_root, code).labels.language_help.format(phone=clinic.phone))
        for code in notice_languages(library_root, clinic, language, where)
    ]
