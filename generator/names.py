"""The names users choose things by, checked before any of them becomes part of a file name.

A topic is a folder of the content library and a layout a file of the layouts folder; a language
is the suffix of block files and the name of a labels file. A name that is not of the form below
is unknown without a look at the disk, so a typed `..`, `/`, NUL or a name longer than the file
system allows never reaches it.
"""

from __future__ import annotations

import re

MAX_NAME_LENGTH = 64
"""Longest topic or layout name (the installed ones have at most 15 letters; file systems allow 255 bytes)."""
_NAME = re.compile(rf"[a-z0-9][a-z0-9-]{{0,{MAX_NAME_LENGTH - 1}}}")
LANGUAGE_PATTERN = r"[a-z]{2,3}(-[A-Za-z]{2,4})?"
"""A language code: two or three letters, optionally a region or script (pt-BR)."""
_LANGUAGE = re.compile(LANGUAGE_PATTERN)


def is_name(text: str) -> bool:
    """Whether `text` can name a topic or layout: lower-case ASCII letters, digits and hyphens, at most 64."""
    return _NAME.fullmatch(text) is not None


def is_language(code: str) -> bool:
    """Whether `code` can name a language (LANGUAGE_PATTERN)."""
    return _LANGUAGE.fullmatch(code) is not None
