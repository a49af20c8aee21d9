"""The HTML leaflet's closed world: real leaflets pass; every way of hiding or adding to one is refused by name.

Each tamper starts from a real leaflet, changes it the way a template mistake or a hostile edit could, and must
be refused with a one-line message naming the line, element and attribute, never the patient's text.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import pytest
from helpers import CHROMIUM, CHROMIUM_FLAGS, TOPIC_LANGUAGES
from hypothesis import given, settings
from hypothesis import strategies as st
from markupsafe import escape

from generator.errors import RenderError
from generator.html.css import read_stylesheet
from generator.html.world import world
from generator.verify.html import check_html, html_text

CASES = [(topic, language, "standard") for topic, language in TOPIC_LANGUAGES]
CASES += [("carisoprodol", "es", "trifold"), ("carisoprodol", "en", "one-page"), ("carisoprodol", "en", "large-print")]
PATIENT = "Maria Lopez"
SEVERAL = {
    "patient": {"name": PATIENT, "age": 47, "language": "en"},
    "prescriber": {"name": "Dr. Sam Lee", "phone": "555-0100"},
    "prescriptions": [
        {"medicine": "methocarbamol", "dose_mg": 750, "strength_mg": 750, "times_per_day": 3},
        {"medicine": "cyclobenzaprine", "dose_mg": 5, "strength_mg": 5, "times_per_day": 1, "times": ["bedtime"]},
    ],
}


@pytest.fixture(scope="module")
def leaflet(generator, clinic_with_logo) -> tuple[str, list, dict[str, str]]:
    """The one-page carisoprodol leaflet (logo, QR code and link), what it must show, and places to tamper with."""
    from conftest import MADE_ON

    from generator.inputs.personalisation import read_personalisation
    from generator.paths import SAMPLES
    from generator.pipeline import HandoutRequest

    data = read_personalisation(SAMPLES / "patient.yaml")
    request = HandoutRequest("carisoprodol", data, clinic_with_logo, MADE_ON, layout="one-page")
    page = generator.build_html(request, "test").html
    sentences = generator.required_sentences("carisoprodol", "en")
    listed = next(s for s in sentences if f"<li>{escape(s)}</li>" in page)
    callout = next(s for s in sentences if f'<p class="callout warning">{escape(s)}</p>' in page)
    places = {
        "li": f"<li>{escape(listed)}",
        "callout": f'<p class="callout warning">{escape(callout)}',
        "name": f"<td>{PATIENT}</td>",
        "dose": '<td data-label="How much">',
    }
    assert all(place in page for place in places.values())
    return page, list(generator.prepare(request, "test").expected_html), places


def _problems(page: str, expected: list) -> list[str]:
    found = check_html(page, expected)
    for problem in found:  # one line each, and no patient text in any
        assert "\n" not in problem and PATIENT not in problem
    return found


@pytest.mark.parametrize(("topic", "language", "layout"), CASES)
def test_real_leaflets_pass(page_for, generator, topic_request, clinic_with_logo, topic, language, layout) -> None:
    page, _ = page_for(topic, language, layout)
    expected = generator.prepare(topic_request(topic, language, layout, clinic_with_logo), "test").expected_html
    assert check_html(page, list(expected)) == []


def test_a_leaflet_of_several_medicines_passes(generator, write_yaml) -> None:
    from conftest import MADE_ON

    from generator.inputs.personalisation import choose_clinic, read_personalisation
    from generator.paths import SAMPLES
    from generator.pipeline import HandoutRequest

    data = read_personalisation(write_yaml("several.yaml", SEVERAL | {"prescriptions": _started(SEVERAL)}))
    request = HandoutRequest(None, data, choose_clinic(data, None, None, SAMPLES / "clinic.yaml"), MADE_ON)
    page = generator.build_html(request, "test").html
    expected = list(generator.prepare(request, "test").expected_html)
    assert {"Methocarbamol (Robaxin)", "Cyclobenzaprine (Flexeril)"} <= {item.text for item in expected}
    assert check_html(page, expected) == []
    assert check_html(page.replace("At bedtime", "At noon"), expected) != []


def _started(data: dict) -> list[dict]:
    return [rx | {"start": "2026-11-24", "days_supply": 7} for rx in data["prescriptions"]]


Tamper = Callable[[str, dict[str, str]], str]


def _at(place: str, old: str, new: str) -> Tamper:
    """Replace `old` with `new` once, inside the first occurrence of the named place."""

    def tamper(page: str, places: dict[str, str]) -> str:
        target = places[place]
        return page.replace(target, target.replace(old, new, 1), 1)

    return tamper


def _wrap(place: str, before: str, after: str) -> Tamper:
    """Put the named place's text (a warning) between `before` and `after`, inside its element."""

    def tamper(page: str, places: dict[str, str]) -> str:
        start, _, text = places[place].partition(">")
        return page.replace(places[place], f"{start}>{before}{text}{after}", 1)

    return tamper


