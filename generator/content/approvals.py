"""Approvals beside the content: who approved each printed file, over which content hash, until when.

Each folder of the library (a topic, `shared/`, `labels/`) may hold an `approvals.yaml` mapping a file it
approves to its approvals. A file's status on a made-on date is derived from them: `approved` when a
clinical approval (and, for a translation, a translator's and a reviser's) holds the file's current
content hash and is not past due; otherwise `draft` (`machine-draft` for a block of `origin: machine`).
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import json
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, RootModel, model_validator

from generator.content.labels import labels_path, load_wording
from generator.content.library import DEFAULT_LANGUAGE, Library
from generator.content.schema import StrictModel, parse_model
from generator.errors import ContentError, NotApprovedError
from generator.yamlio import load_mapping

APPROVALS_FILE = "approvals.yaml"
DEFAULT_REVIEW_MONTHS = 24
"""The longest an approval holds (months from its date to its due date) unless the clinic config sets another."""
Role = Literal["pharmacist", "physician", "nurse", "health-literacy", "translator", "reviser"]
CLINICAL_ROLES: tuple[Role, ...] = ("pharmacist", "physician", "nurse")
TRANSLATION_ROLES: tuple[Role, ...] = ("translator", "reviser")
METADATA_KEYS = frozenset({"sources", "source", "checked", "origin", "translated_from"})
"""Keys that never print (where facts come from, notes, origin): left out of the content hash."""
Status = Literal["approved", "draft", "machine-draft"]
PAST_DUE = "past due on"
"""How a file's reason begins when the approval that would hold its content is past due on the made-on date."""
ApprovalsShown = Literal["names", "roles", "none"]
"""What a leaflet's XMP says of each file's approvals: name, role and date; role and date; nothing."""
FileName = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*(\.[a-z]{2,3}(-[A-Za-z]{2,4})?)?\.yaml$")]


class ContentRules(StrictModel):
    """The clinic config's `content:` section."""

    require: Literal["any", "approved"] = "any"
    """`approved`: refuse a leaflet that prints any file not approved on its made-on date."""
    review_months: int = Field(default=DEFAULT_REVIEW_MONTHS, ge=1, le=120)
    """The review cycle: an approval's `due` is at most this many months after its `date`."""
    approvals_in_pdf: ApprovalsShown = "roles"
    """What each leaflet's XMP records of its files' approvals: `names` (name, role, date), `roles` (role and date)
    or `none` (no approvals; status and hashes are still recorded)."""


class Approval(StrictModel):
    """One person's approval of one file's content, as it was on `date`."""

    name: str = Field(min_length=1)
    """Who approved it."""
    role: Role
    """In what role: a clinical role, health-literacy, translator or reviser."""
    date: dt.date
    """When it was approved."""
    due: dt.date
    """When it must be approved again (at most the review cycle after `date`)."""
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    """The content hash of the file as approved (see content_hash)."""

    @model_validator(mode="after")
    def _due_after_date(self) -> Approval:
        if self.due < self.date:
            raise ValueError("due is before date")
        return self


class ApprovalsFile(RootModel[dict[FileName, list[Approval]]]):
    """An approvals.yaml: for each file of the folder it approves, its approvals."""

    model_config = ConfigDict(frozen=True)


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus `months` months (the last day of the month when the day does not exist: Feb 29 -> Feb 28)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1]))


