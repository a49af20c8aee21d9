"""The checks that look at the rendered page: ink (every `handout verify`) and OCR (`--ocr`, `handout batch --audit`).

They render pages, which costs far more than reading them (see docs/verification.md#what-each-check-costs),
so a build does not run them; `handout verify` runs ink always, and the audit runs both.
"""

from __future__ import annotations

from dataclasses import dataclass

from generator.errors import AuditError
from generator.verify.check import Expected
from generator.verify.reader import Page, read_pages
from generator.verify.rendered.ink import ink_problems
from generator.verify.rendered.ocr import ocr_problems
from generator.verify.visibility import VisibilityRules


@dataclass(frozen=True)
class Rendered:
    """What the rendered pages do not show."""

    problems: list[str]
    read: int | None
    """How many expected pieces OCR compared (None when it did not run)."""


def check_rendered(
    pdf: bytes,
    pages: list[Page],
    expected: list[Expected],
    rules: VisibilityRules,
    where: str,
    password: str = "",
    ocr_language: str = "",
) -> Rendered:
    """Ink always, and OCR when `ocr_language` is given."""
    problems = ink_problems(pdf, pages, expected, rules, where, password)
    if not ocr_language:
        return Rendered(problems, None)
    misread, read = ocr_problems(pdf, pages, expected, rules, ocr_language, where, password)
    return Rendered(problems + misread, read)


def audit_pdf(
    pdf: bytes, expected: list[Expected], rules: VisibilityRules, language: str, where: str, password: str = ""
) -> int:
    """How many expected pieces OCR compared; an AuditError listing what the ink and OCR checks find wrong with a
    finished (already verified) PDF."""
    pages = read_pages(pdf, where, password or None)
    found = check_rendered(pdf, pages, expected, rules, where, password, language)
    if found.problems:
        raise AuditError(f"{where}: audit: {len(found.problems)} problem(s): " + "; ".join(found.problems))
    return found.read or 0