def _replace(old: str, new: str) -> Tamper:
    return lambda page, places: page.replace(old, new, 1)


def _svg_saying(text: str = "Take 4 tablets") -> str:
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 40 40"><text y="20">{text}</text></svg>'
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()


ATTRIBUTE = r"line \d+: <{0} {1}>: an attribute the generator does not write on <{0}>"
ELEMENT = r"line \d+: <{0}>: an element the generator does not write"
TAMPERS: list[tuple[str, Tamper, str]] = [
    ("display-none on a warning", _at("li", "<li", '<li style="display:none"'), ATTRIBUTE.format("li", "style")),
    ("visibility on a callout", _at("callout", "<p ", '<p style="visibility:hidden" '), ATTRIBUTE.format("p", "style")),
    ("font-size 0 on the dose", _at("dose", "<td ", '<td style="font-size:0" '), ATTRIBUTE.format("td", "style")),
    (
        "white on white name",
        _at("name", "<td>", '<td style="color:#fff;background:#fff">'),
        ATTRIBUTE.format("td", "style"),
    ),
    (
        "a style block in the head",
        _replace("</style>", "</style>\n<style>li{display:none}</style>"),
        r"<style>: written 2 times \(the generator writes one\)",
    ),
    (
        "a style block in the body",
        _replace("<main>", "<main>\n<style>li{display:none}</style>"),
        r"line \d+: <style> inside <main>: not where the generator writes it",
    ),
    (
        "the stylesheet hides callouts",
        _replace(".callout {", ".callout { display: none;"),
        r"line \d+: <style>: not leaflet.css \(its SHA-256 differs\)",
    ),
    (
        "the stylesheet shrinks list items",
        _replace("li { margin-bottom: 0.35rem; }", "li { font-size: 0; }"),
        r"line \d+: <style>: not leaflet.css \(its SHA-256 differs\)",
    ),
    (
        "white text colour",
        _replace("--text: #111111", "--text: #ffffff"),
        r"line \d+: <style>: --text on --background: contrast 1\.0:1 is below 4\.5:1",
    ),
    (
        "warning colour on its fill",
        _replace("--warning: #8f1d1d", "--warning: #fbfbfb"),
        r"line \d+: <style>: --warning on --background: contrast 1\.0:1 is below 4\.5:1",
    ),
    ("a named colour", _replace("--text: #111111", "--text: white"), r"line \d+: <style>: colour --text: not #rrggbb"),
    ("a colour left out", _replace(" --rule: #9aa7b0;", ""), r"line \d+: <style>: colours: declares .*, not .*"),
    (
        "a rule before the colours",
        _replace("<style>\n", "<style>\nli{display:none}\n"),
        r"line \d+: <style>: not the page's colours followed by leaflet.css",
    ),
    (
        "a link stylesheet in the head",
        _replace("</title>", '</title>\n<link rel="stylesheet" href="https://example.org/x.css">'),
        ELEMENT.format("link"),
    ),
    (
        "a link stylesheet in the body",
        _replace("<main>", '<main>\n<link rel="stylesheet" href="data:text/css,li{display:none}">'),
        ELEMENT.format("link"),
    ),
    (
        "a script removing a warning",
        _replace("</main>", "</main>\n<script>document.querySelector('li').remove()</script>"),
        ELEMENT.format("script"),
    ),
    (
        "an external script",
        _replace("</title>", '</title>\n<script src="https://example.org/x.js"></script>'),
        ELEMENT.format("script"),
    ),
    ("onload on the body", _replace("<body>", '<body onload="hide()">'), ATTRIBUTE.format("body", "onload")),
    ("onerror on the logo", _replace("<img ", '<img onerror="hide()" '), ATTRIBUTE.format("img", "onerror")),
    ("the hidden attribute", _at("li", "<li", "<li hidden"), ATTRIBUTE.format("li", "hidden")),
    ("aria-hidden", _at("callout", "<p ", '<p aria-hidden="true" '), ATTRIBUTE.format("p", "aria-hidden")),
    ("a class where none is written", _at("li", "<li", '<li class="callout"'), ATTRIBUTE.format("li", "class")),
    (
        "an unknown class",
        _at("callout", "callout warning", "callout warning gone"),
        r"line \d+: <p class>: a class leaflet.css does not define",
    ),
    (
        "an unknown class on a section",
        _replace('<section class="block warning"', '<section class="block sr-only"'),
        r"line \d+: <section class>: a class leaflet.css does not define",
    ),
    ("a warning in a comment", _wrap("li", "<!--", "-->"), r"line \d+: a comment: the generator writes none"),
    ("a callout in a comment", _wrap("callout", "<!-- ", " -->"), r"line \d+: a comment: the generator writes none"),
    ("a warning in a template", _wrap("li", "<template>", "</template>"), ELEMENT.format("template")),
    ("a warning in noscript", _wrap("callout", "<noscript>", "</noscript>"), ELEMENT.format("noscript")),
    ("a base address", _replace("<title>", '<base href="https://example.org/">\n<title>'), ELEMENT.format("base")),
    ("an iframe", _replace("<main>", '<main>\n<iframe src="https://example.org/"></iframe>'), ELEMENT.format("iframe")),
    ("an object", _replace("<main>", '<main>\n<object data="x.svg"></object>'), ELEMENT.format("object")),
    ("an embed", _replace("<main>", '<main>\n<embed src="x.svg">'), ELEMENT.format("embed")),
    (
        "a javascript link",
        _replace('<a href="https://', '<a href="javascript:alert(1)//https://'),
        r"line \d+: <a href>: only an http\(s\) web address",
    ),
    (
        "a remote image",
        _replace('<img src="data:image/png;base64,', '<img src="https://example.org/pixel.png#'),
        r"line \d+: <img src>: only an inline PNG, JPEG or SVG image",
    ),
    (
        "a QR code of another address",
        _replace('<a href="https://example.org/', '<a href="https://example.net/'),
        r"line \d+: <img src>: an SVG image that is not the QR code of the link beside it",
    ),
    (
        "another SVG image",
        lambda page, places: re.sub(r'src="data:image/svg\+xml;base64,[^"]*"', f'src="{_svg_saying()}"', page),
        r"line \d+: <img src>: an SVG image that is not the QR code of the link beside it",
    ),
    (
        "another scope",
        _replace('scope="row"', 'scope="colgroup"'),
        r"line \d+: <th scope>: a value the generator does not write",
    ),
    (
        "a paragraph inside a list item",
        _at("li", "<li>", "<li><p>"),
        r"line \d+: <p> inside <li>: not where the generator writes it",
    ),
    (
        "text inside a table",
        _replace("<tbody>", "<tbody>Take 4 tablets"),
        r"line \d+: text inside <tbody>: not where the generator writes text",
    ),
    (
        "a column label that says more",
        _replace('data-label="How much"', 'data-label="Take 2 tablets. How much"'),
        r"line \d+: <td data-label>: not its column's heading",
    ),
    (
        "text after the page",
        _replace("</html>", "</html>\nTake 4 tablets."),
        r"line \d+: text outside <html>: not where the generator writes text",
    ),
    (
        "a second main",
        _replace("</main>", "</main>\n<main></main>"),
        r"<main>: written 2 times \(the generator writes one\)",
    ),
    (
        "an unquoted attribute",
        _replace('<p class="version">', "<p class=version>"),
        r"line \d+, column \d+: not written as the generator writes HTML",
    ),
    ("an upper-case tag", _at("li", "<li>", "<LI>"), r"line \d+, column \d+: not written as the generator writes HTML"),
    (
        "a self-closing tag",
        _at("li", "<li>", "<li><br/>"),
        r"line \d+: <br/>: the generator writes no self-closing tags",
    ),
    (
        "an element left open",
        _replace("</footer>", ""),
        r"line \d+: </body>: does not close the element open there \(<footer>\)",
    ),
]


