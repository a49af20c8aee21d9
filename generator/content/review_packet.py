"""What a review packet holds: each file a topic's leaflet prints in a language, readable, with its status and
approvals (and, for a translation, the English beside it), before `handout approve` records an approval.

Rendered as HTML (generator.html.review) or PDF (generator.render.review_pdf); both take a ReviewPacket.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from generator.content.approvals import (
    DEFAULT_REVIEW_MONTHS,
    METADATA_KEYS,
    Approval,
    ApprovalBook,
    FileStatus,
    PrintedFile,
    printed_files,
)
from generator.content.block import Block, BodyItem
from generator.content.labels import labels_path
from generator.content.library import DEFAULT_LANGUAGE, Library
from generator.errors import ContentError, InputError
from generator.names import is_language
from generator.yamlio import load_mapping

_INLINE_TAG = re.compile(r"<(/?)(b|i)>|<br\s*/?>")
"""The markup content may use: bold, italic and line breaks."""


@dataclass(frozen=True)
class Piece:
    """One item of a block's body: a paragraph, bullets, a boxed sentence or a table, and when it is shown."""

    kind: str
    texts: tuple[str, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()
    """A table's rows, its header first."""
    when: str | None = None


@dataclass(frozen=True)
class FileView:
    """What one file prints, in a readable form: a block's parts, or another file's printed fields."""

    language: str
    title: str | None = None
    facts: tuple[tuple[str, str], ...] = ()
    """(what, value): a block's severity, required and when; every printed field of a topic or labels file."""
    body: tuple[Piece, ...] = ()
    short: tuple[Piece, ...] = ()
    must_say: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    origin: str = "human"
    checked: str = ""


@dataclass(frozen=True)
class ApprovalRow:
    """One recorded approval, and whether it holds the file's content as it is now."""

    name: str
    role: str
    date: dt.date
    due: dt.date
    matches: bool


@dataclass(frozen=True)
class ReviewEntry:
    """One printed file: where it is, what it prints, its status on the packet's date and its approvals."""

    name: str
    """Its path in the library (carisoprodol/how-to-take.es.yaml)."""
    status: FileStatus
    view: FileView
    original: FileView | None
    """For a translated file, the English it translates."""
    approvals: tuple[ApprovalRow, ...]
    change: str
    """Against its latest approval: never approved, changed since approved on D, or unchanged since approved on D."""
    changed: bool


@dataclass(frozen=True)
class ReviewPacket:
    """A topic's printed files in one language, for a reviewer to read."""

    topic: str
    title: str
    language: str
    content_version: str
    date: dt.date
    since: str | None
    """What --since compared, said in words; None without --since."""
    entries: tuple[ReviewEntry, ...]
    total: int
    """How many files the leaflet prints (entries may be fewer with --since)."""


def inline_markup(text: str, names: Mapping[str, str], line_break: str) -> Markup:
    """`text` escaped, but for its <b>, <i> (as the elements `names` gives) and <br/> (as `line_break`); tags
    that do not pair up stay as escaped text."""
    parts: list[str] = []
    opened: list[str] = []
    position = 0
    for match in _INLINE_TAG.finditer(text):
        parts.append(escape(text[position : match.start()]))
        position = match.end()
        closing, tag = match.group(1), match.group(2)
        if tag is None:
            parts.append(line_break)
        elif not closing:
            opened.append(tag)
            parts.append(f"<{names[tag]}>")
        elif opened and opened[-1] == tag:
            opened.pop()
            parts.append(f"</{names[tag]}>")
        else:
            parts.append(escape(match.group(0)))
    parts.append(escape(text[position:]))
    parts.extend(f"</{names[tag]}>" for tag in reversed(opened))
    return Markup("".join(parts))


def _piece(item: BodyItem) -> Piece:
    if item.icon_array is not None:  # a table a reviewer reads: each array's label and the counts it draws
        header = (f"Icon array: {item.icon_array.caption}", "People drawn filled", "Of")
        rows = tuple((array.label, str(array.count), str(array.of)) for array in item.icon_array.arrays)
        return Piece("table", rows=(header, *rows), when=item.when)
    if item.table is not None:
        return Piece("table", rows=(tuple(item.table.header), *(tuple(row) for row in item.table.rows)), when=item.when)
    return Piece(item.kind, texts=tuple(text for _, text in item.templates()), when=item.when)


def _block_view(block: Block, language: str) -> FileView:
    facts = [("severity", block.severity), ("required", "yes" if block.required else "no")]
    if block.when:
        facts.append(("shown when", block.when))
    return FileView(
        language=language,
        title=block.title,
        facts=tuple(facts),
        body=tuple(_piece(item) for item in block.body),
        short=tuple(_piece(item) for item in block.short or ()),
        must_say=tuple(block.must_say),
        sources=tuple(block.sources),
        origin=block.origin,
        checked=block.checked,
    )


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, str]]:
    """(dotted key, value) of every printed field of a loaded file: metadata keys left out, as in the hash."""
    if isinstance(value, dict):
        found: list[tuple[str, str]] = []
        for key, item in value.items():
            if key not in METADATA_KEYS:
                found += _flatten(item, f"{prefix}.{key}" if prefix else str(key))
        return found
    if isinstance(value, list):
        return [pair for index, item in enumerate(value) for pair in _flatten(item, f"{prefix}[{index}]")]
    return [(prefix, "" if value is None else str(value))]


