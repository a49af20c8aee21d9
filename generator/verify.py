"""Checks that a PDF's extracted text carries every required sentence."""

from __future__ import annotations

import io
import re
import unicodedata
from pathlib import Path

from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError

from generator.errors import VerifyError

_HYPHEN_BREAK = re.compile(r"(\w)[-\u00ad]\s*\n\s*(\w)")
_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"})


def normalise(text: str) -> str:
    """Text with line breaks, hyphenation, spacing and quote styles taken out; wording kept."""
    text = unicodedata.normalize("NFKC", text).translate(_QUOTES).replace("\u00ad", "")
    text = _HYPHEN_BREAK.sub(r"\1\2", text)
    return _SPACE.sub("", text)


def pdf_pages_text(pdf: bytes | Path, password: str | None = None) -> list[str]:
    """The text of each page, as pypdf extracts it."""
    where = str(pdf) if isinstance(pdf, Path) else "PDF"
    try:
        reader = PdfReader(pdf if isinstance(pdf, Path) else io.BytesIO(pdf))
        if reader.is_encrypted and (not password or not reader.decrypt(password)):
            raise VerifyError(f"{where}: the PDF is encrypted; give the right password")
        return [page.extract_text() or "" for page in reader.pages]
    except FileNotFoundError:
        raise VerifyError(f"{where}: file not found") from None
    except (PdfReadError, FileNotDecryptedError, OSError, ValueError) as exc:
        raise VerifyError(f"{where}: not a readable PDF ({exc.__class__.__name__})") from None


def missing_sentences(pages: list[str], sentences: list[str]) -> list[str]:
    """The sentences not found in the pages' text."""
    haystack = normalise("\n".join(pages))
    return [s for s in sentences if normalise(s) not in haystack]


def require_sentences(pdf: bytes | Path, sentences: list[str], where: str, password: str | None = None) -> int:
    """Raise VerifyError naming each missing sentence; return the page count."""
    pages = pdf_pages_text(pdf, password)
    missing = missing_sentences(pages, sentences)
    if missing:
        listed = "; ".join(f'"{s}"' for s in missing)
        raise VerifyError(f"{where}: {len(missing)} required warning(s) missing: {listed}")
    return len(pages)
