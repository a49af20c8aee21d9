"""The verifier believes the printed page: a leaflet changed after it was made is refused.

Each test takes a real, verified leaflet and changes it with pikepdf (qpdf) the way a layout bug, a
template mistake or a hostile edit could: the text layer saying one thing while the glyphs draw
another, text painted but hidden, something drawn over it, the page box moved. Each change must make
`handout verify --patient` exit 6 with a message naming the page and what is wrong, and never the
patient's data. The untouched leaflet, rewritten by the same code without a change, still passes.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pikepdf
import pytest
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables._g_l_y_f import Glyph
from helpers import SAMPLE_MADE_ON
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, TextStringObject

from generator.verify.reader import read_pages

MADE_ON = SAMPLE_MADE_ON
PATIENT = Path(__file__).parents[1] / "handouts/carisoprodol/sample.yaml"
WARNING = "Never drink alcohol with carisoprodol."
DOSE = "1 tablet of 350 mg"


@pytest.fixture
def leaflet(sample_leaflet: Path) -> Path:
    """The sample carisoprodol leaflet (standard layout), made on MADE_ON."""
    return sample_leaflet


Change = Callable[[pikepdf.Pdf], None]


def edited(leaflet: Path, target: Path, change: Change) -> Path:
    """A copy of the leaflet with `change` made to it, saved whole by qpdf (one revision)."""
    with pikepdf.open(leaflet) as pdf:
        change(pdf)
        pdf.save(target)
    return target


def verify(run_cli, pdf: Path) -> tuple[int, list[str]]:
    """`handout verify --patient` on the sample prescription: the exit code and the PROBLEM lines."""
    code, out, err = run_cli("verify", str(pdf), "--patient", str(PATIENT), "--made-on", MADE_ON)
    assert "Traceback" not in err
    assert "Maria Lopez" not in out + err and "Sam Lee" not in out + err  # never the patient's data
    return code, [line.removeprefix("PROBLEM: ") for line in out.splitlines() if line.startswith("PROBLEM: ")]


def refused(run_cli, pdf: Path, *expected: str) -> list[str]:
    """Assert verify refuses `pdf` with a problem matching each regular expression; return the problems."""
    code, problems = verify(run_cli, pdf)
    assert code == 6, problems
    for pattern in expected:
        assert any(re.search(pattern, problem) for problem in problems), (pattern, problems)
    return problems


def content(page: pikepdf.Page) -> str:
    return page.Contents.read_bytes().decode("latin-1")


def set_content(pdf: pikepdf.Pdf, page: pikepdf.Page, text: str) -> None:
    page.obj.Contents = pdf.make_stream(text.encode("latin-1"))


def page_showing(pdf: pikepdf.Pdf, literal: str) -> tuple[int, pikepdf.Page]:
    """The first page whose content shows the PDF string `literal` (as written: parentheses escaped)."""
    for number, page in enumerate(pdf.pages):
        if f"({literal})" in content(page):
            return number, page
    raise AssertionError(f"no page shows {literal!r}")


def replace_in_page(pdf: pikepdf.Pdf, literal: str, new: Callable[[str], str]) -> int:
    """Rewrite the content of the page showing `literal` with `new(content)`; its page number."""
    number, page = page_showing(pdf, literal)
    set_content(pdf, page, new(content(page)))
    return number + 1


def boxes_of(leaflet: Path, text: str) -> list[tuple[int, tuple[float, float, float, float]]]:
    """(page number, box) of each text run holding `text`, as PDFium reads it: in a right-to-left line (the
    language-help notice's Arabic line), PDFium gives each word last letter first."""
    backwards = " ".join(word[::-1] for word in text.split())
    found = [
        (page.number, run.box)
        for page in read_pages(leaflet, "leaflet")
        for run in page.runs
        if text in run.text or (backwards in run.text and re.search("[\u0590-\u08ff]", run.text))
    ]
    assert found, f"no run starts with {text!r}"
    return found


def box_of(leaflet: Path, text: str) -> tuple[int, tuple[float, float, float, float]]:
    """(page number, box) of the first text run holding `text`."""
    return boxes_of(leaflet, text)[0]


def append_to_page(pdf: pikepdf.Pdf, number: int, drawing: str, before: bool = False) -> None:
    """Draw `drawing` (content statements) after everything on page `number` (or before, under it)."""
    page = pdf.pages[number - 1]
    set_content(pdf, page, f"{drawing}\n{content(page)}" if before else f"{content(page)}\n{drawing}")


def test_the_leaflet_rewritten_unchanged_still_passes(run_cli, leaflet, tmp_path) -> None:
    copy = edited(leaflet, tmp_path / "copy.pdf", lambda pdf: None)
    assert verify(run_cli, copy) == (0, [])


# --- the text layer says one thing, the glyphs draw another ----------------------------------------------------


def _font_of(pdf: pikepdf.Pdf, literal: str) -> pikepdf.Dictionary:
    """The font the run showing `literal` is set in (the last Tf before it)."""
    _, page = page_showing(pdf, literal)
    text = content(page)
    name = re.findall(r"(/F\d+\+\d+) [\d.]+ Tf", text[: text.index(f"({literal})")])[-1]
    return page.Resources.Font[name]


def _to_unicode_says(font: pikepdf.Dictionary, code: int, char: str) -> None:
    cmap = font.ToUnicode.read_bytes().decode("latin-1")
    entry = re.compile(rf"<{code:02X}> <[0-9A-F]{{4}}>")
    assert entry.search(cmap)
    font.ToUnicode.write(entry.sub(f"<{code:02X}> <{ord(char):04X}>", cmap).encode("latin-1"))


def _digit_drawn_as_four_said_as_one(pdf: pikepdf.Pdf) -> None:
    """The schedule draws '4 tablet of 350 mg' while ToUnicode maps '4' to '1': the text layer still says 1."""
    font = _font_of(pdf, DOSE)
    for page in pdf.pages:
        set_content(pdf, page, content(page).replace(f"({DOSE})", f"({DOSE.replace('1', '4', 1)})"))
    _to_unicode_says(font, ord("4"), "1")


def _letters_swapped_in_the_text_layer(pdf: pikepdf.Pdf) -> None:
    """'Never' drawn as 'Ever' and read as 'Never': the glyph of 'E' said to be 'N'."""
    font = _font_of(pdf, WARNING)
    replace_in_page(pdf, WARNING, lambda text: text.replace(f"({WARNING})", f"({WARNING.replace('N', 'E', 1)})"))
    _to_unicode_says(font, ord("E"), "N")


def _outline_of(pdf: pikepdf.Pdf, literal: str, char: str, outline: Callable[[TTFont, str], Glyph]) -> None:
    """Give `char`'s glyph in the embedded font of the run showing `literal` another outline."""
    descriptor = _font_of(pdf, literal).FontDescriptor
    font = TTFont(io.BytesIO(descriptor.FontFile2.read_bytes()))
    name = font["cmap"].getcmap(1, 0).cmap[ord(char)]
    font["glyf"][name] = outline(font, name)
    buffer = io.BytesIO()
    font.save(buffer)
    descriptor.FontFile2.write(buffer.getvalue())


def _outlines_emptied(pdf: pikepdf.Pdf) -> None:
    _outline_of(pdf, DOSE, "1", lambda font, name: Glyph())


def _outline_of_a_four_for_the_one(pdf: pikepdf.Pdf) -> None:
    def four(font: TTFont, name: str) -> Glyph:
        source = font["cmap"].getcmap(1, 0).cmap[ord("4")]
        return font["glyf"][source]

    _outline_of(pdf, DOSE, "1", four)


def _width_zeroed(pdf: pikepdf.Pdf) -> None:
    """The '0' of '350' given no width, so the next glyph is drawn over it (and '35 mg' can be read)."""
    font = _font_of(pdf, DOSE)
    font.Widths[ord("0") - int(font.FirstChar)] = 0


def _type3_font(pdf: pikepdf.Pdf) -> None:
    _font_of(pdf, WARNING).Subtype = pikepdf.Name.Type3


def _actual_text(text: str) -> str:
    return "FEFF" + text.encode("utf-16-be").hex().upper()


def _wrap_in_actual_text(pdf: pikepdf.Pdf, literal: str, drawn: str, said: str, hexadecimal: bool = True) -> None:
    """Draw `drawn` where `literal` was, inside a Span whose ActualText says `said`."""
    _, page = page_showing(pdf, literal)
    text = content(page)
    at = text.index(f"({literal})")
    start, end = text.rindex("BT", 0, at), text.index("ET", at) + 2
    actual = f"<{_actual_text(said)}>" if hexadecimal else f"({said})"
    wrapped = f"/Span <</ActualText {actual}>> BDC\n" + text[start:end].replace(literal, drawn) + "\nEMC"
    set_content(pdf, page, text[:start] + wrapped + text[end:])


TEXT_LAYER = {
    "ToUnicode maps a drawn 4 to 1": (_digit_drawn_as_four_said_as_one, r"code 52 draws a glyph that is not"),
    "ToUnicode maps a drawn E to N": (_letters_swapped_in_the_text_layer, r"code 69 draws a glyph that is not"),
    "outlines emptied": (_outlines_emptied, r"code 49 draws a glyph that is not the character"),
    "a 4's outline under the 1": (_outline_of_a_four_for_the_one, r"code 49 draws a glyph that is not the character"),
    "a width zeroed": (_width_zeroed, r"code 48 is given a width that is not its glyph's"),
    "a Type 3 font": (_type3_font, r"a Type3 font that is not a TrueType subset"),
    "ActualText of the dose around 4 tablets": (
        lambda pdf: _wrap_in_actual_text(pdf, DOSE, DOSE.replace("1", "4", 1), DOSE),
        r"ActualText .*(does not say what its glyphs are|numbers are not drawn)",
    ),
    "the warning's ActualText around its opposite": (
        lambda pdf: _wrap_in_actual_text(pdf, WARNING, "Always drink alcohol with carisoprodol.", WARNING),
        r"ActualText that does not say what its glyphs are",
    ),
    "ActualText as a literal string": (
        lambda pdf: _wrap_in_actual_text(pdf, DOSE, DOSE.replace("1", "4", 1), DOSE, hexadecimal=False),
        r"the content uses 'BDC' with operands or in a place the generator never writes",
    ),
}


@pytest.mark.parametrize("how", TEXT_LAYER, ids=TEXT_LAYER)
def test_a_text_layer_that_is_not_the_glyphs_is_refused(run_cli, leaflet, tmp_path, how) -> None:
    change, problem = TEXT_LAYER[how]
    bad = edited(leaflet, tmp_path / "bad.pdf", change)
    refused(run_cli, bad, r"^page \d+: .*" + problem)


# --- painted, but hidden ------------------------------------------------------------------------------------------


def _around_warning(before: str, after: str = "Q") -> Change:
    """Wrap the text object showing the warning in `before` ... `after`."""

    def change(pdf: pikepdf.Pdf) -> None:
        _, page = page_showing(pdf, WARNING)
        text = content(page)
        at = text.index(f"({WARNING})")
        start, end = text.rindex("BT", 0, at), text.index("ET", at) + 2
        set_content(pdf, page, text[:start] + f"{before}\n" + text[start:end] + f"\n{after}" + text[end:])

    return change


def _with_graphics_state(state: dict[str, object]) -> Change:
    """Give the warning's page an ExtGState and draw the warning under it."""

    def change(pdf: pikepdf.Pdf) -> None:
        _, page = page_showing(pdf, WARNING)
        page.Resources.ExtGState = pikepdf.Dictionary(GS1=pikepdf.Dictionary(Type=pikepdf.Name.ExtGState, **state))
        _around_warning("q /GS1 gs")(pdf)

    return change


def _layer_off(pdf: pikepdf.Pdf) -> None:
    group = pdf.make_indirect(pikepdf.Dictionary(Type=pikepdf.Name.OCG, Name="Layer"))
    pdf.Root.OCProperties = pikepdf.Dictionary(OCGs=[group], D=pikepdf.Dictionary(ON=[], OFF=[group], Order=[group]))
    _, page = page_showing(pdf, WARNING)
    page.Resources.Properties = pikepdf.Dictionary(oc1=group)
    _around_warning("/OC /oc1 BDC", "EMC")(pdf)


def _soft_mask(pdf: pikepdf.Pdf) -> None:
    group = pdf.make_stream(b"0 0 0 rg 0 0 1 1 re f")
    group.Type, group.Subtype, group.BBox = pikepdf.Name.XObject, pikepdf.Name.Form, [0, 0, 1, 1]
    mask = pikepdf.Dictionary(Type=pikepdf.Name.Mask, S=pikepdf.Name.Luminosity, G=group)
    _with_graphics_state({"SMask": mask})(pdf)


def _transfer_to_white(pdf: pikepdf.Pdf) -> None:
    white = pikepdf.Dictionary(FunctionType=2, Domain=[0, 1], C0=[1], C1=[1], N=1)
    _with_graphics_state({"TR": white})(pdf)


def _text_matrix(matrix: str) -> Change:
    """Replace the warning's text matrix (1 0 0 1 x y Tm) with `matrix` x y."""

    def change(pdf: pikepdf.Pdf) -> None:
        def rewrite(text: str) -> str:
            at = text.index(f"({WARNING})")
            start = text.rindex("BT", 0, at)
            found = re.compile(r"1 0 0 1 ([-\d.]+) ([-\d.]+) Tm").search(text, start)
            assert found is not None and found.start() < at
            return text[: found.start()] + f"{matrix} {found[1]} {found[2]} Tm" + text[found.end() :]

        replace_in_page(pdf, WARNING, rewrite)

    return change


HIDDEN = {
    "clipped away": (_around_warning("q 0 0 1 1 re W n"), r"the content uses the operator 'W'"),
    "clipped by an even-odd clip": (_around_warning("q 0 0 1 1 re W* n"), r"the content uses the operator 'W\*'"),
    "a layer set to off": (_layer_off, r"the document has /OCProperties"),
    "a soft mask": (_soft_mask, r"resources of kind /ExtGState|the operator 'gs'"),
    "a transfer function to white": (_transfer_to_white, r"the operator 'gs'"),
    "a blend mode": (_with_graphics_state({"BM": pikepdf.Name.Screen}), r"the operator 'gs'"),
    "squashed by its text matrix": (_text_matrix("1 0 0 .05"), r"the content uses 'Tm' with operands"),
    "squashed by a scale around it": (
        _around_warning("q 1 0 0 .05 0 0 cm"),
        r"not visible \(page \d+: .*rotated, skewed, mirrored or squashed",
    ),
    "upside down in place": (_text_matrix("-1 0 0 -1"), r"the content uses 'Tm' with operands"),
    "mirrored by a scale around it": (_around_warning("q -1 0 0 1 0 0 cm"), r"the content uses 'cm' with operands"),
    "skewed": (_text_matrix("1 0 .9 1"), r"the content uses 'Tm' with operands"),
    "negative character spacing": (_around_warning("q -3 Tc"), r"the content uses the operator 'Tc'"),
    "horizontal scaling": (_around_warning("q 5 Tz"), r"the content uses the operator 'Tz'"),
    "text rise": (_around_warning("q 900 Ts"), r"the content uses 'Ts' with operands or in a place the generator"),
    "text rise outside shaped text": (_around_warning("q 3 Ts"), r"the content uses 'Ts' with operands or in a place"),
    "invisible render mode": (_around_warning("q 3 Tr"), r"the content uses the operator 'Tr'"),
    "a TJ moving each glyph onto the last": (
        lambda pdf: replace_in_page(
            pdf, DOSE, lambda text: text.replace(f"({DOSE}) Tj", "[" + " -700 ".join(f"({c})" for c in DOSE) + "] TJ")
        ),
        r"the content uses 'TJ' with operands",
    ),
}


@pytest.mark.parametrize("how", HIDDEN, ids=HIDDEN)
def test_text_painted_but_hidden_is_refused(run_cli, leaflet, tmp_path, how) -> None:
    change, problem = HIDDEN[how]
    bad = edited(leaflet, tmp_path / "bad.pdf", change)
    refused(run_cli, bad, problem)


# --- covered by something -----------------------------------------------------------------------------------------


def _rect(box: tuple[float, float, float, float]) -> str:
    left, bottom, right, top = box
    return f"{left:.2f} {bottom:.2f} {right - left:.2f} {top - bottom:.2f} re"


def _over(leaflet: Path, text: str, drawing: Callable[[tuple[float, float, float, float]], str], under=False) -> Change:
    number, box = box_of(leaflet, text)
    return lambda pdf: append_to_page(pdf, number, drawing(box), before=under)


def _annotation(subtype: str, **more: object) -> Callable[[Path], Change]:
    def make(leaflet: Path) -> Change:
        number, box = box_of(leaflet, WARNING)

        def change(pdf: pikepdf.Pdf) -> None:
            annotation = pikepdf.Dictionary(
                Type=pikepdf.Name.Annot, Subtype=pikepdf.Name("/" + subtype), Rect=list(box)
            )
            for key, value in more.items():
                annotation[f"/{key}"] = value
            pdf.pages[number - 1].Annots = pdf.make_indirect(pikepdf.Array([pdf.make_indirect(annotation)]))

        return change

    return make


def _dark_but_at_the_centre(box: tuple[float, float, float, float]) -> str:
    """A dark fill under the warning everywhere but a small square where its centre is."""
    left, bottom, right, top = box
    middle = (left + right) / 2
    return (
        "q .05 .05 .05 rg "
        + _rect((left - 2, bottom - 2, middle - 3, top + 2))
        + " f "
        + _rect((middle + 3, bottom - 2, right + 2, top + 2))
        + " f Q"
    )


def _image_over(leaflet: Path) -> Change:
    number, (left, bottom, right, top) = box_of(leaflet, WARNING)

    def change(pdf: pikepdf.Pdf) -> None:
        image = pdf.make_stream(b"\xff\xff\xff")
        image.Type, image.Subtype, image.Width, image.Height = pikepdf.Name.XObject, pikepdf.Name.Image, 1, 1
        image.ColorSpace, image.BitsPerComponent = pikepdf.Name.DeviceRGB, 8
        page = pdf.pages[number - 1]
        page.Resources.XObject = pikepdf.Dictionary({"/FormXob.0123abcd": image})
        drawing = f"q {right - left:.2f} 0 0 {top - bottom:.2f} {left:.2f} {bottom:.2f} cm /FormXob.0123abcd Do Q"
        append_to_page(pdf, number, drawing)

    return change


COVERED = {
    "a square annotation": (_annotation("Square", IC=[1, 1, 1], C=[1, 1, 1]), r"page \d+: /Annots"),
    "a link annotation": (_annotation("Link"), r"page \d+: /Annots"),
    "a white filled rectangle": (
        lambda leaflet: _over(leaflet, WARNING, lambda box: f"q 1 1 1 rg {_rect(box)} f Q"),
        r"covered by something drawn over it",
    ),
    "a rectangle in the text's own colour": (
        lambda leaflet: _over(leaflet, WARNING, lambda box: f"q .066667 .066667 .066667 rg {_rect(box)} f Q"),
        r"covered by something drawn over it",
    ),
    "an image drawn over it": (_image_over, r"covered by something drawn over it"),
    "a thick white stroke through it": (
        lambda leaflet: _over(
            leaflet,
            WARNING,
            lambda box: (
                f"q 1 1 1 RG 30 w {box[0]:.2f} {(box[1] + box[3]) / 2:.2f} m {box[2]:.2f} "
                f"{(box[1] + box[3]) / 2:.2f} l S Q"
            ),
        ),
        r"covered by something drawn over it",
    ),
    "a white stroke-only rectangle as wide as the text": (
        lambda leaflet: _over(leaflet, WARNING, lambda box: f"q 1 1 1 RG 40 w {_rect(box)} S Q"),
        r"covered by something drawn over it",
    ),
    "a white glyph stretched over it": (
        lambda leaflet: _over(
            leaflet,
            WARNING,
            lambda box: f"q 20 0 0 1 {box[0]:.2f} {box[1]:.2f} cm BT 1 0 0 1 0 0 Tm /F2+0 14 Tf 1 1 1 rg (M) Tj ET Q",
        ),
        r"covered by something drawn over it",
    ),
    "other text drawn over it": (
        lambda leaflet: _over(
            leaflet,
            WARNING,
            lambda box: (
                f"BT 1 0 0 1 {box[0]:.2f} {box[1] + 3:.2f} Tm /F2+0 11 Tf "
                "(Always drink alcohol with carisoprodol.) Tj ET"
            ),
        ),
        r"covered by something drawn over it",
    ),
    "other text drawn behind it": (
        lambda leaflet: _over(
            leaflet,
            WARNING,
            lambda box: f"BT 1 0 0 1 {box[0]:.2f} {box[1] + 3:.2f} Tm /F2+0 11 Tf (AAAAAAAAAAAAAAAAAAAAAAAA) Tj ET",
            under=True,
        ),
        r"covered by something drawn over it",
    ),
    "a dark background but at its centre": (
        lambda leaflet: _over(leaflet, WARNING, _dark_but_at_the_centre, under=True),
        r"contrast 1\.\d:1 against its background",
    ),
}


@pytest.mark.parametrize("how", COVERED, ids=COVERED)
def test_text_covered_by_anything_is_refused(run_cli, leaflet, tmp_path, how) -> None:
    make, problem = COVERED[how]
    bad = edited(leaflet, tmp_path / "bad.pdf", make(leaflet))
    refused(run_cli, bad, problem)


def test_an_annotation_added_as_an_incremental_update_is_refused(run_cli, leaflet, tmp_path) -> None:
    """A FreeText note 'A glass of wine is fine.' appended to the file, as a PDF editor saves it."""
    number, box = box_of(leaflet, WARNING)
    writer = PdfWriter(leaflet, incremental=True)
    note = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FreeText"),
            NameObject("/Rect"): ArrayObject(FloatObject(v) for v in box),
            NameObject("/Contents"): TextStringObject("A glass of wine is fine."),
            NameObject("/DA"): TextStringObject("/Helv 12 Tf 0 g"),
        }
    )
    writer.add_annotation(number - 1, note)
    bad = tmp_path / "bad.pdf"
    with bad.open("wb") as out:
        writer.write(out)
    assert bad.read_bytes().startswith(leaflet.read_bytes())  # the original bytes, then the update
    refused(run_cli, bad, r"an incremental update", rf"page {number}: /Annots")


