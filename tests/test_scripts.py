"""Names in every script a clinic's patients use print with their own letters, in visual order, shaped.

What proves it, read back from the finished PDF:
- Poppler's word boxes (`pdftotext -bbox`) hold each word of the name with exactly its letters
  (compared as multisets after NFKC, since Arabic comes back as presentation forms and
  ligatures such as U+FDF4 for Muhammad), on one line, left to right for left-to-right
  scripts and right to left (first word rightmost) for Arabic and Hebrew;
- for Devanagari, whose conjuncts have no code point of their own, each word's glyphs are
  exactly the ones HarfBuzz chooses for it in that font (so conjuncts are formed, none is blank);
- every character of every text run exists in the font it is set in (no box), and the name is
  set in its script's font.
"""

from __future__ import annotations

import collections
import html
import io
import re
import subprocess
import sys
import unicodedata

import pikepdf
import pytest
import uharfbuzz
from layout_checks import text_runs
from reportlab.pdfbase import pdfmetrics

from generator.inputs.personalisation import parse_personalisation
from generator.render.fontfiles import system_file
from generator.render.text import prepare

_CJK = system_file("NotoSansCJK-Regular.ttc") is not None
_needs_cjk = pytest.mark.skipif(not _CJK, reason="Debian's fonts-noto-cjk is not installed")
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>')

NAMES = [
    pytest.param("Łukasz Nguyễn Zoë", "ltr", "noto-sans", id="latin"),
    pytest.param("Γιώργος Παπαδόπουλος", "ltr", "noto-sans", id="greek"),
    pytest.param("Дмитрий Иванов", "ltr", "noto-sans", id="cyrillic"),
    pytest.param("محمد عبد الله", "rtl", "ibm-plex-sans-arabic", id="arabic"),
    pytest.param("پرویز مریم", "rtl", "ibm-plex-sans-arabic", id="persian"),
    pytest.param("דוד כהן", "rtl", "heebo", id="hebrew"),
    pytest.param("สมชาย ใจดี", "ltr", "noto-sans-thai", id="thai"),
    pytest.param("张伟", "ltr", "noto-sans-cjk", id="chinese", marks=_needs_cjk),
    pytest.param("山田 花子", "ltr", "noto-sans-cjk", id="japanese", marks=_needs_cjk),
    pytest.param("김민준", "ltr", "noto-sans-cjk", id="korean", marks=_needs_cjk),
]


def _glyph_layer(pdf: bytes) -> bytes:
    """The PDF without its ActualText spans, so text extraction reads the glyphs as drawn.

    Shaped text (Arabic, Hebrew, Devanagari, Thai) carries ActualText, which readers, copying and the
    verifier use; these tests look under it, at the order and shapes of the glyphs themselves.
    """
    with pikepdf.open(io.BytesIO(pdf)) as document:
        for page in document.pages:
            kept, skipping = [], []
            for operands, operator in pikepdf.parse_content_stream(page):
                name = str(operator)
                if name in ("BDC", "BMC"):
                    actual = name == "BDC" and "/ActualText" in operands[1]
                    skipping.append(actual)
                    if actual:
                        continue
                elif name == "EMC" and skipping and skipping.pop():
                    continue
                kept.append((operands, operator))
            page.Contents = document.make_stream(pikepdf.unparse_content_stream(kept))
        out = io.BytesIO()
        document.save(out)
    return out.getvalue()


def _actual_text_words(pdf: bytes, tmp_path) -> list[str]:
    """Page 1's words as a reader (Poppler, honouring ActualText) gives them."""
    return [text for _, _, text in _words(pdf, tmp_path, glyphs=False)]


def _words(pdf: bytes, tmp_path, glyphs: bool = True) -> list[tuple[float, float, str]]:
    """(x, y, text) of each word on page 1, as Poppler finds them (by default, of the glyphs as drawn)."""
    path = tmp_path / "leaflet.pdf"
    path.write_bytes(_glyph_layer(pdf) if glyphs else pdf)
    out = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-bbox", str(path), "-"], capture_output=True, text=True)
    return [(float(x), float(y), html.unescape(t)) for x, y, t in _WORD.findall(out.stdout)]


def _letters(text: str) -> collections.Counter[str]:
    return collections.Counter(c for c in unicodedata.normalize("NFKC", text) if not c.isspace())