@pytest.mark.parametrize(("tamper", "message"), [case[1:] for case in TAMPERS], ids=[case[0] for case in TAMPERS])
def test_each_tamper_is_refused_by_name(leaflet, tamper: Tamper, message: str) -> None:
    page, expected, places = leaflet
    changed = tamper(page, places)
    assert changed != page
    found = _problems(changed, expected)
    assert any(re.fullmatch(message, problem) for problem in found), found


OUT_OF_VIEW = [
    _wrap("li", "<!--", "-->"),
    _wrap("li", "<template>", "</template>"),
    _at("li", "<li", "<li hidden"),
    _wrap("callout", "<noscript>", "</noscript>"),
    _at("callout", "<p ", '<p aria-hidden="true" '),
]


@pytest.mark.parametrize("tamper", OUT_OF_VIEW)
def test_a_warning_out_of_view_is_missing_as_well(leaflet, tamper: Tamper) -> None:
    page, expected, places = leaflet
    warning = next(item for item in expected if places["li"].endswith(str(escape(item.text))))
    callout = next(item for item in expected if places["callout"].endswith(str(escape(item.text))))
    found = _problems(tamper(page, places), expected)
    assert f"{warning.what}: missing" in found or f"{callout.what}: missing" in found


def test_a_changed_column_label_hides_the_schedule_heading(leaflet) -> None:
    """Narrow screens hide the header row; it counts as shown only while every row labels its cells with it."""
    page, expected, _ = leaflet
    for changed in (
        page.replace('data-label="From"', "", 1),
        page.replace('data-label="From"', 'data-label="Until"', 1),
    ):
        assert "the dose schedule's heading: missing" in _problems(changed, expected)


