"""The verifier: everything a leaflet promises must be drawn where a patient can read it.

It re-reads the finished bytes with PDFium and looks for each expected piece of text
(required warnings, the dose schedule, the personal facts) in the text that is actually
visible; a piece that is only in invisible text, or not there at all, refuses the file.
Each piece must also be read in the structure tree, as a screen reader reads it: in the text
of tagged content, in the tree's reading order; a piece drawn as an artifact refuses the file.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from generator.errors import VerifyError
from generator.verify.closed import check_file
from generator.verify.pictures import picture_problems
from generator.verify.reader import Page, read_pages
from generator.verify.text import normalise
from generator.verify.visibility import VisibilityRules, problems


@dataclass(frozen=True)
class Expected:
    """A piece of text the page must show."""

    what: str
    """How messages name it; never patient data (e.g. 'the patient's name', or a warning's own text)."""
    text: str
    """The text as printed; compared after `normalise`."""
    language: str = ""
    """The language it is written in when not the leaflet's (a language-help line): OCR reads it with that
    language's model, or not at all."""
    tablets: tuple[int, ...] = ()
    """A step of the dose-time strip: how many tablets must be drawn in the frame around each of its cells' text,
    cell by cell in the order they are drawn (empty: the piece is text only)."""
    cells: tuple[str, ...] = ()
    """What each of those cells is, for messages (its time of day: 'morning'; never patient data)."""
    icons: tuple[int, int] = ()
    """An icon array's label (generator.content.icon_array): (filled, of), the icons that must be drawn in the
    frame of that array, in the order the arrays are drawn (empty: the piece is text only)."""


@dataclass(frozen=True)
class _Indexed:
    """The normalised text of runs, with the run each character came from."""

    text: str
    owners: list[tuple[int, int]]
    """(page index, run index) of each character of `text`."""
    right_to_left: frozenset[tuple[int, int]] = frozenset()
    """The runs holding right-to-left letters, which PDFium gives each word of last letter first."""

    @functools.cached_property
    def letters(self) -> _Indexed:
        """The index with only letters, marks and digits kept (for text that mixes writing directions)."""
        kept = [(char, owner) for char, owner in zip(self.text, self.owners, strict=True) if _is_letter(char)]
        return _Indexed("".join(char for char, _ in kept), [owner for _, owner in kept], self.right_to_left)


Shown = list[list[str | None]]
"""For each page, each run's normalised text, or None when the run is not visible."""


def _shown(pages: list[Page], rules: VisibilityRules) -> Shown:
    return [[None if problems(run, page, rules) else normalise(run.text) for run in page.runs] for page in pages]


def _index(pages: list[Page], shown: Shown | None) -> _Indexed:
    """The text of every run (`shown`: of the visible runs only), in drawing order."""
    parts: list[str] = []
    owners: list[tuple[int, int]] = []
    for page_index, page in enumerate(pages):
        for run_index, run in enumerate(page.runs):
            text = normalise(run.text) if shown is None else shown[page_index][run_index]
            if text is None:
                continue
            parts.append(text)
            owners.extend([(page_index, run_index)] * len(text))
    return _Indexed("".join(parts), owners, _right_to_left(owners, pages))


def _right_to_left(owners: list[tuple[int, int]], pages: list[Page]) -> frozenset[tuple[int, int]]:
    """The runs (of `owners`) holding right-to-left letters."""
    return frozenset(owner for owner in set(owners) if _has_rtl(pages[owner[0]].runs[owner[1]].text))


def _tagged_index(pages: list[Page], shown: Shown) -> _Indexed:
    """The visible text of tagged content, in the structure tree's reading order."""
    runs_by_mcid: list[dict[int, list[int]]] = []
    for page in pages:
        by_mcid: dict[int, list[int]] = {}
        for run_index, run in enumerate(page.runs):
            by_mcid.setdefault(run.mcid, []).append(run_index)
        runs_by_mcid.append(by_mcid)
    content = sorted(
        (marked.order, page_index, marked.mcid) for page_index, page in enumerate(pages) for marked in page.marked
    )
    parts: list[str] = []
    owners: list[tuple[int, int]] = []
    for _, page_index, mcid in content:
        for run_index in runs_by_mcid[page_index].get(mcid, ()):
            text = shown[page_index][run_index]
            if text is None:
                continue
            parts.append(text)
            owners.extend([(page_index, run_index)] * len(text))
    return _Indexed("".join(parts), owners, _right_to_left(owners, pages))


def _why_untagged(pages: list[Page], visible: _Indexed, at: int, length: int) -> str:
    tagged = [{marked.mcid for marked in page.marked} for page in pages]
    for page_index, run_index in dict.fromkeys(visible.owners[at : at + length]):
        if pages[page_index].runs[run_index].mcid not in tagged[page_index]:
            return f"not in the tagged structure (page {pages[page_index].number}: drawn as an artifact or untagged)"
    return "tagged, but not in this order in the structure tree"


def _why_hidden(pages: list[Page], everything: _Indexed, start: int, length: int, rules: VisibilityRules) -> str:
    reasons: dict[str, None] = {}
    for page_index, run_index in dict.fromkeys(everything.owners[start : start + length]):
        page = pages[page_index]
        for reason in problems(page.runs[run_index], page, rules):
            reasons[f"page {page.number}: {reason}"] = None
    return "; ".join(reasons) or "split by other text"


def _is_letter(char: str) -> bool:
    return unicodedata.category(char)[0] in "LMN"


