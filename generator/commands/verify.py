"""`handout verify`: what a finished PDF (or HTML page) shows, checked against what it should.

Heavy imports stay inside the commands so `handout --help` is instant.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.commands.common import make_generator
from generator.commands.verify_notice import NOT_CHECKED, notice_expectations
from generator.errors import InputError

if TYPE_CHECKING:
    from generator.content.chain import ContentChain
    from generator.layouts import Layout
    from generator.pipeline import Generator
    from generator.verify import Expected, VisibilityRules
    from generator.verify.reader import Page


def cmd_verify(args: argparse.Namespace) -> int:
    """Check that a PDF visibly shows every required warning of its topics (and, with --patient, the
    prescriptions); the topics are --topic's, else the patient file's, else those the PDF names."""
    from generator.verify import check_pages
    from generator.verify.closed import check_file
    from generator.verify.reader import read_pages, read_topics
    from generator.verify.rendered.audit import check_rendered

    if is_html(Path(args.pdf)):
        from generator.commands.verify_html import cmd_verify_html

        if args.ocr:
            raise InputError("--ocr: reads the rendered pages of a PDF; this is an HTML page")

        return cmd_verify_html(args)
    generator = make_generator(args)
    rules = generator.visibility_rules(args.layout)
    notice: list[Expected] | None = None
    if args.patient:
        pages = read_pages(Path(args.pdf), args.pdf, args.password)  # a missing or locked PDF is said first
        variants, language, topics, fits = patient_expectations(args, generator, pages)
        checked = [(check_pages(pages, expected, rules), expected) for expected in variants]
        problems, expected = min(checked, key=lambda found: len(found[0]))
        if not fits:
            problems.insert(0, "its pages fit no installed layout (their orientation or their number)")
    else:
        named = args.topic or read_topics(Path(args.pdf), args.pdf, args.password)
        topics = named_topics(generator, named, args.pdf) if named else []
        pages = read_pages(Path(args.pdf), args.pdf, args.password)
        topics = topics or named_topics(generator, [], args.pdf)
        expected, language = required_warnings(generator, topics, args.lang, args.pdf)
        notice = notice_expectations(args, generator, pages, language)
        expected += notice or []
        problems = check_pages(pages, expected, rules)
    pdf = Path(args.pdf).read_bytes()  # the file was read above
    ocr = language if args.ocr else ""
    rendered = check_rendered(pdf, pages, expected, rules, args.pdf, args.password or "", ocr)
    problems = check_file(pdf, args.password) + problems + rendered.problems
    chain = _read_chain(args)
    if not args.patient:  # with --patient the line is expected as a build today would print it
        problems = list(dict.fromkeys(problems + _draft_line(chain, generator, pages, language, rules)))
    print_outcome(args, generator, Outcome(problems, expected, topics, language), f"{len(pages)} pages")
    if not args.patient:
        print(
            NOT_CHECKED
            if notice is None
            else f"Language-help notice: {len(notice)} line(s) with the clinic's phone checked"
        )
    if rendered.read is not None and not problems:
        print(f"OCR ({ocr}): {rendered.read} of {len(expected)} pieces read as printed (see docs/verification.md)")
    unrecorded = _print_chain(chain, generator, topics, language)
    if problems:
        return 6
    if unrecorded:
        print(f"Error: {args.pdf}: {unrecorded} printed file(s) missing from its content chain", file=sys.stderr)
        return 6
    return 0


@dataclass(frozen=True)
class Outcome:
    """What a check of one leaflet found, and what it checked."""

    problems: list[str]
    expected: list[Expected]
    topics: list[str]
    language: str


def print_outcome(args: argparse.Namespace, generator: Generator, outcome: Outcome, extent: str) -> None:
    """Each problem on stdout and an error line on stderr, else the OK line naming what was checked; `extent` ends
    it ("3 pages")."""
    for problem in outcome.problems:
        print(f"PROBLEM: {problem}")
    topics = outcome.topics
    personal = f"patient, prescriber and dose schedule{'s' if len(topics) > 1 else ''}" if args.patient else ""
    checked = "required warnings" + (f", {personal}" if personal else "")
    named = ", ".join(f"'{topic}'" for topic in topics)
    if outcome.problems:
        print(f"Error: {args.pdf}: {len(outcome.problems)} problem(s) with the {checked} of {named}", file=sys.stderr)
        return
    shown = sum(item.what.startswith("required warning") for item in outcome.expected)
    medicine = any(generator.library.topic(topic).medicine for topic in topics)
    print(f"OK: {args.pdf}: {shown} required warnings of {named} ({outcome.language}) visible", end="")
    print(f"; the {personal} match" if personal and medicine else "", end="")
    print(f" ({extent})")


def required_warnings(
    generator: Generator, topics: list[str], lang: str | None, where: str
) -> tuple[list[Expected], str]:
    """Every required warning of the topics, in `lang` (else the default language), and that language."""
    from generator.inputs.selection import resolve_language
    from generator.verify import Expected

    language = ""
    for topic_name in topics:
        language = resolve_language(generator.library, topic_name, lang, None, where)
    sentences = dict.fromkeys(s for topic in topics for s in generator.required_sentences(topic, language))
    return [Expected(f'required warning "{s}"', s) for s in sentences], language


def is_html(path: Path) -> bool:
    """Whether the file is an HTML page (by its first bytes; a missing file is left to the PDF reader to report)."""
    try:
        with path.open("rb") as file:
            start = file.read(64)
    except OSError:
        return path.suffix.lower() in (".html", ".htm")
    return start.lstrip().lower().startswith((b"<!doctype html", b"<html"))


def _read_chain(args: argparse.Namespace) -> ContentChain | None:
    """The content chain the PDF's XMP records; None when it records none."""
    from generator.verify.chain import parse_chain, read_xmp

    xmp = read_xmp(Path(args.pdf), args.password)
    return parse_chain(xmp, args.pdf) if xmp is not None else None