# --- the page box moved ---------------------------------------------------------------------------------------------


def _on_page_one(key: str, value: object) -> Change:
    def change(pdf: pikepdf.Pdf) -> None:
        pdf.pages[0].obj[key] = value

    return change


PAGE_BOX = {
    "a MediaBox cutting off the top half": (_on_page_one("/MediaBox", [0, -400, 612, 392]), r"page 1: the page box"),
    "a MediaBox of another size": (_on_page_one("/MediaBox", [0, 0, 612, 500]), r"page 1: the page box .*paper"),
    "a CropBox with a shifted origin": (_on_page_one("/CropBox", [0, -400, 612, 392]), r"page 1: /CropBox"),
    "a rotated page": (_on_page_one("/Rotate", 180), r"page 1: the page is rotated"),
    "a user unit": (_on_page_one("/UserUnit", 3), r"page 1: /UserUnit"),
    "an open action": (
        lambda pdf: setattr(pdf.Root, "OpenAction", [pdf.pages[2].obj]),
        r"the document has /OpenAction",
    ),
    "JavaScript": (
        lambda pdf: setattr(pdf.Root, "Names", pikepdf.Dictionary(JavaScript=pikepdf.Dictionary(Names=[]))),
        r"the document has /Names",
    ),
}


@pytest.mark.parametrize("how", PAGE_BOX, ids=PAGE_BOX)
def test_a_moved_page_box_or_an_action_is_refused(run_cli, leaflet, tmp_path, how) -> None:
    change, problem = PAGE_BOX[how]
    refused(run_cli, edited(leaflet, tmp_path / "bad.pdf", change), problem)


