"""The HTML version: the same verified leaflet as one semantic, self-contained page, clean in axe-core."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import lxml.html
import pytest
from helpers import CHROMIUM, CHROMIUM_FLAGS, TOPIC_LANGUAGES
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import escape

from generator.errors import RenderError, VerifyError
from generator.html.markup import to_html
from generator.inputs.personalisation import parse_personalisation
from generator.personalise import MAIN_MESSAGE_KIND
from generator.verify import Expected
from generator.verify.html import html_text, verify_html

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
CASES = [(topic, language, "standard") for topic, language in TOPIC_LANGUAGES]
CASES += [("carisoprodol", "es", "trifold"), ("carisoprodol", "en", "one-page"), ("carisoprodol", "en", "large-print")]


def _text(element) -> str:
    return " ".join(element.text_content().split())


def _plain(markup: str) -> str:
    return " ".join(to_html(markup).striptags().split())


@pytest.mark.parametrize(("topic", "language", "layout"), CASES)
def test_page_is_semantic_and_self_contained(page_for, topic, language, layout) -> None:
    page, leaflet = page_for(topic, language, layout)
    tree = lxml.html.document_fromstring(page)
    assert tree.get("lang") == language
    assert _text(tree.find(".//title")) == _plain(leaflet.title)
    assert [_text(h) for h in tree.iter("h1")] == [_plain(leaflet.title)]
    blocks = [block for block in leaflet.blocks if block.kind != MAIN_MESSAGE_KIND]  # under the title, unheaded
    titles = ([leaflet.schedule.title] if leaflet.schedule else []) + [block.title for block in blocks]
    assert [_text(h) for h in tree.find(".//main").iter("h2")] == [_plain(title) for title in titles]
    assert [_text(h) for h in tree.find(".//footer").iter("h2")] == [leaflet.contact_heading]
    strip = leaflet.web_strip
    assert len(tree.find(".//main").findall(".//li")) == sum(
        len(item.texts) for block in leaflet.blocks for item in block.items if item.kind == "bullets"
    ) + (sum(len(step.cells) for step in strip.steps) if strip else 0)  # the dose-time strip's cells
    facts = tree.find_class("facts")[0]
    assert [(_text(row[0]), row[0].get("scope"), _text(row[1])) for row in facts.iter("tr")] == [
        (_plain(label), "row", _plain(value)) for label, value in leaflet.facts
    ]
    for table in tree.find(".//main").iter("table"):
        if "facts" not in table.get("class", ""):
            header = table.find("thead").findall(".//th")
            assert header and all(cell.get("scope") == "col" for cell in header)
            assert {len(row) for row in table.find("tbody").iter("tr")} == {len(header)}
    if leaflet.schedule:
        schedule = tree.get_element_by_id("schedule").getparent().find(".//table")
        rows = [[_text(cell) for cell in row] for row in schedule.iter("tr")]
        assert rows == [[_plain(cell) for cell in row] for row in leaflet.schedule.items[0].rows]
    assert not list(tree.iter("script", "link", "iframe", "object", "embed", "form"))
    assert all(not name.startswith("on") for element in tree.iter() for name in element.attrib)
    images = list(tree.iter("img"))
    assert images and all(image.get("src").startswith("data:image/") and image.get("alt") for image in images)
    assert all(link.get("href").startswith("https://") for link in tree.iter("a"))
    assert tree.find(".//style") is not None


def test_logo_and_qr_code_have_alternative_text(page_for) -> None:
    page, _ = page_for("carisoprodol", "en", "one-page")
    alts = [image.get("alt") for image in lxml.html.document_fromstring(page).iter("img")]
    assert alts == ["Logo of Riverside Family Clinic", "QR code linking to https://example.org/leaflets/carisoprodol"]
    spanish, _ = page_for("carisoprodol", "es", "trifold")
    assert "Código QR con el enlace a https://example.org/leaflets/carisoprodol" in spanish


@pytest.mark.parametrize(
    "name", ['<script>alert(1)</script><img src=x onerror="alert(2)"> & {{ 7*7 }}', "Zoë O'Brien </td></tr>"]
)
def test_patient_text_stays_text(sample, name, generator, topic_request) -> None:
    sample["patient"]["name"] = name
    sample["prescriber"]["name"] = name
    request = dataclasses.replace(topic_request("carisoprodol"), data=parse_personalisation(sample, "test"))
    page = generator.build_html(request, "test").html
    tree = lxml.html.document_fromstring(page)
    assert not list(tree.iter("script"))
    assert [image.get("src") for image in tree.iter("img")] == []  # the sample clinic has no logo
    assert name in html_text(page)
    assert "49" not in html_text(page).replace("1-800", "")


def test_verifier_refuses_a_hidden_or_missing_warning(page_for, generator) -> None:
    page, _ = page_for("carisoprodol", "en", "standard")
    sentences = generator.required_sentences("carisoprodol", "en")
    expected = [Expected(f'required warning "{s}"', s) for s in sentences]
    verify_html(page, expected, "page")
    sentence = next(s for s in sentences if f'<p class="callout warning">{escape(s)}' in page)
    hidden = page.replace(
        f'<p class="callout warning">{escape(sentence)}', f'<p class="callout warning" hidden>{escape(sentence)}'
    )
    commented = page.replace(f"{escape(sentence)}", f"<!-- {escape(sentence)} -->", 1)
    for broken in (hidden, commented, page.replace(str(escape(sentence)), "", 1)):
        assert broken != page
        with pytest.raises(VerifyError, match=f'required warning "{sentence}": missing'):
            verify_html(broken, expected, "page")


def test_markup_becomes_html_never_passes_through() -> None:
    assert (
        to_html("<b>Poison Help:</b> 1-800 &amp; more<br/>next")
        == "<strong>Poison Help:</strong> 1-800 &amp; more<br>next"
    )
    assert to_html('<font face="NotoSans">Nguyễn</font> <i>x</i>') == "Nguyễn <em>x</em>"
    assert to_html("&lt;script&gt;alert(1)&lt;/script&gt;") == "&lt;script&gt;alert(1)&lt;/script&gt;"
    for bad, message in [("<img src=x>", "unsupported markup <img>"), ("<b>x</i>", "unbalanced"), ("<b>x", "unclosed")]:
        with pytest.raises(RenderError, match=message):
            to_html(bad)


@given(st.text())
def test_escaped_text_round_trips_as_the_same_text(text) -> None:
    page = f"<p>{to_html(str(escape(text)))}</p>"
    assert html_text(page) == text


def test_cli_writes_html(run_cli, tmp_path, monkeypatch, generator) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli("build", "carisoprodol", "--format", "html", "--made-on", "2026-11-25")
    assert code == 0, err
    count = len(generator.required_sentences("carisoprodol", "en"))
    assert out.startswith(
        f"Wrote carisoprodol.html (HTML; verified in its text: {count} required warnings, the dose schedule"
    )
    page = (tmp_path / "carisoprodol.html").read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "1 tablet of 350 mg each time" in " ".join(html_text(page).split())


@pytest.mark.parametrize(
    ("colors", "message"),
    [
        ({"accent": "#aab4bb"}, "colors.accent on background: contrast 2.1:1 is below 4.5:1"),
        ({"text": "red"}, "colors.text: expected #rrggbb, got 'red'"),
    ],
)
def test_layout_colours_a_reader_could_not_read_are_refused(run_cli, layouts_copy, tmp_path, colors, message) -> None:
    import yaml

    (layouts_copy / "pale.yaml").write_text(yaml.safe_dump({"extends": "standard", "colors": colors}))
    args = ("build", "carisoprodol", "--layouts", str(layouts_copy), "--layout", "pale", "--format", "html")
    code, _, err = run_cli(*args, "-o", str(tmp_path / "x.html"))
    assert code == 4 and f"layout 'pale': {message}" in err
    assert not (tmp_path / "x.html").exists()


def _accessible_roles(context, page) -> list[str]:
    """Roles in Chromium's accessibility tree (what a screen reader is given), whatever the CSS does."""
    tree = context.new_cdp_session(page).send("Accessibility.getFullAXTree")
    return [node["role"]["value"] for node in tree["nodes"] if not node.get("ignored") and "role" in node]


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's Chromium is not installed (apt-get install chromium)")
@pytest.mark.skipif(not AXE.exists(), reason="axe-core is not installed (npm ci --prefix tests/axe; .ci/run does it)")
def test_axe_finds_no_violations_and_the_page_reflows(page_for) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        context = browser.new_context(java_script_enabled=True)
        for topic, language, layout in CASES:
            page_html, _ = page_for(topic, language, layout)
            for width, text_size in ((1024, "100%"), (320, "100%"), (640, "200%")):
                page = context.new_page()
                page.set_viewport_size({"width": width, "height": 800})
                page.set_content(page_html)
                page.evaluate("size => { document.documentElement.style.fontSize = size; }", text_size)
                where = f"{topic}/{language}/{layout} at {width} px, text {text_size}"
                overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
                assert overflow <= 0, f"{where}: scrolls sideways by {overflow} px"
                page.add_script_tag(path=str(AXE))
                result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
                found = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
                assert found == [], f"{where}: {found}"
                tables, headers = page.evaluate(
                    "() => [document.querySelectorAll('table').length, document.querySelectorAll('thead th').length]"
                )
                roles = _accessible_roles(context, page)
                assert (roles.count("table"), roles.count("columnheader")) == (tables, headers), f"{where}: semantics"
                page.close()
        browser.close()
