"""Response headers the API shares across its routes."""

from __future__ import annotations

import json

WARNINGS_HEADER = "X-Handout-Warnings"
"""Response header with the staff warnings as a JSON list of {field, message} (ASCII-escaped)."""


def warnings_header(warnings: tuple[tuple[str, str], ...]) -> str:
    """The staff warnings as the header's JSON text."""
    return json.dumps([{"field": field, "message": message} for field, message in warnings])
