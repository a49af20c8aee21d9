"""The one family of errors a user sees.

Only the front ends (CLI, batch, ...) turn these into messages and exit codes;
nothing deeper prints or exits.
"""

from __future__ import annotations


class HandoutError(Exception):
    """A problem the user can fix; its message is one line naming the file or field.

    `problems` lists (field, message) pairs when the error is about fields, so a form can
    show each message next to its field.
    """

    exit_code = 1

    def __init__(self, message: str, problems: tuple[tuple[str, str], ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems


class InputError(HandoutError):
    """Bad personalisation input: patient, prescription, clinic or CSV row."""

    exit_code = 2


class ContentError(HandoutError):
    """Bad content library: block, topic or template."""

    exit_code = 3


class NotApprovedError(ContentError):
    """The clinic requires approved content and a file the leaflet prints is not approved on its made-on date."""


class LayoutError(HandoutError):
    """Bad layout profile, or content that cannot fit the profile."""

    exit_code = 4


class TooLongError(LayoutError):
    """The content needs more pages than the layout allows (required blocks are never dropped)."""

    def __init__(self, message: str, pages: int, max_pages: int, instead: str | None = None) -> None:
        super().__init__(message)
        self.pages, self.max_pages = pages, max_pages
        self.instead = instead
        """The profile to use instead, when the layout names one (`when_too_long`)."""

    def __reduce__(self) -> tuple[type[TooLongError], tuple[str, int, int, str | None], dict[str, object]]:
        """Pickled with its page counts (the web server's workers send errors back pickled)."""
        return type(self), (str(self), self.pages, self.max_pages, self.instead), self.__dict__


class RenderError(HandoutError):
    """ReportLab could not lay out the leaflet."""

    exit_code = 5


class VerifyError(HandoutError):
    """A finished PDF lacks required warnings or cannot be read."""

    exit_code = 6


class DeliveryError(HandoutError):
    """A leaflet could not be delivered (email settings, server, recipient, size)."""

    exit_code = 7


class DeliveryUncertainError(DeliveryError):
    """The message may have been delivered: the connection failed after its end was sent.

    Never retried (it would arrive twice); staff check with the patient before sending again.
    """


class AuditError(VerifyError):
    """The audit of a finished leaflet (its rendered pages: ink, OCR) disagrees with what it must show."""
