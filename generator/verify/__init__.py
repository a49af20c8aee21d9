"""Verification of finished leaflets: the PDF is re-read with PDFium and must visibly show what was promised."""

from generator.verify.check import Expected, check_pages, verify_pdf
from generator.verify.text import missing_sentences, normalise
from generator.verify.visibility import VisibilityRules

__all__ = ["Expected", "VisibilityRules", "check_pages", "missing_sentences", "normalise", "verify_pdf"]
