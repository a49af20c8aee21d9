"""Every layout profile x the carisoprodol topic x several personalisations, read back with pypdf."""

from __future__ import annotations

import io

import pytest
import yaml
from helpers import pdf_pages_text
from layout_checks import text_runs
from pypdf import PdfReader
from reportlab.lib.units import inch

from generator.errors import LayoutError
from generator.render.document import page_geometry
from generator.verify import missing_sentences

PROFILES = ["standard", "a4", "large-print", "one-page", "trifold", "grayscale"]
LONG_NAME = "Bartholomew Alexander Fitzgerald-Montgomery " * 4 + "Nguyễn Thị Minh Khai-Łukasz Zoë Müller"
PERSONAS = {
    "short-name": {"patient": {"name": "Al Li", "preferred_name": "Al"}},
    "long-name": {"patient": {"name": LONG_NAME[:200], "preferred_name": "Bart"}},
    "long-clinic": {
        "clinic": {
            "name": "Riverside Family and Community Health Clinic of the Greater Lakeside Metropolitan Area",
            "phone": "555-0199 ext. 2231",
            "after_hours": "555-0111 (nurse advice line, every night)",
        }
    },
    "vietnamese": {"patient": {"name": "Nguyễn Thị Minh Khai", "preferred_name": "Khai"}},
    "no-taper-older": {"patient": {"age": 81}, "prescription": {"taper": [], "last_day": None, "days_supply": 10}},
}
TOLERANCE = 0.6
FOOTER_LINE = ("Questions? Call", "Content version", "Page ", "Made ")
"""How the footer line's pieces begin (English)."""


def _personalise(sample, persona: str):
    for section, values in PERSONAS[persona].items():
        sample.setdefault(section, {})
        for key, value in values.items():
            if value is None:
                sample[section].pop(key, None)
            else:
                sample[section][key] = value
    return sample


@pytest.fixture(params=PERSONAS, scope="function")
def persona(request) -> str:
    return request.param


@pytest.mark.parametrize("profile", PROFILES)
def test_profile(make, sample, generator, profile, persona) -> None:
    layout = generator.layout(profile)
    data = _personalise(sample, persona)
    try:
        handout = make(data, layout=profile)
    except LayoutError as exc:
        # Only the one-page profile may refuse, and only with the clear one-line error.
        assert profile == "one-page", str(exc)
        assert "allows 1 page(s) but the content needs" in str(exc)
        return
    pages = pdf_pages_text(handout.pdf)
    assert missing_sentences(pages, generator.required_sentences("carisoprodol", "en")) == []
    if layout.max_pages:
        assert len(pages) <= layout.max_pages
    if profile == "one-page":
        assert len(pages) == 1
    page = page_geometry(layout, layout.paper)
    reader = PdfReader(io.BytesIO(handout.pdf))
    assert round(float(reader.pages[0].mediabox.width)) == round(page.width)
    runs = text_runs(handout.pdf)
    assert runs
    for run in runs:
        assert not run.missing_glyphs(), run
        footer = layout.sizes.footer or layout.sizes.small
        if run.text.strip().startswith(FOOTER_LINE) or run.y <= page.bottom + 3 * footer:  # the footer line
            assert run.size >= footer - 0.01, run
        else:
            assert run.size >= layout.min_font_size - 0.01, run
        assert run.y >= page.bottom - TOLERANCE, run
        assert run.y + run.size * 0.75 <= page.height - page.top + TOLERANCE, run
        if layout.format == "trifold":
            panel = (page.width - page.left - page.right) / 3
            inset = layout.panel_margin_in * inch
            starts = [page.left + i * panel + inset for i in range(3)]
            assert any(
                s - TOLERANCE <= run.x and run.x + run.width <= s + panel - 2 * inset + TOLERANCE for s in starts
            ), run
        else:
            assert run.x >= page.left - TOLERANCE, run
            assert run.x + run.width <= page.width - page.right + TOLERANCE, run


