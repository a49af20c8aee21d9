"""`handout lint`: checks a whole content library and reports every problem with its file and field."""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.content.approval_lint import Level, approval_findings, topic_status
from generator.content.approvals import APPROVALS_FILE, DEFAULT_REVIEW_MONTHS, ApprovalBook
from generator.content.block import Block
from generator.content.combinations import CLASSES_FILE, load_classes
from generator.content.labels import LABELS_FOLDER, label_languages, load_wording
from generator.content.library import DEFAULT_LANGUAGE, SAMPLE_FILE, SHARED_FOLDER, TOPIC_FILE, Library, load_block
from generator.content.ndc import product_key
from generator.content.readability import Readability, measure
from generator.content.schema import parse_model
from generator.content.templating import holds, render_markup, template_problems
from generator.content.terms import TERMS_FILE, TermList, TextPiece, load_terms, unexplained_terms
from generator.content.topic import Topic, TopicWords
from generator.content.translation_state import translation_findings
from generator.errors import ContentError, HandoutError
from generator.inputs.personalisation import choose_clinic, read_personalisation
from generator.paths import SAMPLES
from generator.personalise import fill_block, template_context
from generator.prescription.dosing import make_schedule
from generator.verify import normalise
from generator.yamlio import load_mapping

GRADE_WARNING = 8.0
"""Blocks and topics above this US grade level get a warning."""


@dataclass(frozen=True)
class Finding:
    """One finding: an error fails the lint, a warning does not, information is only said."""

    level: Level
    where: str
    message: str

    def __str__(self) -> str:
        return f"{self.level.upper()}: {self.where}: {self.message}"


@dataclass
class LintReport:
    """Everything lint found, plus the readability table."""

    findings: list[Finding] = field(default_factory=list)
    readability: list[Readability] = field(default_factory=list)

    @property
    def errors(self) -> int:
        """How many errors."""
        return sum(f.level == "error" for f in self.findings)

    @property
    def warnings(self) -> int:
        """How many warnings."""
        return sum(f.level == "warning" for f in self.findings)

    def add(self, level: Level, where: Path | str, message: str) -> None:
        """Record one finding."""
        self.findings.append(Finding(level, str(where), message))