_FIRST_RTL = "\u0590"
"""Hebrew, the first right-to-left block: every strong right-to-left letter is at or after it."""


def _has_rtl(text: str) -> bool:
    return not text.isascii() and any(
        char >= _FIRST_RTL and unicodedata.bidirectional(char) in ("R", "AL") for char in text
    )


def _find(index: _Indexed, text: str, mixed: bool) -> tuple[int, int]:
    """(start, length) of `text` in the index, or (-1, 0).

    Text with right-to-left letters (a name in Arabic or Hebrew, an Arabic leaflet) is found word
    by word: PDFium puts a line that mixes directions in bidirectional display order, which moves
    words and punctuation around (e.g. 'Prepared for' + a Hebrew name) and may give a right-to-left
    word's letters last to first, so every word's letters must be there, either way round, close
    together, in any order. A word is a run of letters, marks and digits: the parts of a date
    ('24/11/2026', whose parts the bidirectional algorithm reorders) are words of their own.
    """
    if not mixed:
        needle = normalise(text)
        at = index.text.find(needle)
        return (at, len(needle)) if at >= 0 else _found_right_to_left(index.letters, needle)
    words = [
        part for word in text.split() for part in "".join(c if _is_letter(c) else " " for c in normalise(word)).split()
    ]
    span = 2 * sum(map(len, words)) + 8
    first, *others = words
    for start in (first, first[::-1]):
        at = index.text.find(start)
        while at >= 0:
            window = index.text[max(0, at - span) : at + span]
            if all(word in window or word[::-1] in window for word in others):
                return max(0, at - span), min(len(index.text), at + span) - max(0, at - span)
            at = index.text.find(start, at + 1)
    return -1, 0


def _found_right_to_left(letters: _Indexed, needle: str) -> tuple[int, int]:
    """Where left-to-right text (a phone number, a name) is in a right-to-left sentence: PDFium gives the words of
    such a line in reading order, but each word last letter first ('555-0199' as '9910-555'), so the needle's
    words, each reversed, must be there in order, in runs holding right-to-left letters only."""
    reversed_words = "".join("".join(char for char in word if _is_letter(char))[::-1] for word in needle.split())
    at = letters.text.find(reversed_words) if reversed_words else -1
    while at >= 0:
        if all(owner in letters.right_to_left for owner in letters.owners[at : at + len(reversed_words)]):
            return at, len(reversed_words)
        at = letters.text.find(reversed_words, at + 1)
    return -1, 0


@dataclass(frozen=True)
class Found:
    """Where an expected piece was found among the visible runs."""

    runs: tuple[tuple[int, int], ...]
    """(page index, run index) of each run it was found in, in drawing order."""
    start: int
    """Where it begins in its runs' normalised text, joined; -1 for text found word by word (right-to-left)."""
    length: int


def found_runs(pages: list[Page], expected: list[Expected], rules: VisibilityRules) -> list[Found | None]:
    """For each expected piece, the visible runs it was found in; None when it is not found visible (check_pages
    says why)."""
    visible = _index(pages, _shown(pages, rules))
    found: list[Found | None] = []
    for item in expected:
        mixed = _has_rtl(item.text)
        found.append(_found_in(visible.letters if mixed else visible, item.text, mixed))
    return found


def _found_in(seen: _Indexed, text: str, mixed: bool) -> Found | None:
    at, length = _find(seen, text, mixed)
    if at < 0:
        return None
    first = at
    while first > 0 and seen.owners[first - 1] == seen.owners[at]:
        first -= 1
    runs = tuple(dict.fromkeys(seen.owners[at : at + length]))
    return Found(runs, -1, length) if mixed else Found(runs, at - first, length)


def check_pages(pages: list[Page], expected: list[Expected], rules: VisibilityRules) -> list[str]:
    """What is wrong with `pages`: each expected piece missing, not visible or not tagged (empty when all is well)."""
    shown = _shown(pages, rules)
    visible = _index(pages, shown)
    tagged = _tagged_index(pages, shown) if any(page.marked for page in pages) else None
    everything: _Indexed | None = None
    found = [] if tagged is not None else ["not a tagged PDF: there is no structure tree for a screen reader to read"]
    for item in expected:
        mixed = _has_rtl(item.text)
        seen = visible.letters if mixed else visible
        at, length = _find(seen, item.text, mixed)
        if at >= 0:
            if tagged is not None and _find(tagged.letters if mixed else tagged, item.text, mixed)[0] < 0:
                found.append(f"{item.what}: {_why_untagged(pages, seen, at, length)}")
            continue
        everything = everything or _index(pages, None)
        searched = everything.letters if mixed else everything
        at, length = _find(searched, item.text, mixed)
        if at < 0:
            found.append(f"{item.what}: missing")
        else:
            found.append(f"{item.what}: not visible ({_why_hidden(pages, searched, at, length, rules)})")
    return found + picture_problems(pages, expected)


def verify_pdf(
    pdf: bytes | Path, expected: list[Expected], rules: VisibilityRules, where: str, password: str | None = None
) -> int:
    """Raise VerifyError listing every problem (the file outside the generator's closed world, then what the
    pages do not show); return the page count."""
    pages = read_pages(pdf, where, password)
    found = check_file(pdf if isinstance(pdf, bytes) else pdf.read_bytes(), password) + check_pages(
        pages, expected, rules
    )
    if found:
        raise VerifyError(f"{where}: {len(found)} problem(s): " + "; ".join(found))
    return len(pages)
