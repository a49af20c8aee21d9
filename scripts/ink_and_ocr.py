"""Measure what the ink band and the OCR tolerance rest on, over real leaflets.

    python scripts/ink_and_ocr.py [--ocr]

Builds the sample carisoprodol leaflet in every layout, in English and Spanish, and on the standard,
large-print and trifold layouts with the patient's name in other scripts; prints the spread of each
expected run's ink as a share of what its glyphs cover (generator.verify.rendered.ink.INK_BAND is set from it)
and, with --ocr, how many pieces Tesseract misreads at all, with the tolerance off (slow: seconds a page).
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics

from generator.commands.common import make_generator
from generator.inputs.personalisation import Personalisation, choose_clinic, read_personalisation
from generator.paths import SAMPLES
from generator.pipeline import Generator, Handout, HandoutRequest
from generator.verify.check import found_runs
from generator.verify.reader import read_pages
from generator.verify.rendered import ocr
from generator.verify.rendered.ink import INK_SCALE, MIN_PIXELS, ink_of
from generator.verify.rendered.raster import rendered

NAMES = ["Maria Lopez", "محمد عبد الله", "דוד כהן", "सीता राम", "สมชาย ใจดี", "张伟", "山田 花子", "김민준"]
MADE_ON = dt.date(2026, 11, 25)


def leaflets(generator: Generator, data: Personalisation) -> list[tuple[str, Handout]]:
    """(label, leaflet) for every layout x language, and the names in other scripts on three layouts."""
    clinic = choose_clinic(data, None, None, SAMPLES / "clinic.yaml")
    made = []
    for layout in generator.layouts.names():
        one_step = data.prescription.model_copy(update={"taper": [], "last_day": None})  # what one page holds
        base = data.model_copy(update={"prescription": one_step}) if layout == "one-page" else data
        for language in ("en", "es"):
            names = NAMES if layout in ("standard", "large-print", "trifold") and language == "en" else NAMES[:1]
            for name in names:
                person = base.model_copy(update={"patient": base.patient.model_copy(update={"name": name})})
                request = HandoutRequest("carisoprodol", person, clinic, MADE_ON, layout, language=language)
                made.append((f"{layout} {language} {name}", generator.build(request, "measure")))
    return made


def ink_shares(handout: Handout) -> list[float]:
    """Each measurable expected run's ink as a share of what its glyphs cover."""
    pages = read_pages(handout.pdf, "measure")
    found = found_runs(pages, list(handout.checks.expected), handout.checks.rules)
    wanted = {page for item in found if item for page, _ in item.runs}
    shares = []
    for index, raster in rendered(handout.pdf, wanted, INK_SCALE, False, "measure"):
        runs = {run for item in found if item for page, run in item.runs if page == index}
        for run in sorted(runs):
            shown, glyphs = ink_of(raster, pages[index].runs, run)
            if glyphs and glyphs >= MIN_PIXELS:
                shares.append(shown / glyphs)
    return shares


def misreads(label: str, handout: Handout) -> None:
    """Print every piece OCR reads with any character differently (the tolerance off)."""
    ocr.OCR_BUDGET = 10**9  # every misread character counts
    pages = read_pages(handout.pdf, "measure")
    expected = list(handout.checks.expected)
    problems, compared = ocr.ocr_problems(
        handout.pdf, pages, expected, handout.checks.rules, handout.language, "measure"
    )
    print(f"OCR {label}: {compared} of {len(expected)} pieces compared, {len(problems)} with a misread")
    for problem in problems:
        print(f"  {problem}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ocr", action="store_true", help="also count OCR misreads (slow)")
    args = parser.parse_args()
    generator = make_generator(argparse.Namespace(library=None, layouts=None))
    made = leaflets(generator, read_personalisation(SAMPLES / "patient.yaml"))
    shares = [share for _, handout in made for share in ink_shares(handout)]
    print(f"ink: {len(shares)} runs of {len(made)} leaflets: share of the glyphs' area {min(shares):.3f} to ", end="")
    print(f"{max(shares):.3f}, median {statistics.median(shares):.3f}")
    if args.ocr:
        for label, handout in made:
            if label.endswith(NAMES[0]):
                misreads(label.removesuffix(NAMES[0]).strip(), handout)


if __name__ == "__main__":
    main()
