"""The icon array body item (issue 26; PEMAT item 15): carisoprodol's and cyclobenzaprine's sleepiness figures
drawn as person icons beside a pill with no medicine, its words tagged, and the verifier counting the drawn icons
back against the block, refusing an icon added or taken away."""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf
import pytest
from helpers import SAMPLE_MADE_ON, pdf_pages_text
from tampering import page_drawing, shape_removed_or_added

from generator.content.icon_array import ICON_ARRAY_POINTS
from generator.verify.pictures import drawn_icon_arrays
from generator.verify.reader import read_pages

MADE_ON = SAMPLE_MADE_ON
PATIENT = Path(__file__).parents[1] / "handouts/carisoprodol/sample.yaml"
FILLED = re.compile(rf"-?[\d.]+ -?[\d.]+ m(?:\s+-?[\d.]+ -?[\d.]+ l){{{ICON_ARRAY_POINTS - 1}}}\s+f\*?")
"""A filled person icon in a page's content: ICON_ARRAY_POINTS segments, filled."""
COUNTS = {"carisoprodol": [(15, 100), (6, 100)], "cyclobenzaprine": [(33, 100), (10, 100)]}
WORDS = {
    ("carisoprodol", "en"): ["Taking carisoprodol: 13 to 17 in 100. The picture shows 15."],
    ("carisoprodol", "es"): ["Con carisoprodol: de 13 a 17 de cada 100. El dibujo muestra 15."],
    ("cyclobenzaprine", "en"): ["Taking cyclobenzaprine: about 1 in 3. The picture shows 33 in 100."],
    ("cyclobenzaprine", "es"): ["Con ciclobenzaprina: cerca de 1 de cada 3. El dibujo muestra 33 de cada 100."],
}


def _arrays(pdf: bytes) -> list[tuple[int, int, int]]:
    return drawn_icon_arrays(read_pages(pdf, "test"))[0]


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("layout", ["standard", "large-print"])
@pytest.mark.parametrize("topic", ["carisoprodol", "cyclobenzaprine"])
def test_the_arrays_show_the_blocks_counts_under_their_words(generator, topic_request, topic, layout, language):
    handout = generator.build(topic_request(topic, language, layout), "test")
    arrays = _arrays(handout.pdf)
    assert [(filled, filled + outlined) for _, filled, outlined in arrays] == COUNTS[topic]
    page = arrays[0][0]
    assert arrays[1][0] == page  # side by side, or one under the other: never split
    text = " ".join(pdf_pages_text(handout.pdf)[page - 1].split())
    for words in WORDS[topic, language]:
        assert words in text
    minimum = 14 if layout == "large-print" else 10
    words = " ".join(WORDS[topic, language])
    runs = [run for run in read_pages(handout.pdf, "test")[page - 1].runs if run.text.strip() in words]
    assert runs and min(run.size for run in runs) >= minimum


@pytest.fixture
def leaflet(sample_leaflet: Path) -> Path:
    """The sample carisoprodol leaflet (standard layout), made on MADE_ON."""
    return sample_leaflet


def _tampered(leaflet: Path, target: Path, how: str) -> tuple[Path, int]:
    with pikepdf.open(leaflet) as pdf:
        number = page_drawing(pdf, FILLED)
        assert len(FILLED.findall(pdf.pages[number - 1].Contents.read_bytes().decode("latin-1"))) == 15 + 6
        shape_removed_or_added(pdf, number, FILLED, 3, how)  # a person of the first array
        pdf.save(target)
    return target, number


def test_the_untouched_leaflet_passes(run_cli, leaflet) -> None:
    code, out, _ = run_cli("verify", str(leaflet), "--patient", str(PATIENT), "--made-on", MADE_ON)
    assert code == 0, out


@pytest.mark.parametrize(("how", "drawn"), [("removed", "14 filled and 85"), ("added", "16 filled and 85")])
def test_an_icon_added_or_removed_is_refused(run_cli, leaflet, tmp_path, how, drawn) -> None:
    tampered, number = _tampered(leaflet, tmp_path / f"{how}.pdf", how)
    code, out, err = run_cli("verify", str(tampered), "--patient", str(PATIENT), "--made-on", MADE_ON)
    assert code == 6
    assert "Maria Lopez" not in out + err and "Sam Lee" not in out + err  # never the patient's data
    assert (
        f"PROBLEM: icon array 1 of 2 of block side-effects: page {number}: {drawn} outlined icon(s) drawn, "
        "the content says 15 of 100"
    ) in out


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_html_page_shows_the_arrays_and_refuses_a_person_more_or_less(generator, topic_request, language):
    from generator.verify.html.check import check_html

    request = topic_request("cyclobenzaprine", language)
    page = generator.build_html(request, "test").html
    expected = list(generator.prepare(request, "test").expected_html)
    arrays = re.findall(r'<div class="icon-array">\s*<p>(.*?)</p>\s*<p class="people">(.*?)</p>', page, re.S)
    assert [(body.count('"person filled"'), body.count('class="person')) for _, body in arrays] == [
        (33, 100),
        (10, 100),
    ]
    assert WORDS["cyclobenzaprine", language][0] == arrays[0][0]
    assert check_html(page, expected) == []
    filled = '<span class="person filled"></span>'
    removed = check_html(page.replace(filled, "", 1), expected)
    assert "icon array 1 of 2 of block side-effects: 32 of 99 people drawn filled, the content says 33 of 100" in (
        " ".join(removed)
    ), removed
    added = check_html(page.replace(filled, filled * 2, 1), expected)
    assert any("34 of 101 people drawn filled" in problem for problem in added), added


@pytest.mark.parametrize(("language", "from_right"), [("en", False), ("ar", True)])
def test_right_to_left_the_icons_fill_from_the_right(generator, topic_request, language, from_right) -> None:
    pages = read_pages(generator.build(topic_request("cyclobenzaprine", language), "test").pdf, "test")
    page = next(page for page in pages if page.icon_frames)
    first = min(page.icon_frames, key=lambda frame: -frame[0] if from_right else frame[0])
    inside = [box for box, _ in page.icons if first[0] <= box[0] and box[2] <= first[2]]
    filled = [box for box, full in page.icons if full and box in inside]
    middle = (first[0] + first[2]) / 2
    assert len(filled) == 33 and len(inside) == 100  # the leading array: the medicine's
    row = [box for box in filled if abs(box[3] - max(b[3] for b in filled)) < 1]  # the top row, all filled
    assert len(row) == 10
    last = [box for box in filled if box[3] == min(b[3] for b in filled)]  # the 3 of the fourth row
    assert len(last) == 3 and all((box[0] > middle) == from_right for box in last)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"count": 101}, "body[1].icon_array.arrays[0]: count: 101 is more than of (100)"),
        ({"of": 50}, "body[1].icon_array.arrays[0]: of: expected 10 or 100, got 50"),
    ],
)
def test_an_array_the_grid_cannot_draw_is_refused_naming_the_field(run_cli, library_copy, edit_block, change, message):
    edit_block("carisoprodol/side-effects", lambda block: block["body"][1]["icon_array"]["arrays"][0].update(change))
    code, out, err = run_cli("lint", "--library", str(library_copy))
    assert code != 0
    assert "side-effects.yaml" in out + err and message in out + err, out + err