# --- every expected item, not only the warnings ------------------------------------------------------------------

ITEMS = {
    "the last day": ("December 13, 2026", r"the last day to take it"),
    "the prescriber": ("Dr. Sam Lee, 555-0100", r"the prescriber in the prepared-for box"),
    "the clinic's phone": ("555-0199", r"the clinic's phone number"),
    "a dose-calendar day": ("Wed, Nov 25", r"dose calendar day 2 of 20"),
    "a time-of-day word": ("in the morning and in the evening", r"dose schedule row 2 of 3"),
}


@pytest.mark.parametrize("item", ITEMS, ids=ITEMS)
def test_every_expected_item_covered_is_refused(run_cli, leaflet, tmp_path, item) -> None:
    """Every run the item is printed in covered by a white rectangle (the clinic's phone is on every page)."""
    text, what = ITEMS[item]

    def change(pdf: pikepdf.Pdf) -> None:
        for number, box in boxes_of(leaflet, text):
            append_to_page(pdf, number, f"q 1 1 1 rg {_rect(box)} f Q")

    bad = edited(leaflet, tmp_path / "bad.pdf", change)
    problems = refused(run_cli, bad, what + r".*covered by something drawn over it")
    assert all(text not in problem for problem in problems)


@pytest.mark.parametrize("item", ["the last day", "the prescriber", "a dose-calendar day"])
def test_every_expected_item_with_a_lying_text_layer_is_refused(run_cli, leaflet, tmp_path, item) -> None:
    """A digit of the item drawn as another digit while the text layer still says the first."""
    text, _ = ITEMS[item]
    digit = next(char for char in text if char.isdigit())
    other = "7" if digit != "7" else "8"

    def change(pdf: pikepdf.Pdf) -> None:
        font = _font_of(pdf, text)
        replace_in_page(pdf, text, lambda page: page.replace(f"({text})", f"({text.replace(digit, other, 1)})"))
        _to_unicode_says(font, ord(other), digit)

    refused(run_cli, edited(leaflet, tmp_path / "bad.pdf", change), rf"code {ord(other)} draws a glyph that is not")


