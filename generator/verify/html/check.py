"""The verifier for the HTML version: the page must be in the generator's closed world, and everything promised
must be in the text it shows its reader.

The page is parsed (not searched as a string). Text in the head, in an element the generator does not write,
in an element with `hidden` or `aria-hidden`, or in one the stylesheet can hide (`styles`), does not count
as shown.
"""

from __future__ import annotations

from generator.errors import VerifyError
from generator.html.world import world
from generator.verify.check import Expected
from generator.verify.html.styles import generated_problems, hidden_by_stylesheet
from generator.verify.html.tree import Element, Page, Text, read_page
from generator.verify.html.world import world_problems
from generator.verify.pictures import wanted_cells
from generator.verify.text import normalise


def html_text(page: str) -> str:
    """The text a reader of the page is given, in document order."""
    return _shown_text(read_page(page))


def check_html(page: str, expected: list[Expected]) -> list[str]:
    """What is wrong with the page: what the generator does not write, then what is missing from its shown text."""
    read = read_page(page)
    text = normalise(_shown_text(read))
    missing = [f"{item.what}: missing" for item in expected if normalise(item.text) not in text]
    drawn = _tablet_problems(read, expected) + _icon_array_problems(read, expected)
    return world_problems(read) + generated_problems(read.root) + missing + drawn


def _classes(element: Element) -> list[str]:
    return (dict(element.attributes).get("class") or "").split()


def _tablet_problems(page: Page, expected: list[Expected]) -> list[str]:
    """Whether each cell of the dose-time strip (`<li>` of `<ul class="strip-cells">`, in document order) draws the
    tablets the prescription says (`<span class="tablet">`), no more and no fewer."""
    wanted = wanted_cells(expected)
    if not wanted:
        return []
    cells = [
        (li, sum("tablet" in _classes(span) for span in li.iter()))
        for ul in page.root.iter()
        if ul.tag == "ul" and "strip-cells" in _classes(ul)
        for li in ul.children
        if isinstance(li, Element) and li.tag == "li"
    ]
    found = [
        f"line {li.line}: {item.what}, cell {number} of {len(item.tablets)} ({cell}): {drawn} tablet(s) drawn in it, "
        f"the prescription says {count}"
        for (item, number, cell, count), (li, drawn) in zip(wanted, cells, strict=False)
        if drawn != count
    ]
    if len(cells) != len(wanted):
        found.append(f"the dose-time strip: {len(cells)} cell(s) drawn, the prescription says {len(wanted)}")
    return found


def _icon_array_problems(page: Page, expected: list[Expected]) -> list[str]:
    """Whether each icon array (`<div class="icon-array">`, in document order) draws the block's people: as many
    `<span class="person filled">` as its count and `<span class="person">` as the rest, no more and no fewer."""
    wanted = [item for item in expected if item.icons]
    if not wanted:
        return []
    arrays = []
    for div in page.root.iter():
        if div.tag == "div" and "icon-array" in _classes(div):
            people = [_classes(span) for span in div.iter() if "person" in _classes(span)]
            arrays.append((div, sum("filled" in classes for classes in people), len(people)))
    found = [
        f"line {div.line}: {item.what}: {filled} of {drawn} people drawn filled, the content says {item.icons[0]} of "
        f"{item.icons[1]}"
        for item, (div, filled, drawn) in zip(wanted, arrays, strict=False)
        if (filled, drawn) != item.icons
    ]
    if len(arrays) != len(wanted):
        found.append(f"icon arrays: {len(arrays)} drawn, the content has {len(wanted)}")
    return found


def verify_html(page: str, expected: list[Expected], where: str) -> None:
    """Raise VerifyError listing every problem `check_html` finds."""
    found = check_html(page, expected)
    if found:
        raise VerifyError(f"{where}: {len(found)} problem(s): " + "; ".join(found))


def _shown_text(page: Page) -> str:
    known = world().markup.children
    hidden = hidden_by_stylesheet(page.root)
    parts: list[str] = []
    pending: list[Element | Text] = list(reversed(page.root.children))
    while pending:
        node = pending.pop()
        if isinstance(node, Text):
            parts.append(node.text)
            continue
        given = dict(node.attributes)
        unseen = "hidden" in given or given.get("aria-hidden") == "true" or id(node) in hidden
        if node.tag != "head" and node.tag in known and not unseen:
            pending += reversed(node.children)
    return "".join(parts)
