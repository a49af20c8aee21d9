"""What a language still lacks: topics not translated into it, and translated blocks made from an English block
that has changed since (its `translated_from` hash no longer matches), for `handout lint` to say as INFO lines.

A translation records the content hash of the English block it was made from (`translated_from`, metadata: it
does not change the translation's own hash); when the English changes, the translation is older than its
source and should be translated again.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from generator.content.approvals import file_hash
from generator.content.labels import label_languages
from generator.content.library import DEFAULT_LANGUAGE, Library
from generator.errors import ContentError


def translation_findings(library: Library) -> Iterator[tuple[Path | str, str]]:
    """(where, message) for each topic a labelled language lacks and each block older than its English."""
    for name in library.topic_names():
        try:
            translated = library.languages(name)
        except ContentError:
            continue  # a broken topic is reported by its own checks
        for language in label_languages(library.root):
            if language == DEFAULT_LANGUAGE:
                continue
            if language not in translated:
                yield f"{name} ({language})", f"not translated into '{language}' (labels/{language}.yaml exists)"
                continue
            yield from _older_blocks(library, name, language)


def _older_blocks(library: Library, topic: str, language: str) -> Iterator[tuple[Path, str]]:
    for ref in library.topic(topic).blocks:
        block = library.block(topic, ref, language)
        english = library.block_path(topic, ref, DEFAULT_LANGUAGE)
        if block.translated_from is not None and block.translated_from != file_hash(english):
            path = library.block_path(topic, ref, language)
            yield path, f"translated from an older English {english.name}: the English has changed since"
