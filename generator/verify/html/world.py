"""The closed world of the HTML leaflet: a page may hold only the markup and the stylesheet the generator writes.

Every element, where it stands, every attribute, the shape of each value and every class name are checked
against what generator.html.world reads from the template, the inline markup and leaflet.css; the one
`<style>` must be the page's colours followed by leaflet.css exactly (by SHA-256), the colours #rrggbb with
4.5:1 contrast where the stylesheet puts text on them. So no inline style, script, event handler, external
stylesheet, `<base>`, frame, `javascript:` link, `hidden` or `aria-hidden` can be there. Each problem is one
line naming the line, element and attribute, never the page's text.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter

from generator.html.page import COLOURS, READABLE_PAIRS, css_name, qr_code, rgb
from generator.html.world import TEXT, World, world
from generator.verify.html.tree import Element, Page, Text
from generator.verify.visibility import MIN_CONTRAST, contrast

URLS = {
    ("img", "src"): re.compile(r"data:image/(?:png|jpeg|svg\+xml);base64,[A-Za-z0-9+/]+=*"),
    ("a", "href"): re.compile(r"https?://[^\s\"'<>\\`]+"),
}
"""The only addresses the generator writes: images inline (the logo, the QR code) and web links."""
_COLOURS = re.compile(r"\n:root \{((?: --[a-z-]+: [^;{}]*;)*) \}\n(.*)", re.DOTALL)
_HEX = re.compile(r"#[0-9a-fA-F]{6}")
_SVG = "data:image/svg+xml;"
_LONGEST_LINK = 1000
"""Longer than any leaflet address (clinic.leaflet_url: 300 characters, and a topic name), short enough for a QR
code."""


def world_problems(page: Page) -> list[str]:
    """What in the page the generator does not write (empty when the page is in its closed world)."""
    known = world()
    problems = list(page.problems)
    if page.doctype != "DOCTYPE html":
        problems.append("<!DOCTYPE html>: missing (the generator starts every page with it)")
    counts = Counter(element.tag for element in page.root.iter())
    problems += [
        f"<{tag}>: written {counts[tag]} times (the generator writes one)"
        for tag in sorted(known.markup.at_most_once)
        if counts[tag] > 1
    ]
    if counts["style"] == 0:
        problems.append("<style>: missing (the generator's stylesheet)")
    problems += _elements(page.root, known)
    return problems


def _elements(root: Element, known: World) -> list[str]:
    problems: list[str] = []
    pending: list[tuple[Element, Element | Text]] = [(root, child) for child in reversed(root.children)]
    while pending:  # in document order, without recursion (a page may nest deeply)
        parent, node = pending.pop()
        held = known.markup.children.get(parent.tag, frozenset())
        place = f"inside <{parent.tag}>" if parent.tag else "outside <html>"
        if isinstance(node, Text):
            if node.text.strip() and TEXT not in held:
                problems.append(f"line {node.line}: text {place}: not where the generator writes text")
            continue
        where = f"line {node.line}: <{node.tag}>"
        if node.tag not in known.markup.children:
            problems.append(f"{where}: an element the generator does not write")
            continue  # what is inside it is neither checked nor shown
        if node.tag not in held:
            problems.append(f"{where} {place}: not where the generator writes it")
        problems += _attributes(node, known)
        if node.tag == "style":
            problems += _style(node, known)
        pending += [(node, child) for child in reversed(node.children)]
    return problems


def _attributes(element: Element, known: World) -> list[str]:
    problems: list[str] = []
    names = [name for name, _ in element.attributes]
    for name in sorted({name for name in names if names.count(name) > 1}):
        problems.append(f"line {element.line}: <{element.tag} {name}>: written twice")
    for name, value in element.attributes:
        where = f"line {element.line}: <{element.tag} {name}>"
        shapes = known.markup.attributes.get((element.tag, name))
        if shapes is None:
            problems.append(f"{where}: an attribute the generator does not write on <{element.tag}>")
        elif value is None or not any(shape.fullmatch(value) for shape in shapes):
            problems.append(f"{where}: a value the generator does not write")
        elif (element.tag, name) in URLS and not URLS[element.tag, name].fullmatch(value):
            allowed = "an inline PNG, JPEG or SVG image" if name == "src" else "an http(s) web address"
            problems.append(f"{where}: only {allowed}")
        elif name == "class" and any(part not in known.css.classes for part in value.split()):
            problems.append(f"{where}: a class leaflet.css does not define")
        elif (element.tag, name) == ("img", "src") and value.startswith(_SVG) and value != _linked_qr_code(element):
            problems.append(f"{where}: an SVG image that is not the QR code of the link beside it")
    return problems


def _linked_qr_code(image: Element) -> str | None:
    """The QR code the generator draws for the link in the image's paragraph; None when there is no link."""
    siblings = image.parent.children if image.parent else []
    links = [dict(each.attributes).get("href") for each in siblings if isinstance(each, Element) and each.tag == "a"]
    fits = len(links) == 1 and links[0] and len(links[0]) <= _LONGEST_LINK
    return qr_code(links[0]) if fits else None


def _style(element: Element, known: World) -> list[str]:
    """The page's colours, then leaflet.css exactly: anything else is not the generator's stylesheet."""
    where = f"line {element.line}: <style>"
    text = "".join(child.text for child in element.texts())
    found = _COLOURS.fullmatch(text)
    if found is None:
        return [f"{where}: not the page's colours followed by leaflet.css"]
    problems = []
    if hashlib.sha256(found[2].encode()).hexdigest() != known.stylesheet_sha256:
        problems.append(f"{where}: not leaflet.css (its SHA-256 differs)")
    declared = dict(part.strip()[2:].split(": ", 1) for part in found[1].split(";") if part.strip())
    expected = [css_name(colour) for colour in COLOURS]
    if sorted(declared) != sorted(expected):
        problems.append(f"{where}: colours: declares {', '.join(sorted(declared))}, not {', '.join(sorted(expected))}")
        return problems
    for name, value in declared.items():
        if not _HEX.fullmatch(value):
            problems.append(f"{where}: colour --{name}: not #rrggbb")
    if problems:
        return problems
    for ink, paper in READABLE_PAIRS:
        ratio = contrast(rgb(declared[css_name(ink)]), rgb(declared[css_name(paper)]))
        if ratio < MIN_CONTRAST:
            problems.append(
                f"{where}: --{css_name(ink)} on --{css_name(paper)}: contrast {ratio:.1f}:1 is below {MIN_CONTRAST}:1"
            )
    return problems
