"""The language-help notice: its lines each in their own language (PDF structure, HTML), its sources, a state's
language list, and an Arabic web page's left-to-right runs isolated."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest
import yaml
from helpers import CHROMIUM, CHROMIUM_FLAGS, pdf_text
from structure_checks import read_structure, same_text

from generator.content.labels import load_wording
from generator.content.language_help import notice_lines
from generator.content.notice_states import STATES_FILE, state_lists
from generator.html.markup import to_html
from generator.inputs.personalisation import Clinic
from generator.paths import library_root

SAMPLE_NOTICE = ["en", "es", "zh-Hans", "vi", "ar", "ko", "ru", "ht", "tl"]
"""The sample clinic's notice: English, then its list (`language_notice`)."""


def _notice_paragraphs(document, heading: str):
    """The paragraphs of the Sect headed `heading`, in order."""
    for node in document.walk():
        if node.role == "Sect" and any(kid.role == "H2" and same_text(kid.text, heading) for kid in _kids(node)):
            return [kid for kid in node.walk() if kid.role == "P"]
    raise AssertionError(f"no section headed {heading!r}")


def _kids(node):
    return [kid for kid in node.kids if not isinstance(kid, tuple)]


@pytest.mark.parametrize("language", ["en", "es"])
def test_each_pdf_notice_line_is_tagged_with_its_own_language(generator, topic_request, language) -> None:
    """The structure element of each line carries /Lang of its language (none for the leaflet's own, which the
    document's /Lang already says), read back from the file with pikepdf."""
    request = topic_request("methocarbamol", language)
    handout = generator.build(request, "test")
    tagged = read_structure(handout.pdf)
    assert str(tagged.pdf.Root.Lang) == language
    heading = load_wording(library_root(), language).labels.language_help_heading
    paragraphs = _notice_paragraphs(tagged.document, heading)
    lines = notice_lines(library_root(), request.clinic, language)
    assert [line.language for line in lines] == list(dict.fromkeys([*SAMPLE_NOTICE[:1], language, *SAMPLE_NOTICE]))
    assert len(paragraphs) == len(lines)
    for paragraph, line in zip(paragraphs, lines, strict=True):
        assert paragraph.lang == (None if line.language == language else line.language), line
        if line.language != "ar":  # PDFium gives Arabic in visual order (the ActualText is another issue's)
            assert same_text(paragraph.text, line.text), (paragraph.text, line.text)


def test_each_html_notice_line_has_its_lang_and_dir(generator, topic_request) -> None:
    request = topic_request("methocarbamol", "ar")
    page = generator.build_html(request, "test").html
    tree = lxml.html.document_fromstring(page)
    assert (tree.get("lang"), tree.get("dir")) == ("ar", "rtl")
    marked = [
        (p.get("lang"), p.get("dir"), " ".join(p.text_content().split())) for p in tree.iter("p") if p.get("lang")
    ]
    lines = notice_lines(library_root(), request.clinic, "ar")
    assert marked == [(line.language, "ltr", line.text) for line in lines if line.language != "ar"], (
        "every line but the page's own language carries lang and dir"
    )
    arabic = [p for p in tree.iter("p") if "".join(p.itertext()).strip() == lines[1].text]
    assert lines[1].language == "ar" and len(arabic) == 1 and arabic[0].get("lang") is None


def test_an_arabic_line_in_an_english_page_reads_right_to_left(generator, topic_request) -> None:
    page = generator.build_html(topic_request("methocarbamol", "en"), "test").html
    tree = lxml.html.document_fromstring(page)
    (arabic,) = [p for p in tree.iter("p") if p.get("lang") == "ar"]
    assert arabic.get("dir") == "rtl"
    assert [bdi.text for bdi in arabic.iter("bdi")] == ["555-0199"], "the phone kept left to right"


@pytest.mark.parametrize(
    ("markup", "isolated"),
    [
        ("تناول 750 mg (1,500 mg) كل مرة", ["750 mg", "(1,500 mg)"]),
        ("تناول methocarbamol (Robaxin) مع الطعام", ["methocarbamol (Robaxin)"]),
        ("اتصل بالرقم 1-800-FDA-1088 أو 1-800-222-1222.", ["1-800-FDA-1088", "1-800-222-1222"]),
        ("يصف <b>Dr. Sam Lee</b> الدواء", ["Dr. Sam Lee"]),
        ("حمض 5-HIAA في البول", ["5-HIAA"]),
    ],
)
def test_arabic_html_isolates_numbers_and_latin_names(markup, isolated) -> None:
    """Each number run and run of Latin words is a <bdi>, so a browser keeps "750 mg (1,500 mg)" in its order (not
    "mg (1,500 mg) 750"), as the PDF does; nothing else changes, and left-to-right pages get none."""
    html = to_html(markup, isolate=True)
    tree = lxml.html.fragment_fromstring(f"<p>{html}</p>")
    assert [bdi.text for bdi in tree.iter("bdi")] == isolated
    assert tree.text_content() == lxml.html.fragment_fromstring(f"<p>{markup}</p>").text_content()
    assert "<bdi>" not in to_html(markup)


