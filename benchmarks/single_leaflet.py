"""Median time to make one leaflet in one process, per layout profile.

    python benchmarks/single_leaflet.py [--runs 15]

Reports, for the sample patient: median ms per leaflet for the whole pipeline
(personalise + render + verify) and for render alone, ms per page, and page count.
The first build of each profile (fonts, parsing) is a warm-up and not counted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time
from collections.abc import Callable

from generator.cli import make_generator
from generator.dosing import check_course
from generator.inputs import choose_clinic, read_personalisation
from generator.labels import load_wording
from generator.paths import SAMPLES
from generator.personalise import personalise
from generator.pipeline import HandoutRequest
from generator.render import render_pdf


def _median_ms(action: Callable[[], object], runs: int) -> float:
    action()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    generator = make_generator(argparse.Namespace(library=None, layouts=None))
    data = read_personalisation(SAMPLES / "patient.yaml")
    clinic = choose_clinic(data, None, None, SAMPLES / "clinic.yaml")
    made_on = dt.date(2026, 11, 25)
    topic = generator.library.topic("carisoprodol")
    wording = load_wording(generator.library.root, "en")
    course = check_course(data.prescription, topic, "bench")
    print(f"{'layout':<12} {'pages':>5} {'full ms':>8} {'render ms':>9} {'full ms/page':>12}")
    for name in generator.layouts.names():
        request = HandoutRequest("carisoprodol", data, clinic, made_on, layout=name)
        pages = generator.build(request, "bench").pages
        layout = generator.layout(name)
        leaflet = personalise(generator.library, "carisoprodol", "en", layout, data, clinic, course, wording, made_on)
        full = _median_ms(lambda request=request: generator.build(request, "bench"), args.runs)
        render = _median_ms(lambda leaflet=leaflet, layout=layout: render_pdf(leaflet, layout, layout.paper), args.runs)
        print(f"{name:<12} {pages:>5} {full:>8.1f} {render:>9.1f} {full / pages:>12.1f}")


if __name__ == "__main__":
    main()