def test_large_print_sizes(generator) -> None:
    layout = generator.layout("large-print")
    assert layout.font.size >= 16 and layout.min_font_size >= 14
    assert layout.sizes.heading > layout.font.size and layout.columns == 1
    assert layout.font.family == "atkinson-hyperlegible" and not layout.text_over_color


def test_large_print_has_nothing_under_its_minimum_footer_included(make, sample, generator) -> None:
    """The large-print footer carries the clinic's phone: it is set at the layout's minimum like the rest."""
    layout = generator.layout("large-print")
    runs = text_runs(make(sample, layout="large-print").pdf)
    footer = [run for run in runs if run.text.strip().startswith(FOOTER_LINE)]
    assert footer and min(run.size for run in footer) >= layout.min_font_size - 0.01
    assert min(run.size for run in runs) >= layout.min_font_size - 0.01


def test_large_print_uses_atkinson(make, sample) -> None:
    """Every face is Atkinson Hyperlegible's, with a clinic whose language-help notice is in English only (the
    notice's other scripts are set in their own faces)."""
    sample["clinic"] = {"name": "Hill Clinic", "phone": "555-0123"}
    reader = PdfReader(io.BytesIO(make(sample, layout="large-print").pdf))
    fonts = {str(f.get_object()["/BaseFont"]) for p in reader.pages for f in p["/Resources"]["/Font"].values()}
    assert fonts and all("AtkinsonHyperlegible" in f for f in fonts)


def test_grayscale_has_no_colour(make, sample) -> None:
    for pdf in (make(sample, layout="grayscale").pdf, make(sample, grayscale=True).pdf):
        content = b"".join(p.get_contents().get_data() for p in PdfReader(io.BytesIO(pdf)).pages)
        for line in content.split(b"\n"):
            if line.endswith((b" rg", b" RG")):
                r, g, b = (float(v) for v in line.split()[-4:-1])
                assert r == g == b, line


def test_trifold_panel_order(make, sample) -> None:
    """Outside: cover on the right third, contact details in the middle; inside on side 2."""
    handout = make(sample, layout="trifold")
    runs = text_runs(handout.pdf)
    width = float(PdfReader(io.BytesIO(handout.pdf)).pages[0].mediabox.width)
    title = next(r for r in runs if "Carisoprodol (Soma)" in r.text and r.page == 1)
    contact = next(r for r in runs if "Contact us" in r.text)
    assert title.x > width * 2 / 3
    assert contact.page == 1 and width / 3 < contact.x < width * 2 / 3
    assert handout.pages == 2


def test_one_page_points_to_the_full_leaflet(make, sample) -> None:
    sample["prescription"] = {k: v for k, v in sample["prescription"].items() if k not in ("taper", "last_day")}
    text = " ".join(pdf_pages_text(make(sample, layout="one-page").pdf)).replace("\n", "")
    assert "example.org/leaflets/carisoprodol" in text.replace(" ", "")


def test_one_page_refuses_content_that_cannot_fit(run_cli, library_copy, tmp_path) -> None:
    block = library_copy / "shared" / "get-help.yaml"
    text = block.read_text(encoding="utf-8")
    filler = "".join(f'  - text: "{"A long paragraph about staying safe. " * 12}"\n' for _ in range(12))
    # The one-page prints the block's `short` body: make both too long.
    block.write_text(
        text.replace("body:\n", "body:\n" + filler, 1).replace("short:\n", "short:\n" + filler, 1), encoding="utf-8"
    )
    output = tmp_path / "o.pdf"
    code, _, err = run_cli(
        "build", "carisoprodol", "--layout", "one-page", "--library", str(library_copy), "-o", str(output)
    )
    assert code == 4
    assert "layout 'one-page' allows 1 page(s) but the content needs 2" in err
    assert not output.exists()


