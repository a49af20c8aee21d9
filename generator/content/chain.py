"""A leaflet's content chain: each file it prints, with its content hash, origin, status and approvals.

The chain is what a leaflet's XMP records (generator.tagging.xmp_chain writes it, generator.verify.chain reads
it back), so anyone holding the PDF can tell which content, in which state, made it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from generator.content.approvals import Approval, ApprovalBook, ApprovalsShown, FileStatus, Status

NAMESPACE = "https://patient-handouts.example/ns/content/1.0/"
"""The XMP namespace of the content chain."""
PREFIX = "ph"
"""Its prefix in the XMP."""


@dataclass(frozen=True)
class ChainApproval:
    """One approval of a file's content as the PDF records it (`name` only under `approvals_in_pdf: names`)."""

    role: str
    date: dt.date
    name: str = ""


@dataclass(frozen=True)
class ChainFile:
    """One printed file: where it is in the library, its language, content hash, origin, status and approvals."""

    path: str
    """Its path in the library, e.g. `carisoprodol/how-to-take.es.yaml`."""
    language: str
    sha256: str
    origin: str
    status: Status
    """Its status on the leaflet's made-on date."""
    approvals: tuple[ChainApproval, ...] = ()
    """Approvals of its current content dated on or before the made-on date (none under `none`)."""


@dataclass(frozen=True)
class ContentChain:
    """Every file a leaflet prints, on its made-on date, and what of the approvals is recorded."""

    made_on: dt.date
    shown: ApprovalsShown
    files: tuple[ChainFile, ...]

    @property
    def summary(self) -> str:
        """The leaflet's content status in a few words: `approved`, or `draft (3 of 14 files)` naming how many
        files are not approved (and how many of those are machine drafts)."""
        drafts = [each for each in self.files if each.status != "approved"]
        if not drafts:
            return "approved"
        machine = sum(each.status == "machine-draft" for each in drafts)
        more = f", {machine} machine-draft" if machine else ""
        return f"draft ({len(drafts)} of {len(self.files)} files{more})"


def _shown(entry: Approval, shown: ApprovalsShown) -> ChainApproval:
    return ChainApproval(entry.role, entry.date, entry.name if shown == "names" else "")


def library_path(path: Path, root: Path) -> str:
    """A file's path in the library, with forward slashes (the same on every machine)."""
    return path.relative_to(root).as_posix()


def content_warnings(statuses: list[FileStatus], root: Path) -> tuple[tuple[str, str], ...]:
    """Staff warnings of a leaflet that prints files not approved on its made-on date: one saying how many, then
    one naming each file whose approval is past due (never any patient data)."""
    drafts = [each for each in statuses if each.status != "approved"]
    if not drafts:
        return ()
    many = f"{len(drafts)} of {len(statuses)} files are drafts"
    counted = f"1 of {len(statuses)} files is a draft" if len(drafts) == 1 else many
    warnings = [("content", f"not yet approved by your clinic: {counted} (handout review, handout approve)")]
    warnings += [
        ("content", f"{library_path(each.file.path, root)}: approval {each.reason}") for each in drafts if each.past_due
    ]
    return tuple(warnings)


def content_chain(
    book: ApprovalBook, statuses: list[FileStatus], made_on: dt.date, shown: ApprovalsShown
) -> ContentChain:
    """The chain of the files whose `statuses` a leaflet made on `made_on` has, their approvals as `shown` says."""
    files = []
    for each in statuses:
        path, current = each.file.path, book.hash(each.file.path)
        approvals: tuple[ChainApproval, ...] = ()
        if shown != "none":
            held = [e for e in book.approvals(path) if e.sha256 == current and e.date <= made_on]
            approvals = tuple(_shown(entry, shown) for entry in held)
        files.append(
            ChainFile(
                library_path(path, book.library.root),
                each.file.language,
                current,
                each.file.origin,
                each.status,
                approvals,
            )
        )
    return ContentChain(made_on, shown, tuple(files))
