"""Response headers the API shares across its routes."""

from __future__ import annotations

import json
from collections.abc import Iterable

from generator.content.chain import ContentChain
from generator.web.warning_words import warning_words

WARNINGS_HEADER = "X-Handout-Warnings"
"""Response header with the staff warnings as a JSON list of {field, message, action, why} (ASCII-escaped): `action`
says what to do first, `why` (or null) the reason and its source."""
CONTENT_HEADER = "X-Handout-Content"
"""Response header with the content status of what was made, as JSON: {approved, drafts, files, text}."""


def warnings_header(warnings: tuple[tuple[str, str], ...]) -> str:
    """The staff warnings as the header's JSON text."""
    said = [(field, message, *warning_words(message)) for field, message in warnings]
    return json.dumps([{"field": f, "message": m, "action": action, "why": why} for f, m, action, why in said])


def content_status(chains: Iterable[ContentChain | None]) -> dict[str, object]:
    """The content status of the leaflets made from `chains`: whether every file they print is approved, how many
    of those files (each counted once) are drafts, and that in plain words for staff (never any patient data)."""
    statuses = {(each.path, each.language): each.status for chain in chains if chain for each in chain.files}
    drafts = sum(status != "approved" for status in statuses.values())
    files = len(statuses)
    if not drafts:
        text = "Content approved by your clinic"
    else:
        counted = f"1 of {files} files is a draft" if drafts == 1 else f"{drafts} of {files} files are drafts"
        text = f"Content not yet approved by your clinic ({counted})"
    return {"approved": not drafts, "drafts": drafts, "files": files, "text": text}


def content_header(chains: Iterable[ContentChain | None]) -> str:
    """The content status of the leaflets made from `chains` as the header's JSON text."""
    return json.dumps(content_status(chains))