def test_the_stylesheet_is_the_shipped_one_by_hash() -> None:
    shipped = resources.files("generator.html").joinpath("leaflet.css").read_bytes()
    assert world().stylesheet_sha256 == hashlib.sha256(shipped).hexdigest()


def test_what_the_stylesheet_hides_is_read_from_it() -> None:
    css = world().stylesheet
    assert [(s.text, condition) for s, condition in read_stylesheet(css).hiding] == [
        ("thead tr", "@container (max-width: 34em)")
    ]
    rules = ("p.callout { display: none }", "@media screen { .callout { font-size: 0 } }", "li { opacity: 0.5 }")
    cover = "li::after { content: ''; position: absolute; inset: 0; background: #fff }"
    for rule in (*rules, ".version { font-size: 8px }", "li { font-size: calc(1px) }", cover):
        hiding = read_stylesheet(css + rule).hiding
        assert len(hiding) == 2 and hiding[-1][0].text in ("p.callout", ".callout", "li", ".version", "li::after")
    assert len(read_stylesheet(css + ".version { font-size: 0.8rem }").hiding) == 1
    assert "x-ray" in read_stylesheet(css + ".x-ray { margin: 0 }").classes
    with pytest.raises(RenderError, match=r"leaflet.css: selector 'li:first-child': the HTML verifier cannot match it"):
        read_stylesheet(css + "li:first-child { display: none }")


def test_the_world_is_read_from_the_template() -> None:
    markup = world().markup
    assert "style" not in {name for _, name in markup.attributes} and "script" not in markup.children
    assert markup.children["tbody"] == {"tr"} and markup.children["ul"] == {"li"}
    assert {"strong", "em", "br", "a", "#text"} <= markup.children["li"]
    assert markup.children[""] == {"html"}
    assert {"html", "head", "body", "main", "style", "title"} <= markup.at_most_once
    assert "li" not in markup.at_most_once and markup.classes <= world().css.classes


def _built(run_cli, tmp_path, *options: str) -> Path:
    page = tmp_path / "leaflet.html"
    code, _, err = run_cli("build", *options, "--format", "html", "--made-on", "2026-11-25", "-o", str(page))
    assert code == 0, err
    return page


def test_cli_verifies_an_html_leaflet(run_cli, tmp_path, generator) -> None:
    page = _built(run_cli, tmp_path, "carisoprodol", "--lang", "es", "--layout", "trifold")
    code, out, err = run_cli("verify", str(page))
    count = len(generator.required_sentences("carisoprodol", "es"))
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == (
        f"OK: {page}: {count} required warnings of 'carisoprodol' (es) visible (HTML, the generator's markup)"
    )
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("<li>", '<li style="font-size:0">', 1), encoding="utf-8")
    code, out, err = run_cli("verify", str(page), "--topic", "carisoprodol")
    assert code == 6
    assert re.search(r"^PROBLEM: line \d+: <li style>: an attribute the generator does not write on <li>$", out, re.M)
    assert err.strip() == f"Error: {page}: 1 problem(s) with the required warnings of 'carisoprodol'"


def test_cli_checks_an_html_leaflet_against_the_patient_file(run_cli, tmp_path, write_yaml, sample) -> None:
    patient = write_yaml("patient.yaml", sample)
    page = _built(run_cli, tmp_path, "--patient", str(patient))
    options = ("--patient", str(patient), "--made-on", "2026-11-25")
    code, out, err = run_cli("verify", str(page), *options)
    assert code == 0, out + err
    assert "; the patient, prescriber and dose schedule match (HTML, the generator's markup)" in out
    sample["prescription"]["times_per_day"] = 2
    code, out, err = run_cli("verify", str(page), "--patient", str(write_yaml("other.yaml", sample)), *options[2:])
    assert code == 6 and "PROBLEM: dose schedule row 1 of" in out and PATIENT not in out + err


