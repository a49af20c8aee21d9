"""A review packet as one self-contained, accessible HTML page: no scripts, every text from the library escaped.

Rendered with the one sandboxed, autoescaping Jinja2 environment; a block's own <b>, <i> and <br/> become
<strong>, <em> and <br>, any other markup shows as text.
"""

from __future__ import annotations

import functools
from importlib import resources

import jinja2
from markupsafe import Markup

from generator.content.review_packet import ReviewPacket, inline_markup
from generator.content.templating import environment

_HTML_TAGS = {"b": "strong", "i": "em"}


@functools.cache
def _template() -> jinja2.Template:
    source = resources.files("generator.html").joinpath("review.html.j2").read_text(encoding="utf-8")
    return environment().from_string(source)


def _inline(text: str) -> Markup:
    return inline_markup(text, _HTML_TAGS, "<br>")


def render_review_html(packet: ReviewPacket) -> str:
    """The packet as an HTML page."""
    return _template().render(packet=packet, inline=_inline)