def test_shaped_names_still_pass(make, sample, tmp_path, run_cli, write_yaml) -> None:
    """Names in Arabic, Hebrew, Devanagari and Thai (ActualText written by the generator) pass, as built and
    as read back by `handout verify`."""
    for name in ("محمد عبد الله", "דוד כהן", "अनन्या शर्मा", "สมชาย ใจดี"):
        sample["patient"] |= {"name": name, "preferred_name": name.split()[0]}
        sample["prescriber"]["name"] = f"Dr. {name}"
        pdf = tmp_path / "shaped.pdf"
        pdf.write_bytes(make(sample).pdf)
        code, out, err = run_cli(
            "verify", str(pdf), "--patient", str(write_yaml("p.yaml", sample)), "--made-on", "2026-11-25"
        )
        assert code == 0, out + err


def test_a_shaped_name_whose_glyphs_are_another_name_is_refused(make, sample, tmp_path, run_cli) -> None:
    """The ActualText of a Hebrew name kept while one of its glyphs is swapped for another letter's."""
    sample["patient"] |= {"name": "דוד כהן", "preferred_name": "דוד"}
    pdf = tmp_path / "shaped.pdf"
    pdf.write_bytes(make(sample).pdf)

    def change(document: pikepdf.Pdf) -> None:
        page = document.pages[0]
        text = content(page)
        span = re.search(r"/Span <</ActualText <[0-9A-F]+>>> BDC\s+BT.*?\((.*?)\) Tj", text, re.S)
        assert span is not None
        codes = re.findall(r"\\\d{3}", span[1])
        other = next(code for code in codes if code != codes[0])
        swapped = span[1].replace(codes[0], other)  # every glyph of the first letter drawn as another letter
        set_content(document, page, text[: span.start(1)] + swapped + text[span.end(1) :])

    bad = edited(pdf, tmp_path / "bad.pdf", change)
    code, out, err = run_cli("verify", str(bad), "--topic", "carisoprodol", "--layout", "standard")
    assert code == 6, out + err
    assert "page 1: ActualText that does not say what its glyphs are" in out


