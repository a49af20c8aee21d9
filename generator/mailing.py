"""Delivering one finished leaflet by email: protect it if the clinic says so, check it, send or save it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from generator.delivery import check_address, send, write_outbox
from generator.inputs import Clinic, Personalisation
from generator.labels import Labels
from generator.mail_settings import EmailSettings
from generator.message import build_message, encrypt_pdf, greeting, pdf_password
from generator.pipeline import Handout


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
) -> str:
    """Send (or, with `outbox`, save as .eml) the leaflet; return what was done.

    `html` makes the verified HTML leaflet opening with the given paragraphs: the message's HTML body.
    """
    address = check_address(to, where)
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
        warnings=handout.must_say,
        labels=labels,
        settings=settings,
        protected=password is not None,
        where=where,
        leaflet_page=html(greeting(data.patient, clinic, labels, password is not None)) if html else None,
    )
    if outbox is not None:
        return f"written to {write_outbox(message, outbox, name)}"
    attempts = send(message, settings, where)
    return "sent" if attempts == 1 else f"sent after {attempts} attempts"