def _plain(markup: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", markup))


def _sentence(text: str) -> str:
    """Text ending like a sentence, so readability counts a bullet as one."""
    return text if text.rstrip().endswith((".", "?", "!", ":")) else text + "."


def _sample_context(
    library: Library, topic_name: str, topic: Topic, language: str, words: TopicWords, today: dt.date
) -> dict[str, Any]:
    """The names templates of `topic` may use, filled from the topic's sample input and the sample clinic.

    Raises ContentError when a medicine topic has no sample or its sample is refused.
    """
    sample = library.sample_path(topic_name)
    if sample is None and topic.medicine:
        raise ContentError(f"{SAMPLE_FILE}: missing: a medicine topic ships a sample prescription")
    try:
        data = read_personalisation(library.sample_input(topic_name))
        schedule = make_schedule(data.prescription, topic, str(sample)) if topic.medicine else None
    except HandoutError as exc:
        raise ContentError(f"{SAMPLE_FILE}: {exc}") from None
    clinic = choose_clinic(data, None, None, SAMPLES / "clinic.yaml")
    wording = load_wording(library.root, language)
    return template_context(data, clinic, topic, words, schedule, wording, today)


class _Linter:
    def __init__(self, root: Path, today: dt.date, max_grade: float | None, months: int) -> None:
        self.library = Library(root)
        self.root, self.today, self.max_grade, self.months = root, today, max_grade, months
        self.approvals = ApprovalBook(self.library)
        self.report = LintReport()
        self.used: set[Path] = set()
        self.codes: dict[str, list[str]] = {}
        self.ndcs: dict[str, list[str]] = {}
        self.terms = TermList(terms=[])

    def run(self) -> LintReport:
        for language in label_languages(self.root):
            try:
                load_wording(self.root, language)
            except ContentError as exc:
                self.report.add("error", self.root / LABELS_FOLDER / f"{language}.yaml", str(exc).split(": ", 1)[-1])
        self._load_terms()
        for name in self.library.topic_names():
            self._topic(name)
        for kind, owners in (("RxCUI", self.codes), ("NDC", self.ndcs)):
            for code, topics in sorted(owners.items()):
                if len(topics) > 1:
                    message = f"{kind} {code} selects more than one topic ({', '.join(topics)})"
                    self.report.add("error", self.root, message)
        self._unused_files()
        for where, message in translation_findings(self.library):
            self.report.add("info", where, message)
        for level, where, message in approval_findings(self.approvals, self.today, self.months):
            self.report.add(level, where, message)
        return self.report

    def _topic(self, name: str) -> None:
        path = self.library.topic_path(name)
        try:
            topic = parse_model(Topic, load_mapping(path, ContentError), str(path), ContentError)
        except ContentError as exc:
            self.report.add("error", path, str(exc).removeprefix(f"{path}: "))
            return
        for code in topic.codes:
            self.codes.setdefault(code.rxcui, []).append(name)
            for item in code.ndcs:  # by its 5-4 digits: 0093-3420 and 00093-3420 are one product
                key = product_key(item.ndc)
                self.ndcs.setdefault(f"{key[:5]}-{key[5:]}", []).append(name)
        known = load_classes(self.root)
        for key in (key for key in topic.classes if key not in known):
            self.report.add(
                "error",
                path,
                f"classes: unknown class '{key}' (known: {', '.join(known) or 'none'}; see {CLASSES_FILE})",
            )
        languages = self._languages(name)
        for language in languages:
            if language != DEFAULT_LANGUAGE and not (self.root / LABELS_FOLDER / f"{language}.yaml").is_file():
                self.report.add("error", path, f"blocks in '{language}' but no {LABELS_FOLDER}/{language}.yaml")
                continue
            try:
                words = self.library.topic_words(name, language)
            except ContentError as exc:
                self.report.add("error", path.with_name(f"topic.{language}.yaml"), str(exc).split(": ", 1)[-1])
                words = self.library.topic_words(name, DEFAULT_LANGUAGE)  # reported: check the blocks all the same
            self._topic_language(name, topic, language, words)
            status = topic_status(self.approvals, name, language, self.today, self.months)
            if status is not None:
                self.report.add("info", f"{name} ({language})", status)

    def _load_terms(self) -> None:
        path = self.root / TERMS_FILE
        try:
            self.terms = load_terms(self.root)
        except ContentError as exc:
            self.report.add("error", path, str(exc).removeprefix(f"{path}: "))
            return
        for language in label_languages(self.root):
            missing = [(index, term.term) for index, term in enumerate(self.terms.terms) if language not in term.words]
            if missing and self._machine_draft(language):  # a translator adds the words with the translation
                message = f"terms: no '{language}' words for {len(missing)} terms: not checked in this machine draft"
                self.report.add("info", path, message)
                continue
            for index, term in missing:
                self.report.add("warning", path, f"terms[{index}] ({term}): no '{language}' words, not checked")

    def _machine_draft(self, language: str) -> bool:
        """Whether the language's labels file is a machine draft (`origin: machine`)."""
        try:
            return load_wording(self.root, language).labels.origin == "machine"
        except ContentError:
            return False  # reported with the labels

    def _languages(self, name: str) -> list[str]:
        found = {DEFAULT_LANGUAGE} | {p.suffixes[-2].lstrip(".") for p in (self.root / name).glob("*.*.yaml")}
        return sorted(found)

    def _topic_language(self, name: str, topic: Topic, language: str, words: TopicWords) -> None:
        try:
            context = _sample_context(self.library, name, topic, language, words, self.today)
        except ContentError as exc:
            self.report.add("error", self.library.topic_path(name).parent, str(exc))
            return
        texts: list[str] = []
        pieces: list[TextPiece] = []
        checked: list[tuple[Path, Block, list[TextPiece]]] = []
        for ref in topic.blocks:
            path = self.library.block_path(name, ref, language)
            self.used.add(path)
            if not path.is_file():
                if language == DEFAULT_LANGUAGE:
                    self.report.add(
                        "error", self.library.topic_path(name), f"blocks: unknown block '{ref}' ({path} not found)"
                    )
                else:
                    self.report.add("error", path, f"block '{ref}' of topic '{name}' has no '{language}' translation")
                continue
            block = self._block(path, language)
            if block is None:
                continue
            block_pieces = self._block_checks(path, block, context)
            pieces += block_pieces
            checked.append((path, block, block_pieces))
            block_text = "\n".join(_sentence(piece.text) for piece in block_pieces)
            texts.append(block_text)
            self._measure(name, ref, language, block_text)
        self._measure(name, "(whole topic)", language, "\n".join(texts))
        self._shared_sentences(checked)
        if topic.medicine:
            self._generic(topic, language, words, checked)
        self._term_checks(pieces, language)

    def _shared_sentences(self, checked: list[tuple[Path, Block, list[TextPiece]]]) -> None:
        """A must_say sentence found in another block too could not show that its own block went missing."""
        for path, block, _ in checked:
            for index, sentence in enumerate(block.must_say):
                wanted = normalise(sentence)
                for other, _, other_pieces in checked:
                    if other != path and any(wanted in normalise(piece.text) for piece in other_pieces):
                        self.report.add(
                            "error",
                            path,
                            f"must_say[{index}]: also in {other.name} of the same topic, so the check that "
                            "this block was printed would pass without it; word it differently",
                        )

    def _term_checks(self, pieces: list[TextPiece], language: str) -> None:
        for problem in unexplained_terms(pieces, self.terms, language):
            among = " among the blocks every layout prints" if problem.always_only else ""
            self.report.add(
                "error",
                problem.where,
                f"'{problem.term}' is first used{among} here without its explanation "
                f"(expected a match for '{problem.explained_by}' in the same item; see {TERMS_FILE})",
            )

    def _generic(
        self, topic: Topic, language: str, words: TopicWords, checked: list[tuple[Path, Block, list[TextPiece]]]
    ) -> None:
        """The generic leaflet (no patient, no schedule: Infobutton) must fill in too: items that use the
        schedule need a `when: "schedule is defined"`, and something must say how to take it."""
        wording = load_wording(self.root, language)
        clinic = choose_clinic(read_personalisation(SAMPLES / "patient.yaml"), None, None, SAMPLES / "clinic.yaml")
        context = template_context(None, clinic, topic, words, None, wording, self.today)
        for path, block, _ in checked:
            for shorten in (False, True):
                try:
                    fill_block(block, str(path), context, shorten=shorten)
                except ContentError as exc:
                    message = str(exc).removeprefix(f"{path}: ")
                    self.report.add("error", path, f"generic leaflet (no prescription): {message}")

    def _block(self, path: Path, language: str) -> Block | None:
        try:
            return load_block(path, language)
        except ContentError as exc:
            self.report.add("error", path, str(exc).removeprefix(f"{path}: "))
            return None

    def _templates(self, block: Block) -> Iterator[tuple[str, str, bool, bool]]:
        """(field, template, is a `when` expression, printed only under a condition) of each piece."""
        optional = not block.required or bool(block.when)
        yield "title", block.title, False, optional
        if block.when:
            yield "when", block.when, True, True
        for body_name, body in (("body", block.body), ("short", block.short or [])):
            for index, item in enumerate(body):
                conditional = optional or bool(item.when)
                if item.when:
                    yield f"{body_name}[{index}].when", item.when, True, conditional
                for item_field, source in item.templates():
                    yield f"{body_name}[{index}].{item_field}", source, False, conditional

    def _block_checks(self, path: Path, block: Block, context: dict[str, Any]) -> list[TextPiece]:
        """Template and must_say checks; returns the block's pieces of plain text."""
        pieces: list[TextPiece] = []
        short_texts: list[str] = []
        for where, source, expression, conditional in self._templates(block):
            problems = template_problems(source, context, expression)
            for problem in problems:
                self.report.add("error", path, f"{where}: {problem}")
            if problems:
                continue
            try:  # run it too: some errors (a wrong key or type) only show when it runs
                if expression:
                    holds(source, context, "")
                    continue
                text = _plain(render_markup(source, context, ""))
            except ContentError as exc:
                self.report.add("error", path, f"{where}: {str(exc).removeprefix(': ')}")
                continue
            if where.startswith("short"):
                short_texts.append(normalise(text))
            else:
                pieces.append(TextPiece(f"{path}: {where}", text, not conditional, heading=where == "title"))
        found = [normalise(piece.text) for piece in pieces]
        for index, sentence in enumerate(block.must_say):
            if not any(normalise(sentence) in text for text in found):
                self.report.add("error", path, f"must_say[{index}]: not found word for word in one item of the block")
            if block.short is not None and not any(normalise(sentence) in text for text in short_texts):
                self.report.add("error", path, f"must_say[{index}]: not found word for word in one item of `short`")
        return pieces

    def _measure(self, topic: str, block: str, language: str, text: str) -> None:
        result = measure(topic, block, language, text)
        self.report.readability.append(result)
        if result.grade is None:
            return
        where = f"{topic}/{block} ({language})"
        if self.max_grade is not None and result.grade > self.max_grade:
            self.report.add("error", where, f"reading grade {result.grade:.1f} is above --max-grade {self.max_grade:g}")
        elif result.grade > GRADE_WARNING:
            self.report.add("warning", where, f"reading grade {result.grade:.1f} is above {GRADE_WARNING:g}")

    def _unused_files(self) -> None:
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir() and p.name != LABELS_FOLDER):
            if folder.name != SHARED_FOLDER and not (folder / TOPIC_FILE).is_file():
                self.report.add("warning", folder, f"no {TOPIC_FILE}, so no topic")
                continue
            for path in sorted(folder.glob("*.yaml")):
                if path.name.startswith("topic.") or path.name in (SAMPLE_FILE, APPROVALS_FILE):
                    continue
                if path not in self.used:
                    self.report.add("warning", path, "block not used by any topic")


def lint_library(
    root: Path, today: dt.date, max_grade: float | None = None, months: int = DEFAULT_REVIEW_MONTHS
) -> LintReport:
    """Check every topic, block, translation and label file under `root`, and its approvals (`months`: the
    review cycle)."""
    return _Linter(root, today, max_grade, months).run()