def _name_line(words: list[tuple[float, float, str]], name: str, same) -> list[float]:
    """The x position of each word of `name`, on the topmost line that holds them all (fonts may differ in height)."""
    parts = name.split()
    for _, y0, text in sorted(words, key=lambda w: w[1]):
        if same(text, parts[0]):
            line = [(x, t) for x, y, t in words if abs(y - y0) < 5]
            found = [next((x for x, t in line if same(t, part)), None) for part in parts]
            if None not in found:
                return found  # type: ignore[return-value]
    raise AssertionError(f"the name's words are not on one line of page 1: {[w[2] for w in words][:60]}")


def _runs_are_whole(pdf: bytes, name: str, family: str) -> None:
    runs = text_runs(pdf)
    assert all(not run.missing_glyphs() for run in runs), [r for r in runs if r.missing_glyphs()]
    name_runs = [r for r in runs if _letters(name) & _letters(r.text) and not r.text.isascii()]
    # a CJK name is set in a face cut from its family for the characters it needs ("noto-sans-cjk-<digest>")
    assert any(r.font.removesuffix("-bold").startswith(family) for r in name_runs), name_runs


@pytest.mark.parametrize("layout", ["standard", "large-print"])
@pytest.mark.parametrize(("name", "direction", "family"), NAMES)
def test_names_print_in_their_script(make, sample, tmp_path, layout, name, direction, family) -> None:
    sample["patient"] |= {"name": name, "preferred_name": name.split()[0]}
    sample["prescriber"]["name"] = name
    pdf = make(sample, layout=layout).pdf
    xs = _name_line(_words(pdf, tmp_path), name, lambda text, part: _letters(text) == _letters(part))
    assert xs == sorted(xs, reverse=direction == "rtl"), xs
    _runs_are_whole(pdf, name, family)
    if family in ("ibm-plex-sans-arabic", "heebo", "noto-sans-thai"):  # shaped: a reader gets the name as typed
        assert name in " ".join(_actual_text_words(pdf, tmp_path))


@pytest.mark.parametrize("layout", ["large-print", "trifold"])
def test_a_long_right_to_left_name_wraps_first_words_first(make, sample, tmp_path, layout) -> None:
    name = "عبد الرحمن بن محمد بن عبد الله بن عبد العزيز بن فيصل بن تركي آل سعود"
    sample["patient"]["name"] = name
    pdf = make(sample, layout=layout).pdf
    arabic = set(name.replace(" ", ""))
    words = [(x, y, t) for x, y, t in _words(pdf, tmp_path) if set(unicodedata.normalize("NFKC", t)) & arabic]
    first = min(y for _, y, _ in words)
    lines = collections.defaultdict(list)
    for x, y, text in words:
        if y - first < 60:  # the prepared-for box
            lines[round(y)].append((x, text))
    assert len(lines) >= 2
    read = [text for y in sorted(lines) for _, text in sorted(lines[y], reverse=True)]  # each line right to left
    assert [_letters(w) for w in read[: len(name.split())]] == [_letters(w) for w in name.split()]


def _harfbuzz_text(word: str, font_name: str) -> str:
    """The characters ReportLab writes for `word` shaped by HarfBuzz in `font_name` (its features)."""
    face = pdfmetrics.getFont(font_name).face
    font = uharfbuzz.Font(uharfbuzz.Face(uharfbuzz.Blob.from_file_path(face.filename)))
    buffer = uharfbuzz.Buffer()
    buffer.add_str(word)
    buffer.guess_segment_properties()
    uharfbuzz.shape(font, buffer, {"kern": True, "liga": True, "dlig": True})
    assert all(info.codepoint for info in buffer.glyph_infos), "a glyph is missing from the font"
    return "".join(chr(face.glyphToChar[info.codepoint][0]) for info in buffer.glyph_infos)


@pytest.mark.parametrize(("layout", "font_name"), [("standard", "noto-sans"), ("large-print", "noto-sans-devanagari")])
def test_devanagari_conjuncts_are_shaped(make, sample, tmp_path, layout, font_name) -> None:
    name = "अनुष्का शर्मा"
    sample["patient"]["name"] = name
    pdf = make(sample, layout=layout).pdf
    xs = _name_line(_words(pdf, tmp_path), name, lambda text, part: text == _harfbuzz_text(part, font_name))
    assert xs == sorted(xs)
    assert _harfbuzz_text("ष्क", font_name) != "ष्क"  # the conjunct really is a glyph of its own
    _runs_are_whole(pdf, name, font_name)


