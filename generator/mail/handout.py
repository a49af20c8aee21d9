"""Delivering one finished leaflet by email: protect it if the clinic says so, check it, send or save it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from generator.content.labels import Labels
from generator.errors import DeliveryError, DeliveryUncertainError
from generator.inputs.personalisation import Clinic, Personalisation
from generator.mail.delivery import check_address, send, write_outbox
from generator.mail.message import build_message, encrypt_pdf, greeting, pdf_password
from generator.mail.settings import EmailSettings
from generator.pipeline import Handout


@dataclass(frozen=True)
class Delivery:
    """What became of one leaflet's email."""

    outcome: str
    """sent, sent after N attempts, written to PATH, or delivery uncertain: REASON."""
    code: str | None = None
    """The random PDF password (pdf_password: random), for staff to give the patient by another channel."""

    @property
    def uncertain(self) -> bool:
        """The server may have the message: staff must check before sending again."""
        return self.outcome.startswith("delivery uncertain")


def mail_handout(
    handout: Handout,
    data: Personalisation,
    clinic: Clinic,
    to: str,
    settings: EmailSettings,
    labels: Labels,
    where: str,
    outbox: Path | None = None,
    name: str = "leaflet",
    html: Callable[[tuple[str, ...]], str] | None = None,
) -> Delivery:
    """Send (or, with `outbox`, save as .eml) the leaflet; return what was done (never retried when uncertain).

    `html` makes the verified HTML leaflet opening with the given paragraphs: the message's HTML body.
    It is refused when the clinic protects PDFs: the leaflet in the body would show what the password hides.
    """
    address = check_address(to, where)
    if html is not None and settings.pdf_password != "none":
        raise DeliveryError(
            f"{where}: --format html: the clinic protects leaflets with a password (pdf_password); "
            "a leaflet in the message body would show what the password protects"
        )
    password = pdf_password(settings, data.patient, where)
    pdf = handout.pdf
    if password:
        pdf = encrypt_pdf(pdf, password)
        handout.verify_copy(pdf, f"{where}: protected PDF", password)
    message = build_message(
        pdf,
        to=address,
        patient=data.patient,
        clinic=clinic,
        warnings=handout.key_warnings,
        labels=labels,
        settings=settings,
        protected=password is not None,
        where=where,
        leaflet_page=html(greeting(data.patient, clinic, labels, None)) if html else None,
    )
    code = password if settings.pdf_password == "random" else None
    if outbox is not None:
        return Delivery(f"written to {write_outbox(message, outbox, name)}", code)
    try:
        attempts = send(message, settings, where)
    except DeliveryUncertainError as exc:
        return Delivery(str(exc).removeprefix(f"{where}: "), code)
    return Delivery("sent" if attempts == 1 else f"sent after {attempts} attempts", code)
