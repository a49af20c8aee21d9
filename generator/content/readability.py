"""Reading level of content text, with textstat (Flesch-Kincaid and SMOG US grades for English)."""

from __future__ import annotations

from dataclasses import dataclass

import textstat


@dataclass(frozen=True)
class Readability:
    """Figures for one block (or a whole topic) in one language."""

    topic: str
    block: str
    language: str
    words: int
    grade: float | None
    """Flesch-Kincaid US grade (English only; other languages have no US grade formula here)."""
    smog: float | None
    """SMOG US grade (English only; needs 3 or more sentences to mean much)."""
    ease: float | None
    """Reading ease: Flesch for English, Fernández Huerta for Spanish (higher is easier)."""


def measure(topic: str, block: str, language: str, text: str) -> Readability:
    """Reading figures of `text`; for a language textstat cannot syllabify, only the word count."""
    try:
        return _measure(topic, block, language, text)
    except (KeyError, ValueError):
        return Readability(topic, block, language, len(text.split()), None, None, None)


def _measure(topic: str, block: str, language: str, text: str) -> Readability:
    textstat.set_lang(language)
    words = textstat.lexicon_count(text)
    if language == "en":
        return Readability(
            topic,
            block,
            language,
            words,
            textstat.flesch_kincaid_grade(text),
            textstat.smog_index(text),
            textstat.flesch_reading_ease(text),
        )
    ease = textstat.fernandez_huerta(text) if language == "es" else textstat.flesch_reading_ease(text)
    return Readability(topic, block, language, words, None, None, ease)


def table(rows: list[Readability]) -> str:
    """The figures as a text table."""
    lines = [f"{'topic':<18}{'block':<40}{'lang':<6}{'words':>6}{'FK grade':>10}{'SMOG':>7}{'ease':>7}"]
    for r in rows:
        grade = f"{r.grade:.1f}" if r.grade is not None else "-"
        smog = f"{r.smog:.1f}" if r.smog is not None else "-"
        ease = f"{r.ease:.1f}" if r.ease is not None else "-"
        lines.append(f"{r.topic:<18}{r.block:<40}{r.language:<6}{r.words:>6}{grade:>10}{smog:>7}{ease:>7}")
    return "\n".join(lines)
