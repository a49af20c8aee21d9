"""What the generator's stylesheet does to a page's tree: the elements it can hide, and the text it shows from
attributes.

The rules come from leaflet.css itself (generator.html.css). One exception to "hidden is not shown" is read
from it too: a table's header row that narrow screens hide while every row of the table shows each of its
headings again as generated text (`content: attr(data-label)`). Such generated text must be its column's
heading, so nothing else can be shown that way.
"""

from __future__ import annotations

from generator.html.css import Compound, Selector
from generator.html.world import world
from generator.verify.html.tree import Element


def hidden_by_stylesheet(root: Element) -> set[int]:
    """The elements (by id) a rule of the stylesheet can hide, under any condition, without showing their text
    again."""
    css = world().css
    return {
        id(element)
        for element in root.iter()
        for selector, condition in css.hiding
        if element.tag and matches(selector, element) and not _restated(element, condition)
    }


def generated_problems(root: Element) -> list[str]:
    """Text the stylesheet shows from an attribute (`content: attr(data-label)`) must be the heading of the
    cell's column, as the generator writes it: any other text there would be shown but never checked."""
    problems = []
    for element in root.iter():
        given = dict(element.attributes)
        for rule in world().css.generated:
            if rule.attribute not in given or not matches(rule.selector, element):
                continue
            if " ".join((given[rule.attribute] or "").split()) != _column_heading(element):
                problems.append(f"line {element.line}: <{element.tag} {rule.attribute}>: not its column's heading")
    return problems


def _column_heading(cell: Element) -> str | None:
    """The text of the header cell above `cell` in its table's head; None when there is none."""
    row = cell.parent
    table = row.parent.parent if row is not None and row.parent is not None else None
    if row is None or table is None or table.tag != "table":
        return None
    heads = [part for part in table.children if isinstance(part, Element) and part.tag == "thead"]
    header_rows = [each for each in heads[0].children if isinstance(each, Element)] if heads else []
    cells = [each for each in row.children if isinstance(each, Element)]
    headings = [each for each in header_rows[0].children if isinstance(each, Element)] if header_rows else []
    index = next(i for i, each in enumerate(cells) if each is cell)
    if index >= len(headings):
        return None
    return " ".join("".join(text.text for text in headings[index].texts()).split())


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