def _fields_view(path: Path, language: str, keep: set[str] | None = None) -> FileView:
    """A topic or labels file's printed fields (only the top-level keys in `keep`, when given)."""
    data = load_mapping(path, ContentError)
    if keep is not None:
        data = {key: value for key, value in data.items() if key in keep}
    return FileView(language=language, facts=tuple(_flatten(data)))


def _views(library: Library, topic: str, ref: str | None, file: PrintedFile) -> tuple[FileView, FileView | None]:
    """What a printed file prints and, for a translation, what its English original prints (a block `ref`, else a
    topic or labels file: the English file's fields the translation has)."""
    if ref is not None:
        view = _block_view(library.block(topic, ref, file.language), file.language)
        english = library.block(topic, ref, DEFAULT_LANGUAGE)
        return view, _block_view(english, DEFAULT_LANGUAGE) if file.translation else None
    view = _fields_view(file.path, file.language)
    if not file.translation:
        return view, None
    labels = file.path == labels_path(library.root, file.language)
    original = labels_path(library.root, DEFAULT_LANGUAGE) if labels else library.topic_path(topic)
    return view, _fields_view(original, DEFAULT_LANGUAGE, set(load_mapping(file.path, ContentError)))


def _change(entries: list[Approval], current: str) -> tuple[str, bool]:
    """The file against its latest approval (the last recorded of the latest date): the words, and whether it
    counts as changed."""
    if not entries:
        return "never approved", True
    latest = sorted(entries, key=lambda entry: entry.date)[-1]
    if latest.sha256 != current:
        return f"changed since approved on {latest.date.isoformat()}", True
    return f"unchanged since approved on {latest.date.isoformat()}", False


def check_language(library: Library, topic: str, language: str) -> None:
    """Refuse a language the topic's leaflet does not exist in."""
    if not is_language(language):
        raise InputError(f"--lang {language}: not a language code (such as en, es or pt-BR)")
    known = library.languages(topic)
    if language not in known:
        raise InputError(
            f"--lang {language}: topic '{topic}' has no '{language}' leaflet (languages: {', '.join(known)})"
        )


def build_packet(
    library: Library,
    topic: str,
    language: str,
    date: dt.date,
    since: str | None = None,
    months: int = DEFAULT_REVIEW_MONTHS,
) -> ReviewPacket:
    """The review packet of `topic` in `language`, statuses on `date`; with `since`, only the files whose content
    differs from their latest approval (or that were never approved)."""
    check_language(library, topic, language)
    book = ApprovalBook(library)
    blocks = {library.block_path(topic, ref, language): ref for ref in library.topic(topic).blocks}
    entries: list[ReviewEntry] = []
    for file in printed_files(library, topic, language):
        current, recorded = book.hash(file.path), book.approvals(file.path)
        view, original = _views(library, topic, blocks.get(file.path), file)
        change, changed = _change(recorded, current)
        rows = tuple(ApprovalRow(a.name, a.role, a.date, a.due, a.sha256 == current) for a in recorded)
        entries.append(
            ReviewEntry(
                name=file.path.relative_to(library.root).as_posix(),
                status=book.status(file, date, months),
                view=view,
                original=original,
                approvals=rows,
                change=change,
                changed=changed,
            )
        )
    shown = [entry for entry in entries if entry.changed] if since is not None else entries
    words = library.topic_words(topic, language)
    version = library.topic(topic).content_version
    return ReviewPacket(
        topic=topic,
        title=words.title,
        language=language,
        content_version=version,
        date=date,
        since=_since_note(since, version, len(shown), len(entries)) if since is not None else None,
        entries=tuple(shown),
        total=len(entries),
    )


def _since_note(since: str, version: str, shown: int, total: int) -> str:
    """What --since compared, in words: the library keeps no earlier contents, so approvals are the baseline."""
    return (
        f"--since {since}: the library keeps no copy of earlier content versions (this topic is now at "
        f"{version}), so each file is compared with its latest approval: shown are the {shown} of {total} files "
        "whose content differs from what was last approved, or that were never approved."
    )
