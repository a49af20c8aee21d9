"""Reads a tagged PDF back for the tests: the structure tree (pikepdf), marked content in the page streams
(pikepdf's content-stream parser) and the text of each marked-content sequence (PDFium, via the verifier's reader).
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import pikepdf

from generator.verify.reader import read_pages
from generator.verify.text import normalise

TEXT_SHOWING = frozenset({"Tj", "TJ", "'", '"'})
PAINTING = TEXT_SHOWING | frozenset({"f", "F", "f*", "S", "s", "B", "B*", "b", "b*", "Do", "sh", "BI"})


@dataclass
class Node:
    """A structure element as written in the file."""

    role: str
    alt: str | None
    scope: str | None
    lang: str | None = None
    """Its /Lang, when it has one (text in another language than the document's)."""
    kids: list[Node | tuple[int, int]] = field(default_factory=list)
    """Elements and marked content as (page index, MCID), in order."""
    text: str = ""
    """The text of all marked content under it, in order (filled by `read_structure`)."""

    def walk(self):
        """This element and every element under it, in reading order."""
        yield self
        for kid in self.kids:
            if isinstance(kid, Node):
                yield from kid.walk()

    def content(self) -> list[tuple[int, int]]:
        """The marked content under this element, in reading order."""
        found = []
        for kid in self.kids:
            found += kid.content() if isinstance(kid, Node) else [kid]
        return found


@dataclass
class Tagged:
    """What a test needs of a tagged PDF."""

    pdf: pikepdf.Pdf
    document: Node
    marked: list[list[tuple[str, int | None]]]
    """Per page, every marked-content sequence as (tag, MCID or None) in stream order."""
    problems: list[str]
    """Content-stream problems: painting outside exactly one sequence, nesting, unbalanced operators."""
    parents: dict[tuple[int, int], pikepdf.Object]
    """(page index, MCID) -> the structure element the ParentTree names."""
    elements: dict[tuple[int, int], pikepdf.Object]
    """(page index, MCID) -> the structure element whose /K holds it."""


def _node(obj: pikepdf.Object, page: int | None, pages: dict, elements: dict) -> Node:
    role = str(obj.S)[1:]
    scope = str(obj.A.Scope)[1:] if "/A" in obj and "/Scope" in obj.A else None
    node = Node(role, str(obj.Alt) if "/Alt" in obj else None, scope, str(obj.Lang) if "/Lang" in obj else None)
    page = pages[obj.Pg.objgen] if "/Pg" in obj else page
    kids = obj.get("/K")
    for kid in kids if isinstance(kids, pikepdf.Array) else [kids]:
        if isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR":
            key = (pages[kid.Pg.objgen], int(kid.MCID))
        elif isinstance(kid, pikepdf.Dictionary):
            node.kids.append(_node(kid, page, pages, elements))
            continue
        else:
            key = (page, int(kid))
        node.kids.append(key)
        assert key not in elements, f"{key} is the content of two elements"
        elements[key] = obj
    return node


def _marked(page: pikepdf.Page) -> tuple[list[tuple[str, int | None]], list[str]]:
    sequences: list[tuple[str, int | None]] = []
    problems: list[str] = []
    stack: list[tuple[str, int | None]] = []
    spans = 0  # open ActualText spans inside a sequence (ISO 32000-1, 14.9.4): shaped text saying its letters
    for operands, operator in pikepdf.parse_content_stream(page):
        name = str(operator)
        if name in ("BMC", "BDC"):
            properties = operands[1] if name == "BDC" else None
            actual_text = isinstance(properties, pikepdf.Dictionary) and "/ActualText" in properties
            if stack and actual_text and str(operands[0]) == "/Span" and "/MCID" not in properties:
                spans += 1
                continue
            mcid = (
                int(properties.MCID) if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties else None
            )
            stack.append((str(operands[0])[1:], mcid))
            sequences.append(stack[-1])
            if len(stack) > 1:
                problems.append(f"nested marked content: {stack}")
        elif name == "EMC":
            if spans:
                spans -= 1
            elif not stack:
                problems.append("EMC without BMC/BDC")
            else:
                stack.pop()
        elif name in PAINTING and len(stack) != 1:
            problems.append(f"{name} drawn inside {len(stack)} marked-content sequences")
        elif name in TEXT_SHOWING and stack[0][0] != "Artifact" and stack[0][1] is None:
            problems.append(f"text in a {stack[0][0]} sequence without an MCID")
    if stack:
        problems.append(f"unclosed marked content at the end of the page: {stack}")
    return sequences, problems


def read_structure(data: bytes) -> Tagged:
    """The structure tree (with each element's text), the page streams' marked content and the ParentTree."""
    pdf = pikepdf.open(io.BytesIO(data))
    pages = {page.obj.objgen: index for index, page in enumerate(pdf.pages)}
    elements: dict[tuple[int, int], pikepdf.Object] = {}
    document = _node(pdf.Root.StructTreeRoot.K, None, pages, elements)
    marked, problems = [], []
    for index, page in enumerate(pdf.pages):
        sequences, found = _marked(page)
        marked.append(sequences)
        problems += [f"page {index + 1}: {problem}" for problem in found]
    nums = pdf.Root.StructTreeRoot.ParentTree.Nums
    by_key = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    parents = {}
    for index, page in enumerate(pdf.pages):
        if "/StructParents" in page.obj:
            for mcid, element in enumerate(by_key[int(page.obj.StructParents)]):
                parents[(index, mcid)] = element
    runs: dict[tuple[int, int], str] = {}
    for index, page in enumerate(read_pages(data, "test")):
        for run in page.runs:
            if run.mcid >= 0:
                runs[(index, run.mcid)] = runs.get((index, run.mcid), "") + run.text
    for node in document.walk():
        node.text = " ".join(runs.get(key, "") for key in node.content())
    return Tagged(pdf, document, marked, problems, parents, elements)


def same_text(one: str, other: str) -> bool:
    """Equal as a reader hears them: spacing and line breaks do not count."""
    return normalise(one) == normalise(other)


def marked_sequences(data: bytes) -> list[list[tuple[str, int | None]]]:
    """Per page, every marked-content sequence as (tag, MCID or None), in stream order (no structure tree needed)."""
    return [_marked(page)[0] for page in pikepdf.open(io.BytesIO(data)).pages]
