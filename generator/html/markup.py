"""ReportLab paragraph markup (what the Leaflet holds) as safe HTML.

The Leaflet's texts are ReportLab markup in which patient and clinic text is already
escaped. They are parsed here, never passed through: text is decoded and escaped again for
HTML, <b> becomes <strong>, <i> <em>, <br/> <br>, <font> keeps only its text, and any other
tag is refused, so nothing a patient typed can become HTML.

In right-to-left text (`isolate=True`, an Arabic page) each number run as Latin text writes it ("750 mg",
"(1,500 mg)", 1-800-222-1222, a date) and each run of Latin words (a drug name, "methocarbamol (Robaxin)") is
wrapped in <bdi>, isolated from the Arabic around it: without it a browser's bidirectional algorithm shows
"750 mg (1,500 mg)" as "mg (1,500 mg) 750". The runs are those the PDF keeps left to right
(generator.render.rtl_lines), so the page and the PDF read the same.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from markupsafe import Markup, escape

from generator.errors import RenderError
from generator.render.direction import NUMBER_RUN

_INLINE = {"b": "strong", "strong": "strong", "i": "em", "em": "em"}
"""ReportLab tags kept, as their HTML element."""
ISOLATE = "bdi"
"""The element around a left-to-right run in right-to-left text."""
INLINE_CONTAINERS = frozenset({*_INLINE.values(), ISOLATE})
"""The HTML elements around text that `to_html` writes."""
_WORD = r"(?:\d+[-/.:,])*[A-Za-z][A-Za-z0-9'\-]*(?:\.[A-Za-z0-9'\-]+)*"
_SPACE = r"\.?[ \u00a0]+"
_GROUP = rf"\({_WORD}(?:{_SPACE}{_WORD})*\)"
_LATIN = rf"(?:{_WORD}|{_GROUP})(?:{_SPACE}(?:{_WORD}|{_GROUP}))*"
_LEFT_TO_RIGHT = re.compile(rf"{_LATIN}|{NUMBER_RUN.pattern}")
"""A run kept left to right in right-to-left text: Latin words with the bracketed Latin words among them
("methocarbamol (Robaxin)", "5-HIAA", "1-800-FDA-1088", "Dr. Sam Lee"), or a number run."""
LINE_BREAK = "<br>"
"""How `to_html` writes a line break."""
_TEXT_ONLY = frozenset({"font", "span"})
"""ReportLab tags that only style their text: dropped, text kept."""


class _Converter(HTMLParser):
    def __init__(self, isolate: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.open: list[str] = []
        self.isolate = isolate

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
        if not self.isolate:
            self.parts.append(str(escape(data)))
            return
        end = 0
        for run in _LEFT_TO_RIGHT.finditer(data):
            self.parts += [str(escape(data[end : run.start()])), f"<{ISOLATE}>{escape(run.group(0))}</{ISOLATE}>"]
            end = run.end()
        self.parts.append(str(escape(data[end:])))


def to_html(markup: str, isolate: bool = False) -> Markup:
    """ReportLab paragraph markup as HTML that is safe to insert; with `isolate`, as right-to-left text (above)."""
    converter = _Converter(isolate)
    converter.feed(markup)
    converter.close()
    if converter.open:
        raise RenderError(f"HTML version: unclosed markup <{converter.open[-1]}> in the leaflet's text")
    return Markup("".join(converter.parts))


def to_text(markup: str) -> str:
    """ReportLab paragraph markup as plain text (for a page title)."""
    return to_html(markup).striptags()
