"""The verifier for the HTML version: the page must be in the generator's closed world, and everything promised
must be in the text it shows its reader.

The page is parsed (not searched as a string). Text in the head, in an element the generator does not write,
in an element with `hidden` or `aria-hidden`, or in one the stylesheet can hide, does not count as shown. The
one exception is read from the stylesheet too: a table's header row that narrow screens hide while every row
of the table shows each of its headings again as generated text (`content: attr(data-label)`).
"""

from __future__ import annotations

from generator.errors import VerifyError
from generator.html.css import Compound, Selector
from generator.html.world import world
from generator.verify.check import Expected
from generator.verify.html_tree import Element, Page, Text, read_page
from generator.verify.html_world import world_problems
from generator.verify.text import normalise


def html_text(page: str) -> str:
    """The text a reader of the page is given, in document order."""
    return _shown_text(read_page(page))


def check_html(page: str, expected: list[Expected]) -> list[str]:
    """What is wrong with the page: what the generator does not write, then what is missing from its shown text."""
    read = read_page(page)
    text = normalise(_shown_text(read))
    missing = [f"{item.what}: missing" for item in expected if normalise(item.text) not in text]
    return world_problems(read) + missing


def verify_html(page: str, expected: list[Expected], where: str) -> None:
    """Raise VerifyError listing every problem `check_html` finds."""
    found = check_html(page, expected)
    if found:
        raise VerifyError(f"{where}: {len(found)} problem(s): " + "; ".join(found))


def _shown_text(page: Page) -> str:
    known = world().markup.children
    hidden = _hidden_by_stylesheet(page.root)
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


def _hidden_by_stylesheet(root: Element) -> set[int]:
    """The elements (by id) a rule of the stylesheet can hide, under any condition, without showing their text
    again."""
    css = world().css
    return {
        id(element)
        for element in root.iter()
        for selector, condition in css.hiding
        if element.tag and matches(selector, element) and not _restated(element, condition)
    }


def _restated(element: Element, condition: str) -> bool:
    """Whether every text of `element` is shown again, under `condition`, as generated text in each other row of
    its table."""
    table = element.parent
    while table is not None and table.tag != "table":
        table = table.parent
    texts = {text.text.strip() for text in element.texts() if text.text.strip()}
    if table is None or not texts:
        return False
    inside = {id(node) for node in element.iter()}
    rows = [row for row in table.iter() if row.tag == "tr" and id(row) not in inside]
    generated = [rule for rule in world().css.generated if rule.condition == condition]

    def labels(row: Element) -> set[str]:
        return {
            (dict(cell.attributes).get(rule.attribute) or "").strip()
            for cell in row.iter()
            for rule in generated
            if matches(rule.selector, cell)
        }

    return bool(rows) and all(texts <= labels(row) for row in rows)


def matches(selector: Selector, element: Element) -> bool:
    """Whether the CSS selector selects the element."""
    return _matches_from(selector.steps, len(selector.steps) - 1, element)


def _matches_from(steps: tuple[Compound, ...], index: int, element: Element) -> bool:
    step = steps[index]
    names = {name for name, _ in element.attributes}
    if (
        step.tag not in (None, element.tag)
        or not step.classes <= set(element.classes())
        or not step.attributes <= names
    ):
        return False
    if index == 0:
        return True
    ancestor = element.parent
    while ancestor is not None and ancestor.tag:
        if _matches_from(steps, index - 1, ancestor):
            return True
        if step.child:
            return False
        ancestor = ancestor.parent
    return False