BAD_PROFILES = {
    "unknown-key": ({"extends": "standard", "colour": "red"}, "bad.yaml: colour: unknown field"),
    "unknown-font": (
        {"extends": "standard", "font": {"family": "comic-sans"}},
        "font.family: unknown font 'comic-sans'",
    ),
    "cycle": ({"extends": "bad"}, "bad.yaml: extends: cycle bad -> bad"),
    "unknown-kind": (
        {"extends": "standard", "may_drop": ["horoscope"]},
        "may_drop[0]: no topic has a block of kind 'horoscope'",
    ),
    "too-small": (
        {"extends": "standard", "min_font_size": 10.5},
        "sizes.small: 10.0 pt is below min_font_size 10.5 pt",
    ),
    "footer-too-small": ({"extends": "standard", "sizes": {"footer": 7}}, "sizes.footer: 7.0 pt is below 8 pt"),
    "unknown-parent": ({"extends": "poster"}, "bad.yaml: extends: unknown layout 'poster'"),
    "unknown-instead": ({"extends": "one-page", "when_too_long": "poster"}, "when_too_long: unknown layout 'poster'"),
}


@pytest.mark.parametrize("case", BAD_PROFILES.values(), ids=BAD_PROFILES.keys())
def test_bad_profile(run_cli, tmp_path, layouts_copy, case) -> None:
    profile, expected = case
    (layouts_copy / "bad.yaml").write_text(yaml.safe_dump(profile), encoding="utf-8")
    code, _, err = run_cli(
        "build", "carisoprodol", "--layout", "bad", "--layouts", str(layouts_copy), "-o", str(tmp_path / "o.pdf")
    )
    assert code == 4, err
    assert expected in err
    assert err.count("\n") == 1


def test_clinic_logo_from_clinic_file(run_cli, tmp_path, write_yaml) -> None:
    from PIL import Image

    Image.new("RGB", (120, 60), (20, 80, 120)).save(tmp_path / "logo.png")
    clinic = write_yaml("clinic.yaml", {"clinic": {"name": "Logo Clinic", "phone": "555-0101", "logo": "logo.png"}})
    output = tmp_path / "out.pdf"
    code, _, err = run_cli("build", "carisoprodol", "--clinic", str(clinic), "-o", str(output))
    assert code == 0, err
    page = PdfReader(output).pages[0]
    assert any(x.get_object()["/Subtype"] == "/Image" for x in page["/Resources"]["/XObject"].values())


def test_logo_is_never_read_from_patient_input(run_cli, tmp_path, sample, write_yaml) -> None:
    sample["clinic"] = {"name": "X", "phone": "1", "logo": "/etc/passwd"}
    patient = write_yaml("patient.yaml", sample)
    code, _, err = run_cli("build", "carisoprodol", "--patient", str(patient), "-o", str(tmp_path / "o.pdf"))
    assert code == 2
    assert "clinic.logo: a logo file may only come from the clinic file or config" in err


def test_clinic_logo_that_is_not_an_image(run_cli, tmp_path, write_yaml) -> None:
    (tmp_path / "logo.png").write_text("not an image")
    clinic = write_yaml("clinic.yaml", {"name": "Logo Clinic", "phone": "555-0101", "logo": "logo.png"})
    code, _, err = run_cli("build", "carisoprodol", "--clinic", str(clinic), "-o", str(tmp_path / "o.pdf"))
    assert code == 2
    assert "is not a readable PNG or JPEG image" in err


def test_profile_may_shorten_an_optional_block(run_cli, library_copy, edit_block, layouts_copy, tmp_path) -> None:
    short = [{"text": "Ask your care team about stretching, heat and physical therapy."}]
    edit_block("carisoprodol/alternatives", lambda block: block.update(short=short))
    (layouts_copy / "brief.yaml").write_text("extends: standard\nmay_shorten: [alternatives]\n", encoding="utf-8")
    outputs = {}
    for layout in ("standard", "brief"):
        outputs[layout] = tmp_path / f"{layout}.pdf"
        args = ["build", "carisoprodol", "--library", str(library_copy), "--layouts", str(layouts_copy)]
        assert run_cli(*args, "--layout", layout, "-o", str(outputs[layout]))[0] == 0
    full, brief = (" ".join(pdf_pages_text(outputs[name])) for name in ("standard", "brief"))
    assert "stretching, heat and physical therapy" in " ".join(brief.split())
    assert "stretching, heat and physical therapy" not in " ".join(full.split())
