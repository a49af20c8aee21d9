"""National Drug Codes (NDC) as EHRs write them, reduced to the product they name (labeler and product code).

FDA writes an NDC as 10 digits in three hyphenated segments (4-4-2, 5-3-2 or 5-4-1); HIPAA transactions
pad it to 11 digits (5-4-2, often without hyphens); a product NDC leaves out the package segment. Each
written form reduces to the same 9 digits: the labeler padded to 5 and the product to 4, as in the
11-digit form. Ten digits without hyphens cannot be read: they fit three layouts.
"""

from __future__ import annotations

import re

NDC_OID = "2.16.840.1.113883.6.69"
"""The NDC code system's OID (FHIR: http://hl7.org/fhir/sid/ndc)."""

_LAYOUTS = {(4, 4, 2), (5, 3, 2), (5, 4, 1), (5, 4, 2), (4, 4), (5, 3), (5, 4)}
_HYPHENATED = re.compile(r"^[0-9]+(-[0-9]+){1,2}$")
_DIGITS = re.compile(r"^[0-9]+$")
AMBIGUOUS = "10 digits without hyphens fit three layouts (4-4-2, 5-3-2, 5-4-1): send the hyphens, or 11 digits"
MALFORMED = "expected an NDC: 4-4-2, 5-3-2 or 5-4-1 digits with hyphens, 11 digits (5-4-2), or a product NDC"


def product_key(text: str) -> str:
    """The 9 digits of the product an NDC names (labeler padded to 5, product to 4); ValueError says why not."""
    code = text.strip()
    if _HYPHENATED.match(code):
        parts = code.split("-")
        if tuple(len(part) for part in parts) not in _LAYOUTS:
            raise ValueError(MALFORMED)
        return parts[0].zfill(5) + parts[1].zfill(4)
    if not _DIGITS.match(code):
        raise ValueError(MALFORMED)
    if len(code) in (9, 11):  # 5-4 (a product) or 5-4-2, unambiguous without hyphens
        return code[:9]
    raise ValueError(AMBIGUOUS if len(code) == 10 else MALFORMED)