def test_a_number_in_a_shaped_span_drawn_otherwise_is_refused(make, sample, tmp_path, run_cli) -> None:
    """The prescriber's phone inside the ActualText of a line with a Hebrew name, drawn with its digits in
    another order (the same glyphs, so only the numbers tell): the ActualText no longer says what is drawn."""
    sample["prescriber"] = {"name": "Dr. דוד כהן", "phone": "555-0100"}
    pdf = tmp_path / "shaped.pdf"
    pdf.write_bytes(make(sample).pdf)

    def change(document: pikepdf.Pdf) -> None:
        page = document.pages[0]
        text = content(page)
        span = re.search(r"/Span <</ActualText <[0-9A-F]+>>> BDC\s+BT.*?ET", text, re.S)
        assert span is not None and "555-0100" in span[0]
        set_content(document, page, text[: span.start()] + span[0].replace("555-0100", "555-0010") + text[span.end() :])

    bad = edited(pdf, tmp_path / "bad.pdf", change)
    code, out, err = run_cli("verify", str(bad), "--topic", "carisoprodol", "--layout", "standard")
    assert code == 6, out + err
    assert "page 1: ActualText whose numbers are not drawn as it says them" in out


def test_a_fresh_process_finds_every_face_the_leaflet_embeds(leaflet) -> None:
    """`handout verify` run on its own (nothing registered yet) proves every font of the sample leaflet, whose
    language-help notice sets Chinese and Korean in the CJK face cut to everyday text, and Arabic."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "generator", "verify", str(leaflet), "--patient", str(PATIENT), "--made-on", MADE_ON],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "not a face the generator embeds" not in done.stdout


def test_an_empty_box_drawn_for_a_missing_character_is_refused(run_cli, leaflet, tmp_path) -> None:
    """A code whose glyph is the face's missing-glyph box (ReportLab's code 0, for a character the face lacks)
    prints an empty box where a letter or a space belongs: refused where it is drawn, naming the font."""

    def change(pdf: pikepdf.Pdf) -> None:  # the first code the language-help notice's Chinese line draws
        for page in pdf.pages:
            fonts = page.obj.Resources.Font
            cjk = [str(name)[1:] for name, font in fonts.items() if "CJK" in str(font.BaseFont)]
            text = content(page)
            shown = re.search(rf"/({'|'.join(map(re.escape, cjk))}) [\d.]+ Tf [\d.]+ TL \((\\\d{{3}}|[^\\)])", text)
            if cjk and shown:
                set_content(pdf, page, text[: shown.start(2)] + "\\000" + text[shown.end(2) :])
                return
        raise AssertionError("no CJK text in the leaflet")

    problems = refused(run_cli, edited(leaflet, tmp_path / "box.pdf", change), r"an empty box drawn for a character")
    assert all("Maria" not in problem for problem in problems)


def test_a_korean_paragraph_with_curly_quotes_prints_its_spaces(tmp_path, run_cli) -> None:
    """Quotation marks outside the everyday CJK face make a paragraph take a face cut to its own characters; the
    cut holds the space and ASCII too, so no space prints as an empty box, and `handout verify` in a fresh
    process finds that face again."""
    import shutil
    import subprocess
    import sys

    library = tmp_path / "library"
    shutil.copytree(Path(__file__).parents[1] / "handouts", library)
    overview = library / "carisoprodol" / "overview.ko.yaml"
    text = overview.read_text(encoding="utf-8")
    assert "상품명 Soma" in text
    overview.write_text(text.replace("상품명 Soma", "상품명 \u2018Soma\u2019"), encoding="utf-8")
    output = tmp_path / "ko.pdf"
    common = ["--library", str(library), "--lang", "ko", "--made-on", MADE_ON]
    code, _, err = run_cli("build", "carisoprodol", *common, "--patient", str(PATIENT), "-o", str(output))
    assert code == 0, err
    done = subprocess.run(
        [sys.executable, "-m", "generator", "verify", str(output), *common, "--patient", str(PATIENT)],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
