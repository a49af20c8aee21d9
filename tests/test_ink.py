"""Ink on the page: every run an expected piece is found in, rendered, shows the ink its glyphs cover.

Real leaflets of every layout, in English and Spanish, with names in other scripts, pass; copies tampered
so that the text layer and the page reader still find the warning while the page shows too little ink
(outlines emptied, the warning clipped away, a viewer's annotation over it) are refused, naming the piece
and the page. (The closed world refuses these files too; ink is a second, independent line. A dark box
behind the text or text drawn over it the page reader refuses itself, so ink never looks at them.)
"""

from __future__ import annotations

from typing import Any

import pytest
from tampering import (
    clipped_away,
    edit_embedded_font,
    edit_text_object,
    empty_outlines,
    square_annotation_over,
)

from generator.render.fontfiles import system_file
from generator.verify.reader import read_pages
from generator.verify.rendered.ink import INK_BAND, ink_problems

LAYOUTS = ["standard", "a4", "large-print", "one-page", "one-sheet", "trifold", "grayscale"]
LEAFLETS = [
    (layout, language) for layout in LAYOUTS for language in ("en", "es") if (layout, language) != ("one-page", "es")
]
"""Every layout in English and Spanish, but Spanish carisoprodol on one side (refused, pointing to one-sheet)."""
WARNING = "Never drink alcohol with carisoprodol."
_needs_cjk = pytest.mark.skipif(
    system_file("NotoSansCJK-Regular.ttc") is None, reason="Debian's fonts-noto-cjk is not installed"
)


def _ink(handout: Any, pdf: bytes | None = None) -> list[str]:
    data = handout.pdf if pdf is None else pdf
    return ink_problems(data, read_pages(data, "test"), list(handout.checks.expected), handout.checks.rules, "test")


def _fits(sample: dict[str, Any], layout: str) -> dict[str, Any]:
    """The sample patient; for one page, without the taper (as a one-page leaflet holds it)."""
    if layout == "one-page":
        sample["prescription"] = {k: v for k, v in sample["prescription"].items() if k not in ("taper", "last_day")}
    return sample


@pytest.mark.parametrize(("layout", "language"), LEAFLETS)
def test_every_real_leaflet_shows_its_ink(make, sample, layout, language) -> None:
    handout = make(_fits(sample, layout), layout=layout, language=language)
    assert _ink(handout) == []


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("محمد عبد الله", id="arabic"),
        pytest.param("דוד כהן", id="hebrew"),
        pytest.param("सीता राम", id="devanagari"),
        pytest.param("สมชาย ใจดี", id="thai"),
        pytest.param("Łukasz Nguyễn Zoë", id="latin"),
        pytest.param("张伟", id="chinese", marks=_needs_cjk),
        pytest.param("김민준", id="korean", marks=_needs_cjk),
    ],
)
@pytest.mark.parametrize("layout", ["standard", "large-print", "trifold"])
def test_names_in_other_scripts_show_their_ink(make, sample, layout, name) -> None:
    sample["patient"] |= {"name": name, "preferred_name": name.split()[0]}
    assert _ink(make(sample, layout=layout)) == []


def _warning_box(pdf: bytes) -> tuple[float, float, float, float]:
    return next(run.box for run in read_pages(pdf, "test")[0].runs if run.text == WARNING)


def _without_outlines(pdf: bytes) -> bytes:
    return edit_embedded_font(pdf, "NotoSans-Regular", empty_outlines)


def _clipped(pdf: bytes) -> bytes:
    return edit_text_object(pdf, 0, WARNING.encode(), clipped_away)


def _annotated(pdf: bytes) -> bytes:
    return square_annotation_over(pdf, 0, _warning_box(pdf))


@pytest.mark.parametrize(
    ("tamper", "said"),
    [
        pytest.param(_without_outlines, "too little ink", id="outlines emptied"),
        pytest.param(_clipped, "too little ink", id="clipped away"),
        pytest.param(_annotated, "too little ink", id="a square annotation over it"),
    ],
)
def test_a_warning_without_its_ink_is_refused(make, sample, tamper, said) -> None:
    handout = make(sample)
    problems = _ink(handout, tamper(handout.pdf))
    assert f'required warning "{WARNING}": page 1: {said}' in "\n".join(problems), problems


def test_emptied_outlines_refuse_every_piece_set_in_that_face(make, sample) -> None:
    handout = make(sample)
    problems = "\n".join(_ink(handout, _without_outlines(handout.pdf)))
    for what in ("the patient's name in the prepared-for box", "the prescriber in the prepared-for box"):
        assert f"{what}: page 1: too little ink" in problems, problems
    assert "Maria" not in problems and "Lopez" not in problems  # the patient's name is never said


def test_handout_verify_refuses_a_copy_whose_warning_is_clipped_away(make, sample, run_cli, tmp_path) -> None:
    clipped = tmp_path / "clipped.pdf"
    clipped.write_bytes(_clipped(make(sample).pdf))
    code, out, err = run_cli("verify", str(clipped))
    assert code == 6, out + err
    assert f'PROBLEM: required warning "{WARNING}": page 1: too little ink at 4.5:1' in out


def test_the_band_is_a_band() -> None:
    low, high = INK_BAND
    assert 0 < low < 1 < high
