"""Leaflets typeset as their language is: Arabic right to left, Chinese broken between characters, Korean between
words, Vietnamese letters with two marks drawn as one glyph.

What proves it is read back from the PDF: Poppler's word boxes (`pdftotext -bbox-layout`) of the glyphs as drawn
(ActualText spans taken out, as in test_scripts), the text runs and their fonts, and the ActualText a reader gets.
The leaflets come from a small translated library (tests/translated.py), so these tests hold when the real
translations replace it.
"""

from __future__ import annotations

import collections
import dataclasses
import datetime as dt
import html
import io
import itertools
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path

import pikepdf
import pytest
import yaml
from bidi import get_display
from helpers import actual_texts
from layout_checks import text_runs
from test_scripts import _glyph_layer, _letters
from translated import SENTENCES, TOPIC, translated_library

from generator.content.library import Library, load_block
from generator.errors import ContentError, RenderError
from generator.inputs.personalisation import choose_clinic, parse_personalisation
from generator.layouts import LayoutLibrary
from generator.paths import SAMPLES, layouts_root
from generator.pipeline import Generator, HandoutRequest
from generator.render import rtl_lines
from generator.render.document import render_pdf
from generator.render.fontfiles import system_file
from generator.render.styles import make_styles
from generator.render.text import WholeParagraph, breaks_between_characters, is_right_to_left, prepare
from generator.verify import check