def test_the_arabic_web_page_isolates_its_doses_and_verifies(generator, topic_request) -> None:
    """The whole Arabic page: the doses and phone numbers in <bdi>, and the HTML verifier (its closed world read from
    the template and markup.py) accepts it."""
    page = generator.build_html(topic_request("methocarbamol", "ar"), "test").html
    tree = lxml.html.document_fromstring(page)
    isolated = {bdi.text for bdi in tree.iter("bdi")}
    assert {"750", "1500", "555-0199", "1-800-222-1222", "methocarbamol", "Robaxin"} <= isolated
    assert all(bdi.getparent().tag in ("p", "td", "li", "strong", "h1", "h2", "th") for bdi in tree.iter("bdi"))


def test_the_spanish_line_is_hhs_sample_tagline_cited() -> None:
    labels = load_wording(library_root(), "es").labels
    assert labels.language_help.startswith("ATENCIÓN: Si habla español, tiene a su disposición servicios gratuitos")
    assert labels.language_help_origin == "hhs"
    assert any("cdc.gov" in source for source in labels.language_help_sources)
    for language in ["vi", "ko", "ru", "ht", "tl", "ar", "zh-Hans"]:
        machine = load_wording(library_root(), language).labels
        assert machine.origin == "machine" and machine.language_help_origin is None, language


def test_every_state_list_cites_its_source() -> None:
    lists = state_lists(library_root())
    assert set(lists) == {"OR", "CA"}
    assert len(lists["OR"].languages) == 14 and lists["CA"].languages == ["zh-Hans", "ko", "ru", "es", "vi"]
    raw = yaml.safe_load((library_root() / STATES_FILE).read_text(encoding="utf-8"))
    assert all(entry["sources"] for entry in raw.values())


def _clinic(**fields) -> Clinic:
    return Clinic.model_validate({"name": "Hill Clinic", "phone": "555-0123", **fields})


def test_a_state_adds_its_printable_languages_before_the_clinics_own() -> None:
    """The union: English, the leaflet's language, the state's languages this tool prints (in the state's order),
    then the clinic's list; each once."""
    lines = notice_lines(library_root(), _clinic(state="or", language_notice=["ht", "es"]), "vi")
    assert [line.language for line in lines] == ["en", "vi", "es", "ru", "ar", "zh-Hans", "ko", "ht"]
    assert notice_lines(library_root(), _clinic(state="CA"), "en", "short") == notice_lines(
        library_root(), _clinic(), "en", "short"
    ), "a short notice (trifold) stays English and the leaflet's language"


def test_a_state_prints_in_the_leaflet_and_warns_of_what_it_cannot(run_cli, tmp_path, write_yaml) -> None:
    clinic = write_yaml("clinic.yaml", {"clinic": {"name": "Hill Clinic", "phone": "555-0123", "state": "OR"}})
    output = tmp_path / "o.pdf"
    code, _, err = run_cli("build", "low-back-pain", "--clinic", str(clinic), "-o", str(output))
    assert code == 0, err
    assert "clinic.state: the language-help notice is not printed in 8 of Oregon's 14 languages" in err
    assert "(so, fa, ro, sw, my, ne, am, ps)" in err
    text = pdf_text(output)
    for language in ["es", "ru", "zh-Hans", "vi", "ko"]:
        assert load_wording(library_root(), language).labels.language_help.format(phone="555-0123") in text
    assert load_wording(library_root(), "tl").labels.language_help.format(phone="555-0123") not in text


def test_california_prints_every_language_it_lists_without_a_warning(run_cli, tmp_path, write_yaml) -> None:
    clinic = write_yaml("clinic.yaml", {"clinic": {"name": "Hill Clinic", "phone": "555-0123", "state": "CA"}})
    code, _, err = run_cli("build", "low-back-pain", "--clinic", str(clinic), "-o", str(tmp_path / "o.pdf"))
    assert code == 0 and "clinic.state" not in err, err


@pytest.mark.parametrize(
    ("state", "message"),
    [
        ("XX", "Error: clinic.state: no language list for 'XX' (states with one: CA, OR)"),
        ("Oregon", "clinic.state: string should match pattern"),
    ],
)
def test_an_unknown_state_is_one_line_naming_the_field(run_cli, tmp_path, write_yaml, state, message) -> None:
    clinic = write_yaml("clinic.yaml", {"clinic": {"name": "Hill Clinic", "phone": "555-0123", "state": state}})
    output = tmp_path / "o.pdf"
    code, _, err = run_cli("build", "low-back-pain", "--clinic", str(clinic), "-o", str(output))
    assert code == 2 and message in err and len(err.strip().splitlines()) == 1, err
    assert not output.exists()


@pytest.fixture(scope="module")
def leaflets(tmp_path_factory) -> dict[str, object]:
    """The sample leaflet in the standard layout, the trifold and one-page (methocarbamol), made once."""
    from generator.cli import main

    folder = tmp_path_factory.mktemp("notice")
    made = {}
    for layout in ["standard", "trifold", "one-page"]:
        made[layout] = folder / f"{layout}.pdf"
        assert main(["build", "methocarbamol", "--layout", layout, "-o", str(made[layout])]) == 0
    return made


