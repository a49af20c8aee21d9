"""ReportLab paragraph markup (what the Leaflet holds) as safe HTML.

The Leaflet's texts are ReportLab markup in which patient and clinic text is already
escaped. They are parsed here, never passed through: text is decoded and escaped again for
HTML, <b> becomes <strong>, <i> <em>, <br/> <br>, <font> keeps only its text, and any other
tag is refused, so nothing a patient typed can become HTML.
"""

from __future__ import annotations

from html.parser import HTMLParser

from markupsafe import Markup, escape

from generator.errors import RenderError

_INLINE = {"b": "strong", "strong": "strong", "i": "em", "em": "em"}
"""ReportLab tags kept, as their HTML element."""
INLINE_CONTAINERS = frozenset(_INLINE.values())
"""The HTML elements around text that `to_html` writes."""
LINE_BREAK = "<br>"
"""How `to_html` writes a line break."""
_TEXT_ONLY = frozenset({"font", "span"})
"""ReportLab tags that only style their text: dropped, text kept."""


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":
            self.parts.append(LINE_BREAK)
        elif tag in _INLINE:
            self.parts.append(f"<{_INLINE[tag]}>")
            self.open.append(tag)
        elif tag in _TEXT_ONLY:
            self.open.append(tag)
        else:
            raise RenderError(f"HTML version: unsupported markup <{tag}> in the leaflet's text")

    def handle_endtag(self, tag: str) -> None:
        if tag == "br":
            return
        if not self.open or self.open[-1] != tag:
            raise RenderError(f"HTML version: unbalanced markup </{tag}> in the leaflet's text")
        self.open.pop()
        if tag in _INLINE:
            self.parts.append(f"</{_INLINE[tag]}>")

    def handle_data(self, data: str) -> None:
        self.parts.append(str(escape(data)))


def to_html(markup: str) -> Markup:
    """ReportLab paragraph markup as HTML that is safe to insert."""
    converter = _Converter()
    converter.feed(markup)
    converter.close()
    if converter.open:
        raise RenderError(f"HTML version: unclosed markup <{converter.open[-1]}> in the leaflet's text")
    return Markup("".join(converter.parts))


def to_text(markup: str) -> str:
    """ReportLab paragraph markup as plain text (for a page title)."""
    return to_html(markup).striptags()