def _draft_line(
    chain: ContentChain | None, generator: Generator, pages: list[Page], language: str, rules: VisibilityRules
) -> list[str]:
    """What is wrong with page 1's line saying the content is not yet approved by the clinic, which a leaflet
    whose content chain records a draft must show (nothing is expected of approved content, or without a chain)."""
    from generator.content.labels import load_wording
    from generator.verify import check_pages
    from generator.verify.expect import draft_expectations

    if chain is None or chain.summary == "approved" or not pages:
        return []
    expected = draft_expectations(None, load_wording(generator.library.root, language), page=1)
    return check_pages(pages[:1], expected, rules)


def named_topics(generator: Generator, named: list[str], where: str, kind: str = "PDF") -> list[str]:
    """The topics named (by topic, medicine or brand name), each once; an error when there are none."""
    from generator.inputs.selection import resolve_topic

    if not named:
        raise InputError(f"{where}: topic: the {kind} names no topic; give --topic (once for each medicine)")
    return list(dict.fromkeys(resolve_topic(generator.library, topic, None, where) for topic in named))


def could_have_made(layout: Layout, pages: list[Page] | None, medicines: int) -> bool:
    """Whether `layout` makes pages like these: its orientation, and no more than its pages (times the
    medicines: each has its own). Any layout could have made an HTML page (no pages)."""
    if pages is None:
        return True
    landscape = bool(pages) and pages[0].width > pages[0].height
    most = layout.max_pages and layout.max_pages * max(1, medicines)
    return (layout.orientation == "landscape") == landscape and not (most and len(pages) > most)


def patient_expectations(
    args: argparse.Namespace,
    generator: Generator,
    pages: list[Page] | None,
    page_topics: Callable[[], list[str]] | None = None,
) -> tuple[list[list[Expected]], str, list[str], bool]:
    """What a leaflet made for --patient must show, as `handout build` would have made it: one list per way a
    layout can print it (short or long dates, with or without the calendar), --layout's only, else those of every
    installed layout that can hold it and could have made `pages` (its orientation, no more than its pages: a
    five-page portrait leaflet is not held to the one-page layout, which has no calendar); the language and the
    topics; and whether some layout could have made the pages (with --layout: held to it whatever they are).
    `page_topics` reads the topics an HTML page names (no `pages`): its expectations are then the HTML
    version's."""
    from generator.inputs.personalisation import choose_clinic, read_personalisation
    from generator.inputs.selection import resolve_topic
    from generator.paths import SAMPLES, config_path
    from generator.pipeline import HandoutRequest
    from generator.prescription.policy import read_policy
    from generator.verify.reader import read_topics

    patient_file = Path(args.patient)
    data = read_personalisation(patient_file)
    config = config_path(args.config)
    clinic = choose_clinic(data, Path(args.clinic) if args.clinic else None, config, SAMPLES / "clinic.yaml")
    named = args.topic or []
    if len(named) > 1 or (data.prescriptions and named):
        raise InputError("--topic: one topic for a patient file of one prescription or none; none for several")
    if not named and data.prescription is None and not data.prescriptions:
        named = page_topics() if page_topics else read_topics(Path(args.pdf), args.pdf, args.password)
        if len(named) > 1:  # no prescription: the topic the leaflet names
            message = f"the {'HTML page' if page_topics else 'PDF'} is for several medicines; the patient file has none"
            raise InputError(f"{patient_file}: prescriptions: {message}")
    topic = resolve_topic(generator.library, (named or [None])[0], data, args.pdf)
    variants: dict[tuple[Expected, ...], None] = {}
    language, topics = "", [topic]
    made_on = args.made_on or dt.date.today()
    names = [args.layout] if args.layout else generator.layouts.names()
    medicines = len(data.prescriptions)
    fitting = [name for name in names if args.layout or could_have_made(generator.layout(name), pages, medicines)]
    for name in fitting or names:  # none fits: every layout's, and the caller says the pages fit none
        layout = generator.layout(name)
        if data.prescriptions and not layout.several_medicines:
            continue
        request = HandoutRequest(topic, data, clinic, made_on, name, language=args.lang, policy=read_policy(config))
        prepared = generator.prepare(request, str(patient_file))
        variants[prepared.expected_html if page_topics else prepared.expected] = None
        language, topics = prepared.language, list(prepared.leaflet.topics)
    if not variants:
        holds = f"layout '{args.layout}' holds" if args.layout else "every installed layout holds"
        raise InputError(f"--layout: {holds} one medicine; this patient file has several")
    return [list(expected) for expected in variants], language, topics, bool(fitting)


def _print_chain(chain: ContentChain | None, generator: Generator, topics: list[str], language: str) -> int:
    """Print the content chain the PDF's XMP records, each file held against the library as it is now; how many
    files the leaflet prints that the chain does not record (none when the PDF records no chain)."""
    from generator.verify.chain import chain_lines, unrecorded

    if chain is None:
        print("Content chain: none in the PDF's XMP (made before leaflets recorded one, or not by patient-handouts)")
        return 0
    for line in chain_lines(chain, generator.library):
        print(line)
    missing = unrecorded(chain, generator.library, topics, language)
    for problem in missing:
        print(f"PROBLEM: {problem}")
    return len(missing)
