"""`handout batch --audit PCT`: which rows have their rendered leaflet checked for ink and read back by OCR.

Rows are chosen by a hash of their leaflet's name (the row's id, else its row number), not at random,
so `--resume` audits the same rows, and a row audited once keeps its result in its record.
"""

from __future__ import annotations

import hashlib

from generator.pipeline import Handout
from generator.verify.rendered.audit import audit_pdf
from generator.verify.rendered.ocr import require_tesseract

PASSED = "passed"
"""The manifest's audit cell of a row whose leaflet shows its ink and reads by OCR as printed."""
INK_ONLY = "passed: ink only"
"""The audit cell of a row whose leaflet shows its ink but has no text OCR can read (large print: see
generator.verify.rendered.ocr.UNREAD_FACES)."""
REFUSED = "refused"
"""The manifest's audit cell of a row the audit refused (the row failed; its reason says why)."""
_BUCKETS = 10_000


def chosen(name: str, percent: float) -> bool:
    """Whether the row whose leaflet is `name` is audited, for about `percent` in 100 rows."""
    if percent <= 0:
        return False
    bucket = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big") % _BUCKETS
    return bucket < round(percent * _BUCKETS / 100)


def audit(handout: Handout, where: str) -> str:
    """PASSED (or INK_ONLY), or an AuditError naming what the rendered leaflet does not show (an InputError when
    Tesseract or its model for the leaflet's language is missing)."""
    require_tesseract(handout.language, "--audit")
    read = audit_pdf(handout.pdf, list(handout.checks.expected), handout.checks.rules, handout.language, where)
    return PASSED if read else INK_ONLY
