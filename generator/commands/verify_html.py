"""`handout verify` for an HTML leaflet: the page must be in the generator's closed world and show what it should.

The same options as for a PDF where they make sense: the topics are --topic's, else the patient file's, else
those the page names in its keywords; the language is --lang's, else the patient's, else the page's `lang`.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from generator.commands.common import make_generator
from generator.commands.verify import Outcome, named_topics, patient_expectations, print_outcome, required_warnings
from generator.errors import InputError

if TYPE_CHECKING:
    from generator.verify.html.tree import Page


@dataclass(frozen=True)
class _Head:
    """What an HTML leaflet says about itself."""

    topics: list[str]
    """The topics its keywords name."""
    language: str | None
    """Its `lang`."""


def cmd_verify_html(args: argparse.Namespace) -> int:
    """Check an HTML leaflet: exit 0 when it is all there, else list each problem and exit 6."""
    from generator.verify.html import check_html
    from generator.verify.html.tree import read_page

    if args.password:
        raise InputError("--password: only for a PDF; an HTML leaflet has none")
    page = _read_html(Path(args.pdf), args.pdf)
    head = _head(read_page(page))
    generator = make_generator(args)
    if args.patient:
        variants, language, topics, _ = patient_expectations(args, generator, None, lambda: head.topics)
    else:
        topics = named_topics(generator, args.topic or head.topics, args.pdf, "HTML page")
        expected, language = required_warnings(generator, topics, args.lang or head.language, args.pdf)
        variants = [expected]
    problems = min((check_html(page, expected) for expected in variants), key=len)
    print_outcome(args, generator, Outcome(problems, variants[0], topics, language), "HTML, the generator's markup")
    print("Content chain: none in an HTML leaflet (its PDF records it)")
    return 6 if problems else 0


def _head(page: Page) -> _Head:
    from generator.personalise import keyword_topics

    keywords, language = "", None
    for element in page.root.iter():
        given = dict(element.attributes)
        if element.tag == "html":
            language = given.get("lang") or None
        elif element.tag == "meta" and given.get("name") == "keywords":
            keywords = given.get("content") or ""
    return _Head(keyword_topics(keywords), language)


def _read_html(path: Path, where: str) -> str:
    """The page's text; an error naming the file when it cannot be read as UTF-8."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(f"{where}: no such file") from None
    except (OSError, UnicodeDecodeError):
        raise InputError(f"{where}: not a readable UTF-8 HTML page") from None
