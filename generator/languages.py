"""Language codes as people and systems write them (BCP 47: es-MX, zh-CN, zh-Hant-TW, fil) and the code of
the library's leaflets they mean.

The library names a language by its primary subtag (`es`), except Chinese, whose leaflets are in Simplified
characters: `zh-Hans`. Every Chinese code that means Simplified characters (zh, zh-CN, zh-SG, zh-Hans...) is
`zh-Hans`; one that means Traditional characters (zh-TW, zh-HK, zh-MO, zh-Hant...) is refused, since there are
no Traditional Chinese leaflets. Filipino (`fil`) is written as Tagalog (`tl`), the code of its leaflets.
"""

from __future__ import annotations

import re

SIMPLIFIED_CHINESE = "zh-Hans"
"""The code of the Simplified Chinese leaflets."""
_TRADITIONAL_REGIONS = frozenset({"TW", "HK", "MO"})
"""Regions whose Chinese is written in Traditional characters when a code names no script."""
_SAME_LANGUAGE = {"fil": "tl"}
"""Codes of a language whose leaflets have another code: Filipino is standardised Tagalog."""
_CODE = re.compile(r"([A-Za-z]{2,3})((?:[-_][A-Za-z0-9]{1,8}){0,4})")
"""A language subtag and up to four more (script, region, variant), by hyphens or underscores."""
NOT_A_CODE = "expected a language code such as en, es or zh-Hans"
"""Why a code that is not written as a language code is refused."""
TRADITIONAL = "no leaflets in Traditional Chinese yet (Simplified Chinese: zh-Hans)"
"""Why a Traditional Chinese code is refused."""


class LanguageCodeError(ValueError):
    """A code that names no leaflet language: its message says why (NOT_A_CODE or TRADITIONAL)."""


def leaflet_language(code: str) -> str:
    """The library's code for the language `code` names: es-MX -> es, zh-CN -> zh-Hans, fil -> tl.

    Raises LanguageCodeError for a code not written as one, or for Traditional Chinese."""
    match = _CODE.fullmatch(code.strip())
    if match is None:
        raise LanguageCodeError(NOT_A_CODE)
    language = match.group(1).lower()
    subtags = [tag for tag in re.split(r"[-_]", match.group(2)) if tag]
    if language != "zh":
        return _SAME_LANGUAGE.get(language, language)
    script = next((tag.title() for tag in subtags if len(tag) == 4 and tag.isalpha()), None)
    region = next((tag.upper() for tag in subtags if len(tag) == 2 or tag.isdigit()), None)
    if script == "Hant" or (script is None and region in _TRADITIONAL_REGIONS):
        raise LanguageCodeError(TRADITIONAL)
    return SIMPLIFIED_CHINESE