def test_cli_html_topics_from_keywords_else_topic(run_cli, tmp_path) -> None:
    page = _built(run_cli, tmp_path, "methocarbamol")
    text = page.read_text(encoding="utf-8")
    assert '<meta name="keywords" content="Topics: methocarbamol. ' in text
    page.write_text(re.sub(r'<meta name="keywords" content="[^"]*">\n', "", text), encoding="utf-8")
    code, _, err = run_cli("verify", str(page))
    assert code == 2
    assert err.strip() == f"Error: {page}: topic: the HTML page names no topic; give --topic (once for each medicine)"
    assert run_cli("verify", str(page), "--topic", "methocarbamol")[0] == 0
    code, _, err = run_cli("verify", str(page), "--password", "x")
    assert (code, err.strip()) == (2, "Error: --password: only for a PDF; an HTML leaflet has none")


def test_cli_refuses_an_unreadable_html_file(run_cli, tmp_path) -> None:
    page = tmp_path / "leaflet.html"
    code, _, err = run_cli("verify", str(page))
    assert (code, err.strip()) == (2, f"Error: {page}: no such file")
    page.write_bytes(b"<!DOCTYPE html>\n\xff\xfe")
    code, _, err = run_cli("verify", str(page))
    assert (code, err.strip()) == (2, f"Error: {page}: not a readable UTF-8 HTML page")


SHOWN_STYLES = Path(__file__).resolve().parent / "browser" / "shown_styles.js"


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's Chromium is not installed (apt-get install chromium)")
def test_chromium_shows_what_the_closed_world_counts_as_shown(page_for, leaflet) -> None:
    """In a real browser, the generator's markup and stylesheet hide no text but the narrow header row (which the
    verifier requires each row to restate), and two of the refused tampers do hide a warning."""
    from playwright.sync_api import sync_playwright

    audit = SHOWN_STYLES.read_text(encoding="utf-8")
    page, _, places = leaflet
    hidden = [_at("li", "<li", '<li style="font-size:0"'), _replace("--text: #111111", "--text: #fdfdfd")]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        tab = browser.new_context(java_script_enabled=True).new_page()
        for topic, language, layout in CASES:
            for width in (1024, 320):
                tab.set_viewport_size({"width": width, "height": 800})
                html = page_for(topic, language, layout)[0]
                tab.set_content(html)
                found = tab.evaluate(audit)
                where = f"{topic}/{language}/{layout} at {width} px"
                assert all(item["header"] and "clipped" in item["reasons"] for item in found), where
                assert bool(found) == (width == 320 and "<thead>" in html), where
        for tamper in hidden:
            tab.set_content(tamper(page, places))
            assert any(not item["header"] for item in tab.evaluate(audit))
            assert check_html(tamper(page, places), []) != []
        browser.close()


@settings(max_examples=150, deadline=None)
@given(inserted=st.text(alphabet=st.sampled_from(list("<>/!?-=\"' &;#x[]ab:\n")) | st.characters(), max_size=30))
def test_anything_inserted_is_a_refusal_or_harmless_text(leaflet, inserted: str) -> None:
    """Whatever is inserted into a list item, the verifier answers with one-line problems (no crash), and a page
    it accepts shows the inserted characters as text."""
    page, expected, places = leaflet
    changed = page.replace(places["li"], places["li"] + inserted, 1)
    found = _problems(changed, expected)
    if not found:
        assert " ".join(inserted.split()) in " ".join(html_text(changed).split())


def test_the_contrast_pairs_cover_every_colour_the_stylesheet_puts_text_in_or_behind() -> None:
    from generator.html.css import rules
    from generator.html.page import READABLE_PAIRS, css_name

    used: dict[str, set[str]] = {"color": set(), "background": set()}
    for rule in rules(world().stylesheet):
        for name, value in rule.declarations:
            for kind in used:
                if name in (kind, f"{kind}-color"):
                    used[kind] |= set(re.findall(r"var\(--([\w-]+)\)", value))
    pairs = {(css_name(ink), css_name(paper)) for ink, paper in READABLE_PAIRS}
    assert used["color"] and used["color"] <= {ink for ink, _ in pairs} and used["background"]
    assert all(("text", paper) in pairs for paper in used["background"])
