"""What `handout lint` says about approvals: each topic's status per language, approvals that no longer match
their file, approvals due soon or past due (information), and approvals files it cannot read (errors)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Literal

from generator.content.approvals import (
    APPROVALS_FILE,
    ApprovalBook,
    FileStatus,
    approval_date,
    check_cycle,
    read_approvals,
)
from generator.errors import ContentError

DUE_SOON_DAYS = 60
"""Approvals due within this many days are reported."""
Level = Literal["error", "warning", "info"]


def topic_status(book: ApprovalBook, topic: str, language: str, today: dt.date, months: int) -> str | None:
    """One line on the content status of `topic`'s leaflet in `language` on `today` (none when it cannot be read:
    lint reports that elsewhere)."""
    try:
        statuses = book.leaflet([topic], language, today, months)
    except ContentError:
        return None
    approved = approval_date(statuses)
    if approved is not None:
        return f"content status: approved (latest approval {approved.isoformat()})"
    refused = [each for each in statuses if each.status != "approved"]
    overall = "machine-draft" if any(each.status == "machine-draft" for each in refused) else "draft"
    done = len(statuses) - len(refused)
    return f"content status: {overall} ({done} of {len(statuses)} files approved; first not: {_why(book, refused[0])})"


def _why(book: ApprovalBook, status: FileStatus) -> str:
    return f"{status.file.path.relative_to(book.library.root)}: {status.reason}"


def approval_findings(book: ApprovalBook, today: dt.date, months: int) -> Iterator[tuple[Level, Path, str]]:
    """(level, approvals file, message) for every approvals file of the library."""
    root = book.library.root
    for path in sorted(root.glob(f"*/{APPROVALS_FILE}")):
        try:
            approvals = read_approvals(path.parent)
        except ContentError as exc:
            yield "error", path, str(exc).removeprefix(f"{path}: ")
            continue
        for name, entries in approvals.items():
            target = path.parent / name
            if not target.is_file():
                yield "warning", path, f"{name}: approves a file that is not in {path.parent.name}/"
                continue
            try:
                check_cycle(target, entries, months)
                current = book.hash(target)
            except ContentError as exc:
                yield "error", path, str(exc).removeprefix(f"{path}: ")
                continue
            for index, entry in enumerate(entries):
                who = f"{name}[{index}]: {entry.role} {entry.name}'s approval of {entry.date.isoformat()}"
                if entry.sha256 != current:
                    yield "info", path, f"{who} no longer matches: the file changed since"
                elif entry.due < today:
                    yield "info", path, f"{who} was due on {entry.due.isoformat()}: past due"
                elif entry.due <= today + dt.timedelta(days=DUE_SOON_DAYS):
                    yield "info", path, f"{who} is due on {entry.due.isoformat()} (within {DUE_SOON_DAYS} days)"
