"""An HTML page read into a tree, with what in its syntax the generator never writes.

The page is read with the standard library's tokenizer and written out again the one way the generator
writes HTML (lower-case tags, every attribute value in double quotes, text escaped as Jinja2 escapes it, no
self-closing tags, comments or processing instructions); a page that differs from its own rewriting is
refused where it first differs. A page that passes is therefore tokenized the same way by any browser, so the
tree read here is the tree a browser builds (the closed world's content model rules out the remaining
tree-building surprises: misnested or foster-parented elements).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

from markupsafe import escape

from generator.html.world import VOID

_RAW = frozenset({"script", "style"})
"""Elements whose text the tokenizer passes as it is."""


@dataclass
class Text:
    """A run of text (character references decoded) and the line it starts on."""

    text: str
    line: int


@dataclass
class Element:
    """An element, its attributes (in order) and what it contains."""

    tag: str
    attributes: list[tuple[str, str | None]]
    line: int
    parent: Element | None = None
    children: list[Element | Text] = field(default_factory=list)

    def walk(self) -> Iterator[Element | Text]:
        """Everything inside this element, in document order (without recursion: a page may nest deeply)."""
        pending: list[Element | Text] = list(reversed(self.children))
        while pending:
            node = pending.pop()
            yield node
            if isinstance(node, Element):
                pending += reversed(node.children)

    def iter(self) -> Iterator[Element]:
        """This element and every element inside it, in document order."""
        yield self
        yield from (node for node in self.walk() if isinstance(node, Element))

    def texts(self) -> Iterator[Text]:
        """Every text inside this element, in document order."""
        yield from (node for node in self.walk() if isinstance(node, Text))

    def classes(self) -> list[str]:
        """The names in its class attribute."""
        return (dict(self.attributes).get("class") or "").split()


@dataclass
class Page:
    """A page's tree (under a nameless root), its doctype and what in its syntax the generator never writes."""

    root: Element
    doctype: str | None
    problems: list[str]


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("", [], 0)
        self.current = self.root
        self.doctype: str | None = None
        self.problems: list[str] = []
        self.rewritten: list[str] = []

    def _where(self) -> str:
        return f"line {self.getpos()[0]}"

    def handle_decl(self, decl: str) -> None:
        self.rewritten.append(f"<!{decl}>")
        if self.doctype is not None or self.current is not self.root or self.root.children:
            self.problems.append(f"{self._where()}: <!{decl.split()[0]}>: only one, at the very start")
        self.doctype = decl

    def handle_comment(self, data: str) -> None:
        self.rewritten.append(f"<!--{data}-->")
        self.problems.append(f"{self._where()}: a comment: the generator writes none")

    def handle_pi(self, data: str) -> None:
        self.rewritten.append(f"<?{data}>")
        self.problems.append(f"{self._where()}: a processing instruction: the generator writes none")

    def unknown_decl(self, data: str) -> None:
        self.rewritten.append(f"<![{data}]>")
        self.problems.append(f"{self._where()}: a <![...]> section: the generator writes none")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.rewritten.append(self.get_starttag_text() or "")
        self.problems.append(f"{self._where()}: <{tag}/>: the generator writes no self-closing tags")
        self.current.children.append(Element(tag, attrs, self.getpos()[0], self.current))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        written = "".join(f" {name}" if value is None else f' {name}="{escape(value)}"' for name, value in attrs)
        self.rewritten.append(f"<{tag}{written}>")
        element = Element(tag, attrs, self.getpos()[0], self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_endtag(self, tag: str) -> None:
        self.rewritten.append(f"</{tag}>")
        if tag == self.current.tag:
            self.current = self.current.parent or self.root
            return
        self.problems.append(f"{self._where()}: </{tag}>: does not close the element open there (<{self.current.tag}>)")
        opened = self.current
        while opened.parent is not None and opened.tag != tag:
            opened = opened.parent
        if opened.parent is not None:  # close up to it, as a browser would
            self.current = opened.parent

    def handle_data(self, data: str) -> None:
        self.rewritten.append(data if self.current.tag in _RAW else str(escape(data)))
        self.current.children.append(Text(data, self.getpos()[0]))


def read_page(page: str) -> Page:
    """The page's tree, and what in its syntax the generator never writes (each naming its line)."""
    builder = _Builder()
    builder.feed(page)
    builder.close()
    problems = builder.problems
    if builder.current is not builder.root:
        problems.append(f"line {builder.current.line}: <{builder.current.tag}>: never closed")
    rewritten = "".join(builder.rewritten)
    if not problems and rewritten != page:
        at = next((i for i, (a, b) in enumerate(zip(rewritten, page, strict=False)) if a != b), len(rewritten))
        line = page.count("\n", 0, at) + 1
        problems.append(
            f"line {line}, column {at - page.rfind(chr(10), 0, at)}: not written as the generator writes HTML"
        )
    return Page(builder.root, builder.doctype, problems)