_needs_cjk = pytest.mark.skipif(
    system_file("NotoSansCJK-Regular.ttc") is None, reason="Debian's fonts-noto-cjk is not installed"
)
_LINE = re.compile(r"<line xMin=\"([\d.]+)\" yMin=\"([\d.]+)\" xMax=\"([\d.]+)\" yMax=\"[\d.]+\">(.*?)</line>", re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>')
_ARABIC = re.compile(r"[\u0600-\u06ff]")


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return translated_library(tmp_path_factory.mktemp("translated") / "library")


@pytest.fixture(scope="module")
def translated(library: Path) -> Generator:
    return Generator(Library(library), LayoutLibrary(layouts_root()))


def _request(library: Path, language: str, layout: str = "standard") -> HandoutRequest:
    data = yaml.safe_load((library / TOPIC / "sample.yaml").read_text(encoding="utf-8"))
    parsed = parse_personalisation(data, "sample")
    clinic = choose_clinic(parsed, None, None, SAMPLES / "clinic.yaml")
    return HandoutRequest(TOPIC, parsed, clinic, layout=layout, language=language, made_on=dt.date(2026, 11, 25))


def _rendered(translated: Generator, library: Path, language: str, layout: str = "standard") -> bytes:
    """The leaflet as drawn, before the verifier reads it (the layout itself is what these tests look at)."""
    prepared = translated.prepare(_request(library, language, layout), "sample")
    return render_pdf(prepared.leaflet, prepared.layout, prepared.layout.paper)


Line = tuple[float, float, float, list[tuple[float, float, str]]]
"""A line of a page: left, top, right, and its words (left, right, text)."""


def _lines(pdf: bytes, tmp_path: Path, page: int = 1) -> list[Line]:
    """Page `page`'s lines as Poppler finds them in the glyphs drawn (no ActualText)."""
    path = tmp_path / "glyphs.pdf"
    path.write_bytes(_glyph_layer(pdf))
    args = ["pdftotext", "-f", str(page), "-l", str(page), "-bbox-layout", str(path), "-"]
    out = subprocess.run(args, capture_output=True, text=True, check=True).stdout
    lines = []
    for x0, y0, x1, body in _LINE.findall(out):
        words = [(float(a), float(b), html.unescape(t)) for a, b, t in _WORD.findall(body)]
        lines.append((float(x0), float(y0), float(x1), words))
    return lines


def _row(lines: list[Line], wanted: list[str]) -> dict[str, float]:
    """The left edge of each of the `wanted` words on the line of the first of them (and any line level with it:
    a table's row), found by their letters (Arabic glyphs read back as presentation forms, in visual order)."""
    words = [(line[1], x0, text) for line in lines for x0, _, text in line[3]]
    top = next(y for y, _, text in words if _letters(text) == _letters(wanted[0]))
    level = [(x0, text) for y, x0, text in words if abs(y - top) < 2]
    return {word: next(x0 for x0, text in level if _letters(text) == _letters(word)) for word in wanted}


# Arabic


@pytest.mark.parametrize(
    "text",
    [
        "تناول methocarbamol (Robaxin) عن طريق الفم كما يخبرك طبيبك بالضبط.",
        "لا تتناول methocarbamol في المرة الواحدة.",
        "أسئلة؟ اتصل بـ Riverside Family Clinic الآن (Dr. Sam Lee).",
    ],
)
def test_a_line_is_in_the_order_of_the_bidirectional_algorithm(text) -> None:
    """The levels and rule L2 put a line in the order python-bidi's own display gives (numbers without
    separators, so no isolate is added), each character keeping its boldness; brackets at a right-to-left level
    are mirrored (rule L4, which python-bidi's display leaves out), so a bracketed name prints bracketed."""
    cells = [(char, index % 3 == 0) for index, char in enumerate(text)]
    visual = rtl_lines.visual(cells)
    drawn = "".join(char for char, _ in visual)
    unbracketed = str.maketrans("", "", "()")
    assert drawn.translate(unbracketed) == get_display(text, base_dir="R").translate(unbracketed)
    names = re.findall(r"\([A-Za-z. ]+\)", text)
    assert all(name in drawn for name in names)

    def unmirrored(run: list[tuple[str, bool]]) -> collections.Counter[tuple[str, bool]]:
        return collections.Counter(("(" if char in "()" else char, bold) for char, bold in run)

    assert unmirrored(visual) == unmirrored(cells)  # each character still bold or not as it was


@pytest.mark.parametrize(
    ("text", "kept", "uax9"),
    [
        ("خط المساعدة: 1-800-222-1222، مجانا", ["1-800-222-1222"], "1222-222-800-1"),
        ("2 أقراص من 750 mg (1,500 mg) كل مرة", ["750 mg", "(1,500 mg)"], "mg (1,500 mg) 750"),
    ],
)
def test_a_number_and_its_unit_read_left_to_right_inside_arabic(text, kept, uax9) -> None:
    """As written in Latin text and on a pharmacy label: UAX #9 alone moves the groups of a phone number and the
    unit of a dose around."""
    visual = "".join(char for char, _ in rtl_lines.visual([(char, False) for char in text]))
    assert all(part in visual for part in kept)
    assert visual.index(kept[0]) > visual.index(kept[-1]) or len(kept) == 1  # the first read is the rightmost
    assert uax9 in get_display(text, base_dir="R") and uax9 not in visual


@pytest.mark.parametrize(("language", "layout"), [("ar", "standard"), ("ar", "large-print"), ("zh-Hans", "trifold")])
def test_reportlab_keeps_the_lines_set_here(language, layout, translated) -> None:
    """A paragraph broken into lines here (right to left, Chinese) is drawn in exactly those lines at every width:
    ReportLab breaking one again would put its words out of order."""
    if language == "zh-Hans" and system_file("NotoSansCJK-Regular.ttc") is None:
        pytest.skip("Debian's fonts-noto-cjk is not installed")
    styles = make_styles(translated.layout(layout), False, language)
    said = " ".join(SENTENCES[language])
    for style in (styles.body, styles.bullet, styles.callout, styles.cell):
        rtl, cjk = is_right_to_left(style), breaks_between_characters(style)
        narrowest = int(style.fontSize * 10 + style.leftIndent + style.rightIndent)  # each word fits on a line
        for width in range(narrowest, 480, 7):  # (a word wider than the line is cut by ReportLab)
            paragraph = WholeParagraph(said, style)
            paragraph.wrap(width, 10_000)
            inner = width - style.leftIndent - style.rightIndent
            forced = prepare(said, style.fontName, style.fontSize, inner, rtl, cjk).markup.count("<br/>") + 1
            assert len(paragraph.blPara.lines) == forced > 1, (style.name, width)


def test_the_arabic_leaflet_is_right_aligned_and_its_tables_mirrored(translated, library, tmp_path) -> None:
    pdf = _rendered(translated, library, "ar")
    lines = _lines(pdf, tmp_path)
    layout = translated.layout("standard")
    width = 612.0
    right_edge = width - layout.margins_in[1] * 72
    left_edge = layout.margins_in[3] * 72
    arabic = [line for line in lines if any(_ARABIC.search(word) for _, _, word in line[3])]
    assert len(arabic) > 20
    # every paragraph line of the page ends at the right: of the column, a box's inside, or a table cell's
    ends = collections.Counter(round(line[2]) for line in arabic)
    starts = collections.Counter(round(line[0]) for line in arabic)
    assert max(ends.values()) > max(starts.values()), (ends, starts)
    title = min(arabic, key=lambda line: line[1])
    assert abs(title[2] - right_edge) < 3 and title[0] > left_edge + 20  # the title: flush right, ragged left
    # the dose schedule's header row: From | Until | How much | When, from the right
    xs = _row(lines, ["الكمية", "من", "حتى", "متى"])
    assert xs["من"] > xs["حتى"] > xs["الكمية"] > xs["متى"], xs
    # the prepared-for box: each label right of its value
    xs = _row(lines, ["Lopez", "أعدت", "أجل", "Maria"])
    assert xs["أعدت"] > xs["أجل"] > xs["Lopez"] > xs["Maria"], xs  # the label right of the value, each in order


def test_arabic_bullets_are_on_the_right_and_latin_names_in_place(translated, library, tmp_path) -> None:
    pdf = _rendered(translated, library, "ar")
    lines = _lines(pdf, tmp_path)
    sentence = SENTENCES["ar"][0]  # "Take methocarbamol (Robaxin) by mouth ..."
    words = sentence.split()
    xs = _row(lines, ["يخبرك", "methocarbamol", "(Robaxin)", "•", *words[:1], *words[3:]])  # "tells you": this line
    bullet = xs.pop("•")
    assert bullet > max(xs.values())  # the bullet right of its text
    assert xs["methocarbamol"] < xs["(Robaxin)"]  # the Latin name reads left to right, its brackets round it
    first, last = words[0], words[-1]  # the sentence reads from the right
    assert xs[first] == max(xs.values()) and xs[last] == min(xs.values()), xs
    assert sentence in actual_texts(pdf)  # a reader gets the sentence as written


def test_a_word_mixing_directions_in_an_arabic_leaflet_is_refused(translated, library) -> None:
    """HarfBuzz takes a word in the direction of its first letter: one that has Arabic and Latin letters with no space
    between (Ali-محمد) cannot be joined and ordered both ways, so it stops the build rather than print reversed."""
    request = _request(library, "ar")
    data = yaml.safe_load((library / TOPIC / "sample.yaml").read_text(encoding="utf-8"))
    data["patient"]["name"] = "Ali-محمد Lopez"
    request = HandoutRequest(
        TOPIC, parse_personalisation(data, "sample"), request.clinic, language="ar", made_on=request.made_on
    )
    prepared = translated.prepare(request, "sample")
    with pytest.raises(RenderError, match="a word mixes right-to-left and left-to-right letters; put a space"):
        render_pdf(prepared.leaflet, prepared.layout, prepared.layout.paper)
    data["patient"]["name"] = "Ali محمد Lopez"  # with a space: each word in its own direction and font
    request = HandoutRequest(
        TOPIC, parse_personalisation(data, "sample"), request.clinic, language="ar", made_on=request.made_on
    )
    prepared = translated.prepare(request, "sample")
    assert render_pdf(prepared.leaflet, prepared.layout, prepared.layout.paper)


@pytest.mark.parametrize(("language", "label", "third"), [("ar", "أجل", 0), ("en", "Prepared", 2)])
def test_a_right_to_left_trifold_folds_the_other_way(translated, library, tmp_path, language, label, third) -> None:
    """The front cover (with the prepared-for box) is the right panel of the outside, or the left one right to left."""
    pdf = _rendered(translated, library, language, "trifold")
    lines = _lines(pdf, tmp_path)
    x = next(x0 for line in lines for x0, _, word in line[3] if _letters(word) == _letters(label))
    panel = 792 / 3
    assert third * panel < x < (third + 1) * panel


def test_arabic_dates_and_phone_numbers_keep_their_digits_in_order(translated, library, tmp_path) -> None:
    pdf = _rendered(translated, library, "ar")
    words = [word for line in _lines(pdf, tmp_path) for _, _, word in line[3]]
    assert "1-800-222-1222" in " ".join(words) or any("1-800-222-1222" in word for word in words)
    assert "2026" in words and "24" in words  # the short date names its month (24 نوفمبر 2026): numbers whole
    assert not any(re.search(r"\d/\d", word) for word in words), "no numeric date left to split"


# Chinese and Korean

_CANNOT_START = set("，。、：；！？）」』】》")
_CANNOT_END = set("（「『【《")


@_needs_cjk
@pytest.mark.parametrize("layout", ["standard", "large-print", "trifold"])
def test_chinese_lines_break_between_characters_never_before_closing_punctuation(
    translated, library, tmp_path, layout
) -> None:
    handout = translated.build(_request(library, "zh-Hans", layout), "sample")  # verified, as every build is
    pages = handout.pages
    texts = []
    for page in range(1, pages + 1):
        texts += ["".join(w for _, _, w in line[3]) for line in _lines(handout.pdf, tmp_path, page)]
    han = [text for text in texts if re.search(r"[\u4e00-\u9fff]", text)]
    assert len(han) > 20
    assert not [text for text in han if text[0] in _CANNOT_START]
    assert not [text for text in han if text[-1] in _CANNOT_END]
    # broken between characters: some line ends with a Han character and the next starts with one
    assert any(
        re.search(r"[\u4e00-\u9fff]$", one) and re.match(r"[\u4e00-\u9fff]", two)
        for one, two in itertools.pairwise(han)
    )


@_needs_cjk
def test_chinese_body_text_shares_one_cjk_face(translated, library) -> None:
    """Every paragraph of everyday Chinese is set in the one face cut to GB 2312 (per weight), not a face each."""
    handout = translated.build(_request(library, "zh-Hans"), "sample")
    runs = [run for run in text_runs(handout.pdf) if re.search(r"[\u4e00-\u9fff]", run.text)]
    assert {run.font for run in runs} == {"noto-sans-cjk-common", "noto-sans-cjk-common-bold"}
    body = [run for run in runs if len(run.text) > 4 and any(run.text in said for said in SENTENCES["zh-Hans"])]
    assert body and min(run.size for run in body) >= 10


@_needs_cjk
@pytest.mark.parametrize("layout", ["standard", "trifold"])
def test_korean_lines_break_between_words(translated, library, tmp_path, layout) -> None:
    """No Hangul word drawn is part of a longer word of the Korean text (content and labels): none is cut in two
    at a line end."""
    handout = translated.build(_request(library, "ko", layout), "sample")
    written = " ".join(path.read_text(encoding="utf-8") for path in sorted(library.rglob("*ko.yaml")))
    source = {word.strip(".,:\"'") for word in re.split(r"[\s{}]+", written)}
    lines = [line for page in range(1, handout.pages + 1) for line in _lines(handout.pdf, tmp_path, page)]
    drawn = [w.strip(".,:") for line in lines for _, _, w in line[3] if re.search(r"[\uac00-\ud7a3]", w)]
    words = [word for word in drawn if not any(char.isdigit() for char in word)]  # dates and doses: Babel's
    assert len(words) > 100
    cut = {word for word in set(words) - source if any(word in longer for longer in source)}
    assert not cut, cut
    assert len(set(words) & source) > 30


# Vietnamese


def test_vietnamese_letters_with_two_marks_are_one_glyph(library, tmp_path) -> None:
    """Text written decomposed (e + dot below + circumflex) is normalised to NFC before it is set, so each letter
    is one precomposed glyph of Noto Sans, never two marks drawn over each other."""
    decomposed = tmp_path / "library"
    shutil.copytree(library, decomposed)
    block = decomposed / TOPIC / "overview.vi.yaml"
    data = yaml.safe_load(block.read_text(encoding="utf-8"))
    data["body"][0]["text"] = unicodedata.normalize(
        "NFD", "Báo cho bác sĩ nếu quý vị bị bệnh thận, cẩn thận, thay đổi."
    )
    block.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    generator = Generator(Library(decomposed), LayoutLibrary(layouts_root()))
    for layout in ("standard", "large-print"):
        handout = generator.build(_request(decomposed, "vi", layout), "sample")
        drawn = "".join(run.text for run in text_runs(handout.pdf))
        assert not [c for c in drawn if unicodedata.combining(c)], layout
        assert {"ệ", "ậ", "ổ"} <= set(drawn)


# HTML


@pytest.mark.parametrize(("language", "direction"), [("ar", "rtl"), ("vi", "ltr")])
def test_the_html_leaflet_says_its_language_and_direction(translated, library, language, direction) -> None:
    page = translated.build_html(_request(library, language), "sample").html
    assert f'<html lang="{language}" dir="{direction}">' in page


@pytest.mark.parametrize("layout", ["standard", "trifold", "large-print"])
def test_an_arabic_leaflet_with_diacritics_is_verified(translated, library, layout) -> None:
    """A name with tanween, shadda and damma: HarfBuzz places its marks (TJ offsets and text rise inside the
    ActualText span), the closed world allows that only there, and the glyphs are the shaping of the name; the
    dose schedule's dates (whose parts bidi reorders) are found part by part."""
    request = _request(library, "ar", layout)
    patient = request.data.patient.model_copy(update={"name": "مُحَمَّد عَبْدُ الله"})
    request = dataclasses.replace(request, data=request.data.model_copy(update={"patient": patient}))
    handout = translated.build(request, "sample")
    assert handout.pages >= 1
    content = b"".join(page.Contents.read_bytes() for page in pikepdf.open(io.BytesIO(handout.pdf)).pages)
    assert b" Ts" in content  # the marks really were placed by rise


# Dates in narrow schedule columns


def _schedule_dates(translated: Generator, library: Path, language: str, layout: str) -> list[str]:
    """The dates the schedule prints (its from and until columns), as the leaflet has them."""
    schedule = translated.prepare(_request(library, language, layout), "sample").leaflet.schedule
    assert schedule is not None
    return [html.unescape(re.sub(r"<[^>]*>", "", cell)) for row in schedule.items[0].rows[1:] for cell in row[:2]]


@pytest.mark.parametrize("layout", ["trifold", "large-print"])
def test_chinese_dates_break_only_between_their_parts(translated, library, tmp_path, layout) -> None:
    """A date in a narrow column breaks between year, month and day ("2026年" / "11月24日"), never inside a number
    nor before 月 or 日: each part is whole on one line as Poppler reads the glyphs drawn."""
    dates = _schedule_dates(translated, library, "zh-Hans", layout)
    assert dates and all(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", date) for date in dates)
    lines = [
        "".join(text for _, _, text in line[3])
        for line in _lines(_rendered(translated, library, "zh-Hans", layout), tmp_path)
    ]
    for date in dates:
        for part in re.findall(r"\d+[年月日]", date):
            assert any(part in line for line in lines), (part, lines)


def test_arabic_short_dates_break_at_a_space_in_the_trifold(translated, library, tmp_path) -> None:
    """Babel's medium Arabic date (24/11/2026) is one word a trifold column had to break inside its numbers
    ("2026/11/2" / "4"); the short date names the month (24 نوفمبر 2026), so the column breaks at a space and every
    number is read back whole."""
    dates = _schedule_dates(translated, library, "ar", "trifold")
    assert dates and all(" " in date and "/" not in date for date in dates)
    words = [
        text for line in _lines(_rendered(translated, library, "ar", "trifold"), tmp_path) for _, _, text in line[3]
    ]
    numbers = collections.Counter(number for word in words for number in re.findall(r"\d+", word))
    for date in dates:
        for number in re.findall(r"\d+", date):
            assert numbers[number] >= 1, (number, sorted(numbers))
    assert numbers["2026"] >= len(dates), "the year of every date whole"


def test_a_translation_joining_arabic_and_latin_letters_is_refused_naming_the_file(tmp_path) -> None:
    """Arabic writes "and" onto the next word; onto a Latin abbreviation ("وVMA") that is one word in two
    directions and fonts, refused when the block is loaded (lint and build), naming the file and field."""
    block = {
        "kind": "interactions",
        "title": "ما الذي يتفاعل معه؟",
        "body": [{"text": "تحليل البول."}, {"bullets": ["قد يغير تحليلي 5-HIAA وVMA."]}],
        "sources": ["a label"],
        "origin": "machine",
        "checked": "a draft",
    }
    path = tmp_path / "interactions.ar.yaml"
    path.write_text(yaml.safe_dump(block, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ContentError, match=r"interactions\.ar\.yaml: body\[1\]\.bullets\[0\]: a word joins"):
        load_block(path, "ar")
    assert load_block(path, "en").title == block["title"]  # only right-to-left languages are held to it
    block["body"][1]["bullets"][0] = "قد يغير تحليلي 5-HIAA و VMA."
    path.write_text(yaml.safe_dump(block, allow_unicode=True), encoding="utf-8")
    assert load_block(path, "ar").body[1].bullets == [block["body"][1]["bullets"][0]]


def test_left_to_right_text_is_found_reversed_only_in_right_to_left_runs() -> None:
    """PDFium gives a phone number in an Arabic sentence as '9910-555'; the same reversed digits in a left-to-right
    run are another number, never the phone."""
    arabic, latin = (0, 0), (0, 1)
    letters = "اتصل" + "9910555"
    found = check._Indexed(letters, [arabic] * len(letters), frozenset({arabic}))
    assert check._find(found, "555-0199", False) == (4, 7)
    elsewhere = check._Indexed(letters, [arabic] * 4 + [latin] * 7, frozenset({arabic}))
    assert check._find(elsewhere, "555-0199", False) == (-1, 0)