def _canonical(value: Any) -> Any:
    """The printed part of a loaded YAML value: metadata keys dropped, strings NFC, dates ISO."""
    if isinstance(value, dict):
        return {
            unicodedata.normalize("NFC", str(key)): _canonical(item)
            for key, item in value.items()
            if key not in METADATA_KEYS
        }
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def content_hash(data: dict[str, Any]) -> str:
    """SHA-256 of what a file prints: every field but metadata, as JSON with sorted keys, UTF-8, NFC strings.

    Reformatting the YAML (key order, quoting, layout) changes nothing; changing a printed word changes it.
    """
    text = json.dumps(_canonical(data), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def file_hash(path: Path) -> str:
    """The content hash of a library file."""
    return content_hash(load_mapping(path, ContentError))


def read_approvals(folder: Path) -> dict[str, list[Approval]]:
    """The approvals of `folder`, by the name of the file they approve (none without an approvals.yaml)."""
    path = folder / APPROVALS_FILE
    if not path.is_file():
        return {}
    return parse_model(ApprovalsFile, load_mapping(path, ContentError), str(path), ContentError).root


def check_cycle(path: Path, entries: list[Approval], months: int) -> None:
    """Refuse an approval of the file at `path` due more than `months` (the review cycle) after its date."""
    for index, entry in enumerate(entries):
        if entry.due > add_months(entry.date, months):
            raise ContentError(
                f"{path.parent / APPROVALS_FILE}: {path.name}[{index}].due: {entry.due.isoformat()} is more than "
                f"{months} months after {entry.date.isoformat()} (the review cycle, content: review_months)"
            )


@dataclass(frozen=True)
class PrintedFile:
    """A file a leaflet prints: a block, a topic file or a labels file, in its language."""

    path: Path
    language: str
    origin: str = "human"
    """The file's `origin`: `machine` for a machine translation (a block, a topic's title or a labels file)."""

    @property
    def translation(self) -> bool:
        """Whether it is a translation (needs a translator and a reviser too)."""
        return self.language != DEFAULT_LANGUAGE


@dataclass(frozen=True)
class FileStatus:
    """A printed file's status on a made-on date, and why it is not approved."""

    file: PrintedFile
    status: Status
    reason: str = ""
    approved_on: dt.date | None = None
    """The latest date among the approvals that make it approved."""

    @property
    def past_due(self) -> bool:
        """Whether it was approved as it is now, but that approval is past due on the made-on date."""
        return self.reason.startswith(PAST_DUE)


def printed_files(library: Library, topic: str, language: str) -> list[PrintedFile]:
    """Everything the topic's leaflet prints in `language`: its blocks (shared ones too), the topic's file (and
    its translation) and the labels file."""
    refs = library.topic(topic).blocks
    files = [
        PrintedFile(library.block_path(topic, ref, language), language, library.block(topic, ref, language).origin)
        for ref in refs
    ]
    files.append(PrintedFile(library.topic_path(topic), DEFAULT_LANGUAGE))
    if language != DEFAULT_LANGUAGE:
        words = library.topic_words(topic, language)
        files.append(PrintedFile(library.topic_path(topic).with_name(f"topic.{language}.yaml"), language, words.origin))
    labels = load_wording(library.root, language).labels
    files.append(PrintedFile(labels_path(library.root, language), language, labels.origin))
    return files


def _holding(
    entries: list[Approval], roles: tuple[Role, ...], none: str, who: str, current: str, made_on: dt.date
) -> tuple[Approval | None, str]:
    """The latest approval in `roles` over the current content that holds on `made_on`, else why there is none."""
    mine = [entry for entry in entries if entry.role in roles]
    if not mine:
        return None, none
    matching = [entry for entry in mine if entry.sha256 == current]
    if not matching:
        return None, f"changed since {who} approved it on {max(e.date for e in mine).isoformat()}"
    holding = [entry for entry in matching if entry.date <= made_on <= entry.due]
    if holding:
        return max(holding, key=lambda entry: entry.date), ""
    late = [entry for entry in matching if entry.due < made_on]
    if late:
        last = max(late, key=lambda entry: entry.due)
        return (
            None,
            f"{PAST_DUE} {made_on.isoformat()} ({who}'s approval of {last.date.isoformat()} was due {last.due})",
        )
    first = min(entry.date for entry in matching)
    return None, f"made on {made_on.isoformat()}, before {who}'s approval of {first.isoformat()}"


_NEEDED: tuple[tuple[tuple[Role, ...], str, str, bool], ...] = (
    (CLINICAL_ROLES, "no approval by a pharmacist, physician or nurse", "a clinician", False),
    (("translator",), "a translation without a translator's approval", "the translator", True),
    (("reviser",), "a translation without a reviser's approval", "the reviser", True),
)
"""(roles, reason when none approved it, who, only for translations) of each approval a file needs."""


class ApprovalBook:
    """A library's approvals and content hashes, each read once, and the status of what a leaflet prints."""

    def __init__(self, library: Library) -> None:
        self.library = library
        self._folders: dict[Path, dict[str, list[Approval]]] = {}
        self._hashes: dict[Path, str] = {}

    def approvals(self, path: Path) -> list[Approval]:
        """The approvals recorded for the file at `path`."""
        if path.parent not in self._folders:
            self._folders[path.parent] = read_approvals(path.parent)
        return self._folders[path.parent].get(path.name, [])

    def hash(self, path: Path) -> str:
        """The content hash of the file at `path`."""
        if path not in self._hashes:
            self._hashes[path] = file_hash(path)
        return self._hashes[path]

    def status(self, file: PrintedFile, made_on: dt.date, months: int = DEFAULT_REVIEW_MONTHS) -> FileStatus:
        """Whether `file` is approved on `made_on`, and if not why; `months`: the review cycle."""
        entries, current = self.approvals(file.path), self.hash(file.path)
        check_cycle(file.path, entries, months)
        dates = []
        for roles, none, who, translations_only in _NEEDED:
            if translations_only and not file.translation:
                continue
            found, reason = _holding(entries, roles, none, who, current, made_on)
            if found is None:
                return FileStatus(file, "machine-draft" if file.origin == "machine" else "draft", reason)
            dates.append(found.date)
        return FileStatus(file, "approved", approved_on=max(dates))

    def leaflet(
        self, topics: list[str], language: str, made_on: dt.date, months: int = DEFAULT_REVIEW_MONTHS
    ) -> list[FileStatus]:
        """The status of every file a leaflet of `topics` prints in `language` (each file once)."""
        files = {file.path: file for topic in topics for file in printed_files(self.library, topic, language)}
        return [self.status(file, made_on, months) for file in files.values()]


def approval_date(statuses: list[FileStatus]) -> dt.date | None:
    """The latest approval date when every file is approved; none otherwise."""
    if not statuses or any(each.approved_on is None for each in statuses):
        return None
    return max(each.approved_on for each in statuses if each.approved_on is not None)


def require_approved(statuses: list[FileStatus], topics: list[str], language: str, made_on: dt.date) -> None:
    """Refuse (NotApprovedError) when any file is not approved on `made_on`, naming the first and why."""
    refused = [each for each in statuses if each.status != "approved"]
    if not refused:
        return
    first = refused[0]
    more = f" (and {len(refused) - 1} more file(s) not approved; see handout lint)" if len(refused) > 1 else ""
    named = ", ".join(f"'{topic}'" for topic in topics)
    raise NotApprovedError(
        f"{first.file.path}: topic {named} ({language}): not approved on {made_on.isoformat()}: {first.reason}; "
        f"approved content is required{more}"
    )