def test_verify_without_a_patient_checks_the_notice_of_the_clinic_named(run_cli, leaflets, write_yaml) -> None:
    """With --clinic (or a config file), every line the layout prints must be there; another clinic's notice (its
    phone, its languages) fails; the trifold's short notice and one-page's none are held to what they print."""
    from generator.paths import SAMPLES

    sample = str(SAMPLES / "clinic.yaml")
    code, out, _ = run_cli("verify", str(leaflets["standard"]), "--clinic", sample)
    assert code == 0 and "Language-help notice: 9 line(s) with the clinic's phone checked" in out, out
    other = write_yaml("other.yaml", {"clinic": {"name": "Hill Clinic", "phone": "555-0123", "state": "CA"}})
    code, out, _ = run_cli("verify", str(leaflets["standard"]), "--clinic", str(other))
    assert code == 6 and "PROBLEM: the language-help notice's line in 'ko': missing" in out, out
    code, out, _ = run_cli("verify", str(leaflets["trifold"]), "--clinic", sample)
    assert code == 0 and "Language-help notice: 1 line(s)" in out, out
    code, out, _ = run_cli("verify", str(leaflets["one-page"]), "--clinic", sample)
    assert code == 0 and "Language-help notice: 0 line(s)" in out, out


def test_verify_without_a_clinic_says_the_notice_is_not_checked(run_cli, leaflets, monkeypatch) -> None:
    monkeypatch.delenv("HANDOUT_CONFIG", raising=False)
    code, out, _ = run_cli("verify", str(leaflets["standard"]))
    assert code == 0 and "Language-help notice: not checked (no --clinic or config file" in out, out


def test_verify_with_a_config_file_checks_its_clinic(run_cli, leaflets, write_yaml, monkeypatch) -> None:
    config = write_yaml("config.yaml", {"clinic": {"name": "Hill Clinic", "phone": "555-0123"}})
    monkeypatch.setenv("HANDOUT_CONFIG", str(config))
    code, out, _ = run_cli("verify", str(leaflets["standard"]))
    assert code == 6 and "PROBLEM: the language-help notice's line in 'en': missing" in out, out


_LEFT_OF = """(pieces) => pieces.map(([word, start, length]) => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const at = node.data.indexOf(word);
    if (at >= 0) {
      const range = document.createRange();
      range.setStart(node, at + start);
      range.setEnd(node, at + start + length);
      return range.getBoundingClientRect().left;
    }
  }
  return null;
})"""
"""The left edge, as shown, of each piece: `length` characters from `start` of the first text holding `word`."""


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's Chromium is not installed (apt-get install chromium)")
def test_chromium_shows_an_arabic_dose_in_its_order() -> None:
    """In a real browser, the isolated runs read right to left in their order ("750 mg" right of "(1,500 mg)"); the
    same text without <bdi> shows "mg (1,500 mg) 750", the dose's number left of the total."""
    from playwright.sync_api import sync_playwright

    text = "تناول 750 mg (1,500 mg) كل مرة"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        tab = browser.new_context().new_page()
        found = {}
        for isolate in (True, False):
            tab.set_content(
                f'<!DOCTYPE html><html lang="ar" dir="rtl"><body><p>{to_html(text, isolate)}</p></body></html>'
            )
            found[isolate] = tab.evaluate(_LEFT_OF, [["750 mg", 0, 3], ["750 mg", 4, 2], ["(1,500", 0, 6]])
        browser.close()
    number, unit, total = found[True]
    assert total < number < unit, found  # "(1,500 mg) 750 mg" from the left: read right to left, each run in order
    number, unit, total = found[False]
    assert unit < total < number, found  # without <bdi>: "mg (1,500 mg) 750", the unit torn from its number


def test_an_arabic_line_in_an_english_pdf_reads_right_to_left(generator, topic_request, tmp_path) -> None:
    """Set as Arabic is written: right-aligned, and its phone number, which the sentence ends with, at its left end
    (read last), as Poppler finds the glyphs drawn; the other lines stay left-aligned."""
    from test_typesetting import _lines

    pdf = generator.build(topic_request("methocarbamol", "en"), "test").pdf
    heading = load_wording(library_root(), "en").labels.language_help_heading
    for page in range(len(read_structure(pdf).pdf.pages), 0, -1):
        lines = _lines(pdf, tmp_path, page)
        if any(" ".join(word for _, _, word in line[3]) == heading for line in lines):
            break
    arabic = [
        line
        for line in lines
        if any("\u0600" <= c <= "\u06ff" or "\ufb50" <= c <= "\ufeff" for _, _, w in line[3] for c in w)
    ]
    assert len(arabic) == 1, arabic
    left, _, right, words = arabic[0]
    phone = next(x0 for x0, _, word in words if "555-0199" in word)
    assert phone == min(x0 for x0, _, _ in words), words  # the phone is the leftmost word: read last
    english = next(line for line in lines if line[3] and line[3][0][2] == "Free" and "language" in line[3][1][2])
    assert left > english[0] + 100 and right >= max(line[2] for line in lines) - 30, (arabic[0], english)
