"""`handout approve`: record approvals over a leaflet's content as it is now, in approvals.yaml beside it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import yaml

from generator.content.approvals import (
    APPROVALS_FILE,
    TRANSLATION_ROLES,
    Approval,
    ApprovalBook,
    PrintedFile,
    Role,
    add_months,
    printed_files,
    read_approvals,
)
from generator.errors import InputError
from generator.files import write_atomically
from generator.names import is_language

HEADER = "# Approvals of the files of this folder: written by `handout approve` (see docs/approvals.md).\n"


@dataclass(frozen=True)
class Approver:
    """Who approves, in what role, on which date, for how many months."""

    name: str
    role: Role
    date: dt.date
    months: int


def files_to_approve(book: ApprovalBook, topic: str, language: str, role: Role, block: str | None) -> list[PrintedFile]:
    """The files an approval covers: `block` alone, else all the leaflet prints in `language` (for a translator
    or reviser, its translated files)."""
    if not is_language(language):
        raise InputError(f"--lang {language}: not a language code (such as en, es or pt-BR)")
    files = printed_files(book.library, topic, language)
    if block is not None:
        chosen = _named(book.library.root, block, files, topic, language)
        if role in TRANSLATION_ROLES and not chosen.translation:
            raise InputError(f"--block {block}: not a translation; a {role} approves translated files")
        return [chosen]
    if role in TRANSLATION_ROLES:
        files = [file for file in files if file.translation]
        if not files:
            raise InputError(f"--role {role}: the '{language}' leaflet of {topic} is the original, not a translation")
    return files


def _named(root: Path, block: str, files: list[PrintedFile], topic: str, language: str) -> PrintedFile:
    """The printed file `block` names: a path inside the library (carisoprodol/how-to-take.es.yaml) or a file path."""
    candidates = {(root / block).resolve(), Path(block).resolve()}
    for file in files:
        if file.path.resolve() in candidates:
            return file
    raise InputError(f"--block {block}: not a file the '{language}' leaflet of {topic} prints (a path in the library)")


def record_approvals(book: ApprovalBook, files: list[PrintedFile], who: Approver) -> list[Path]:
    """Add `who`'s approval of each file's current content to its folder's approvals.yaml; the files written."""
    due = add_months(who.date, who.months)
    folders: dict[Path, list[PrintedFile]] = {}
    for file in files:
        folders.setdefault(file.path.parent, []).append(file)
    texts: dict[Path, str] = {}
    for folder, group in folders.items():  # every file made before any is written
        book_of_folder = read_approvals(folder)
        for file in group:
            entry = Approval(name=who.name, role=who.role, date=who.date, due=due, sha256=book.hash(file.path))
            book_of_folder[file.path.name] = [*book_of_folder.get(file.path.name, []), entry]
        data = {
            name: [entry.model_dump(mode="json") for entry in entries]
            for name, entries in sorted(book_of_folder.items())
        }
        texts[folder / APPROVALS_FILE] = HEADER + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=120)
    for path, text in texts.items():
        write_atomically(path, text.encode("utf-8"))
    return list(texts)
