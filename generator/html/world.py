"""Everything the generator writes into an HTML leaflet, derived from its own sources so it cannot go stale.

The elements, where each may stand, their attributes and the shapes of the attributes' values are read from
leaflet.html.j2 (its literal markup, with each `{{ ... }}` standing for text or, in an attribute, any value);
the inline markup a text may carry from `markup.to_html` and the pointer's link; the stylesheet (and its
SHA-256) from leaflet.css. The HTML verifier accepts nothing else.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser
from importlib import resources

from jinja2 import nodes

from generator.content.templating import environment
from generator.errors import RenderError
from generator.html.css import Stylesheet, read_stylesheet
from generator.html.markup import INLINE_CONTAINERS, LINE_BREAK

TEXT = "#text"
"""Stands for text among an element's allowed children."""
POINTER_LINK = '<a href="{0}">{0}</a>'
"""How the pointer line links the full leaflet's web address (page.py writes it)."""
_FILES = resources.files("generator.html")
_ANY = "\ue000"
"""Stands for a `{{ ... }}` inside a tag while the template is read (a private-use character)."""
_PHRASING = "x-phrasing"
"""Stands for a `{{ ... }}` between tags: text that may carry the inline markup."""
_RAW_TEXT = frozenset({"title", "style"})
"""Elements whose content is text only, whatever it looks like."""


@dataclass(frozen=True)
class Markup:
    """The markup of the generator's HTML leaflets."""

    children: dict[str, frozenset[str]]
    """Each element the generator writes, with what it may contain (elements, and TEXT)."""
    attributes: dict[tuple[str, str], tuple[re.Pattern[str], ...]]
    """Each (element, attribute) the generator writes, with the shapes of its values."""
    at_most_once: frozenset[str]
    """Elements written at most once in a leaflet."""
    classes: frozenset[str]
    """The class names written as they are (not from a `{{ ... }}`)."""


@dataclass(frozen=True)
class World:
    """The template's markup and the stylesheet, which together are all an HTML leaflet may be."""

    markup: Markup
    stylesheet: str
    stylesheet_sha256: str
    css: Stylesheet


def stylesheet_text() -> str:
    """The shipped stylesheet, as every HTML leaflet carries it."""
    return _FILES.joinpath("leaflet.css").read_text(encoding="utf-8")


@functools.cache
def world() -> World:
    """What an HTML leaflet may be, read once from the shipped template and stylesheet."""
    css = stylesheet_text()
    stylesheet = read_stylesheet(css)
    markup = _read_markup(_template_stream(), POINTER_LINK.format(_ANY))
    undefined = sorted(markup.classes - stylesheet.classes)
    if undefined:
        raise RenderError(f"leaflet.html.j2: class '{undefined[0]}' is not defined in leaflet.css")
    return World(markup, css, hashlib.sha256(css.encode()).hexdigest(), stylesheet)


def _template_stream() -> str:
    """The template's literal markup in document order, every branch and macro call included, `{{ ... }}` marked."""
    template = environment().parse(_FILES.joinpath("leaflet.html.j2").read_text(encoding="utf-8"))
    macros = {macro.name: macro for macro in template.find_all(nodes.Macro)}
    parts: list[str] = []

    def walk(node: nodes.Node) -> None:
        if isinstance(node, nodes.Macro):
            return
        if isinstance(node, nodes.For):
            parts.append(_LOOP)
            for child in node.iter_child_nodes():
                walk(child)
            parts.append(_END_LOOP)
            return
        if not isinstance(node, nodes.Output):
            for child in node.iter_child_nodes():
                walk(child)
            return
        for child in node.nodes:
            if isinstance(child, nodes.TemplateData):
                parts.append(child.data)
            elif isinstance(child, nodes.Call) and isinstance(child.node, nodes.Name) and child.node.name in macros:
                for part in macros[child.node.name].body:
                    walk(part)
            else:
                so_far = "".join(parts)
                inside_tag = so_far.rfind("<") > so_far.rfind(">")
                parts.append(_ANY if inside_tag else f"<{_PHRASING}></{_PHRASING}>")

    walk(template)
    return "".join(parts)


VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"))
"""Elements without an end tag."""
_LOOP, _END_LOOP = "<?loop>", "<?end-loop>"
"""Mark a `{% for %}` body in the template's stream: what is inside may be written many times."""


class _Reader(HTMLParser):
    """Collects elements, their parents, attributes, value shapes and whether each may repeat from the stream."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.open: list[str] = []
        self.loops = 0
        self.children: dict[str, set[str]] = {}
        self.values: dict[tuple[str, str], set[str]] = {}
        self.counts: Counter[str] = Counter()

    def handle_pi(self, data: str) -> None:
        self.loops += 1 if f"<?{data}>" == _LOOP else -1

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        parent = self.open[-1] if self.open else ""
        self.children.setdefault(parent, set()).add(tag)
        self.children.setdefault(tag, set())
        self.counts[tag] += 2 if self.loops else 1
        for name, value in attrs:
            self.values.setdefault((tag, name), set()).add(value or "")
        if tag not in VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1] != tag:
            raise RenderError(f"leaflet.html.j2: </{tag}> does not close the element open there")
        self.open.pop()

    def handle_data(self, data: str) -> None:
        if data.strip() and self.open:
            self.children[self.open[-1]].add(TEXT)


def _read_markup(stream: str, link: str) -> Markup:
    """The markup of `stream` (the template's), where any text may also hold `link` and `to_html`'s markup."""
    reader = _Reader()
    reader.feed(stream)
    counts, top = Counter(reader.counts), frozenset(reader.children[""])  # the template's own, before the extras
    reader.feed(f"<{_PHRASING}>{link}{LINE_BREAK}</{_PHRASING}>")
    for tag in INLINE_CONTAINERS:
        reader.feed(f"<{_PHRASING}><{tag}><{_PHRASING}></{_PHRASING}></{tag}></{_PHRASING}>")
    reader.close()
    inline = reader.children.pop(_PHRASING) - {TEXT}
    children: dict[str, frozenset[str]] = {}
    for tag, held in reader.children.items():
        phrasing = (inline | {TEXT} if tag not in _RAW_TEXT else {TEXT}) if _PHRASING in held else set()
        children[tag] = frozenset((held - {_PHRASING}) | phrasing)
    attributes = {
        key: tuple(re.compile("(.*)".join(map(re.escape, value.split(_ANY))), re.DOTALL) for value in sorted(values))
        for key, values in reader.values.items()
    }
    literal_classes = {
        name
        for (_, attribute), values in reader.values.items()
        if attribute == "class"
        for value in values
        for name in value.split()
        if _ANY not in name
    }
    children[""] = top
    once = frozenset(tag for tag, count in counts.items() if count == 1)
    return Markup(children, attributes, once, frozenset(literal_classes))