def test_right_to_left_names_keep_the_sentence_around_them(sample) -> None:
    """A right-to-left name is isolated: the comma and phone number after it stay after it."""
    from generator.render.fonts import register_family

    register_family("noto-sans")
    hebrew = "\u05d3\u05d5\u05d3 \u05db\u05d4\u05df"  # David Cohen
    prepared = prepare(f"Dr. {hebrew}, 555-0100 (call)", "noto-sans")
    assert prepared.shaping and prepared.bidi
    # HarfBuzz reverses the word again: the page shows "Dr. " + the name right to left + ", 555-0100 (call)"
    david, cohen = hebrew.split()
    assert prepared.markup == f'Dr. <font face="heebo">,{david}\u00a0{cohen}</font> 555-0100 (call)'


def test_shaped_text_is_the_same_bytes_whatever_was_shaped_before(make, sample, tmp_path, write_yaml) -> None:
    """Glyphs without a code point get fixed private-use codes, so a process's history changes nothing."""
    for other in ("प्रिया", "कृष्ण दीप्ति", "لمياء إبراهيم"):
        make({**sample, "patient": {"name": other}})
    sample["patient"]["name"] = "अनुष्का शर्मा"
    in_process = make(sample).pdf
    patient = write_yaml("patient.yaml", sample)
    out = tmp_path / "alone.pdf"
    args = ["build", "carisoprodol", "--patient", str(patient), "--made-on", "2026-11-25", "-o", str(out)]
    subprocess.run([sys.executable, "-m", "generator", *args], check=True, capture_output=True)
    assert out.read_bytes() == in_process


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("አበበ በቀለ", "no font can print Ethiopic letters"),
        ("Ali-محمد", "a word starts with left-to-right letters and goes on in right-to-left ones"),
    ],
)
def test_text_no_font_can_print_fails_naming_the_script(run_cli, sample, write_yaml, tmp_path, name, message) -> None:
    sample["patient"]["name"] = name
    out = tmp_path / "out.pdf"
    code, _, err = run_cli("build", "carisoprodol", "--patient", str(write_yaml("p.yaml", sample)), "-o", str(out))
    assert code == 5 and message in err and err.count("\n") == 1
    assert name not in err and not out.exists()


def test_a_missing_system_font_is_named(sample, write_yaml, tmp_path) -> None:
    """Without fonts-noto-cjk the build stops naming the script and the package, never printing blanks."""
    sample["patient"]["name"] = "张伟"
    empty = tmp_path / "fonts"
    empty.mkdir()
    args = ["build", "carisoprodol", "--patient", str(write_yaml("p.yaml", sample)), "-o", str(tmp_path / "o.pdf")]
    env = {**__import__("os").environ, "HANDOUT_FONT_DIRS": str(empty)}
    done = subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True, env=env)
    assert done.returncode == 5
    assert done.stderr.startswith("Error: cannot print Han letters: the font file NotoSansCJK-Regular.ttc")
    assert "fonts-noto-cjk" in done.stderr and "张" not in done.stderr
    assert not (tmp_path / "o.pdf").exists()


@pytest.mark.parametrize(
    ("char", "rule"),
    [
        ("\u0085", "contains a control character"),
        ("\u009b", "contains a control character"),
        ("\u202e", "contains a bidirectional control character"),
        ("\u202a", "contains a bidirectional control character"),
        ("\u2067", "contains a bidirectional control character"),
        ("\u2069", "contains a bidirectional control character"),
        ("\u200f", "contains a bidirectional control character"),
        ("\u2028", "contains a line or paragraph separator"),
        ("\u2029", "contains a line or paragraph separator"),
        ("\U0001f600", "contains an emoji or pictograph, which a leaflet cannot print"),
        ("\u2764\ufe0f", "contains an emoji or pictograph"),
        ("\U0001f1fa\U0001f1f8", "contains an emoji or pictograph"),
        ("\ue000", "contains an invisible, private-use or unassigned character"),
        ("\u200b", "contains an invisible, private-use or unassigned character"),
    ],
)
@pytest.mark.parametrize("field", ["patient.name", "patient.preferred_name", "prescriber.name", "clinic.address"])
def test_unprintable_characters_are_refused_naming_the_field(sample, char, rule, field) -> None:
    from generator.errors import InputError

    sample["clinic"] = {"name": "Riverside", "phone": "555-0199", "address": "12 Main St"}
    section, key = field.split(".")
    sample[section][key] = f"Maria{char} Lopez"
    with pytest.raises(InputError) as caught:
        parse_personalisation(sample, "p.yaml")
    assert str(caught.value).startswith(f"p.yaml: {field}: {rule}")
    assert "Maria" not in str(caught.value)


