"""The verifier for the HTML version: everything promised must be in the text a reader is given.

The page is parsed (not searched as a string), so text inside tags, comments, the head,
scripts, styles or hidden elements does not count.
"""

from __future__ import annotations

from html.parser import HTMLParser

from generator.errors import VerifyError
from generator.verify.check import Expected
from generator.verify.text import normalise

_SKIPPED = frozenset({"head", "script", "style", "template", "noscript"})
_VOID = frozenset(
    ("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr")
)
"""Elements without an end tag."""


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open: list[bool] = []
        """For each open element: whether its text is not shown."""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _VOID:
            return
        given = dict(attrs)
        hidden = tag in _SKIPPED or "hidden" in given or given.get("aria-hidden") == "true"
        self.open.append(hidden or (bool(self.open) and self.open[-1]))

    def handle_endtag(self, tag: str) -> None:
        if tag not in _VOID and self.open:
            self.open.pop()

    def handle_data(self, data: str) -> None:
        if not (self.open and self.open[-1]):
            self.parts.append(data)


def html_text(page: str) -> str:
    """The text a reader of the page is given, in document order."""
    parser = _Text()
    parser.feed(page)
    parser.close()
    return "".join(parser.parts)


def check_html(page: str, expected: list[Expected]) -> list[str]:
    """What is missing from the page's text (empty when all is there)."""
    text = normalise(html_text(page))
    return [f"{item.what}: missing" for item in expected if normalise(item.text) not in text]


def verify_html(page: str, expected: list[Expected], where: str) -> None:
    """Raise VerifyError listing every expected piece the page does not give its reader."""
    found = check_html(page, expected)
    if found:
        raise VerifyError(f"{where}: {len(found)} problem(s): " + "; ".join(found))