def test_joiners_stay_allowed(sample) -> None:
    sample["patient"]["name"] = "مهر\u200cانگیز"  # Persian names need the zero-width non-joiner
    assert parse_personalisation(sample, "p.yaml").patient.name == "مهر\u200cانگیز"


@pytest.mark.parametrize(
    ("clinic_name", "family"),
    [("عيادة النهر", "ibm-plex-sans-arabic"), ("מרפאת הנהר", "heebo"), ("คลินิกริมน้ำ", "noto-sans-thai")],
    ids=["arabic", "hebrew", "thai"],
)
def test_a_clinic_name_in_a_shaped_script_prints_in_bold(tmp_path, clinic_name, family) -> None:
    """The clinic's name at the top of the page is set in its script's bold face, in a fresh process: there the
    bold face is registered before the regular one (which the footer's name needs), which once made ReportLab
    refuse the family, then print the bold name in the regular face."""
    import yaml

    from generator.paths import SAMPLES

    clinic = yaml.safe_load((SAMPLES / "clinic.yaml").read_text())
    clinic["clinic"]["name"] = clinic_name
    (tmp_path / "clinic.yaml").write_text(yaml.safe_dump(clinic, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "out.pdf"
    args = [
        "build",
        "carisoprodol",
        "--clinic",
        str(tmp_path / "clinic.yaml"),
        "--made-on",
        "2026-11-25",
        "-o",
        str(out),
    ]
    done = subprocess.run([sys.executable, "-m", "generator", *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    pdf = out.read_bytes()
    from generator.render.fonts import register_family

    for drawn_with in ("noto-sans", family):  # the faces the other process drew with, so text_runs can measure
        register_family(drawn_with)
    named = [r for r in text_runs(pdf) if r.page == 1 and _letters(clinic_name) & _letters(r.text)]
    letterhead = max(named, key=lambda run: run.y)  # the bold name at the top of the page
    assert letterhead.font == f"{family}-bold" and not letterhead.missing_glyphs(), named
    assert clinic_name in " ".join(_actual_text_words(pdf, tmp_path))


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("\u0301\u0302", "has no letter, digit or sign to print"),
        ("\u200d", "has no letter, digit or sign to print"),
        ("\u200c \u00ad", "has no letter, digit or sign to print"),
        ("\u0301Maria Lopez", "contains a combining mark that follows no letter (it would print on its own)"),
        ("Maria \u0308Lopez", "contains a combining mark that follows no letter (it would print on its own)"),
    ],
)
def test_a_name_with_nothing_to_print_is_an_input_error(run_cli, sample, write_yaml, tmp_path, name, rule) -> None:
    """Refused as input (exit 2) before anything is drawn: marks alone printed as if they were a name, and
    joiners alone made a leaflet the verifier refused (exit 6)."""
    sample["patient"]["name"] = name
    out = tmp_path / "out.pdf"
    code, _, err = run_cli("build", "carisoprodol", "--patient", str(write_yaml("p.yaml", sample)), "-o", str(out))
    assert (code, err) == (2, f"Error: {tmp_path / 'p.yaml'}: patient.name: {rule}\n")
    assert not out.exists()


def test_decomposed_letters_with_their_marks_are_names(sample) -> None:
    sample["patient"]["name"] = "Jose\u0301 Nguye\u0302\u0303n"  # marks after their letters (NFD)
    assert parse_personalisation(sample, "p.yaml").patient.name == "Jose\u0301 Nguye\u0302\u0303n"


def test_a_face_cut_later_is_the_same_bytes(tmp_path, monkeypatch) -> None:
    """Faces cut from the packaged fonts keep the original's timestamp: two processes (or machines) that cut a
    face a second apart embed the same font, so the same inputs give the same PDF (a fresh cache once gave a
    batch's Dask workers and its own process different bytes)."""
    import time

    from generator.render.fontfiles import CACHE_ENV, package_file, static_face, subset_face, system_file

    variable = package_file("fontpkg_heebo", "Heebo[wght].ttf")  # a small variable font: quick to cut
    cjk = system_file("NotoSansCJK-Regular.ttc")
    cuts = []
    for folder in ("first", "second"):
        monkeypatch.setenv(CACHE_ENV, str(tmp_path / folder))
        faces = [static_face(variable, 700)] + ([subset_face(cjk, 0, "张伟")] if cjk else [])
        cuts.append([face.read_bytes() for face in faces])
        time.sleep(1.1)  # fontTools writes the time of saving, to the second, unless told not to
    assert cuts[0] == cuts[1]
