"""The email that carries a leaflet: plain text and HTML saying the key warnings (or, with --format html,
the whole leaflet as the HTML body), the PDF attached.

No patient name or medical detail goes in the subject or the attachment's file name.
"""

from __future__ import annotations

import html
import io
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from pypdf import PdfReader, PdfWriter

from generator.errors import DeliveryError
from generator.inputs import Clinic, Patient
from generator.labels import Labels
from generator.mail_settings import EmailSettings


def pdf_password(settings: EmailSettings, patient: Patient, where: str) -> str | None:
    """The attachment's password under the clinic's rule, or None when PDFs are not protected."""
    if settings.pdf_password == "none":
        return None
    if patient.date_of_birth is None:
        raise DeliveryError(f"{where}: patient.date_of_birth: needed for the PDF password rule 'date_of_birth'")
    return patient.date_of_birth.strftime("%d%m%Y")


def encrypt_pdf(pdf: bytes, password: str) -> bytes:
    """The PDF protected with AES-256 (pypdf)."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer.encrypt(user_password=password, algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def greeting(patient: Patient, clinic: Clinic, labels: Labels, protected: bool) -> tuple[str, ...]:
    """The paragraphs that open the message: hello, what is attached, and the password rule if any."""
    paragraphs = (
        labels.email_greeting.format(name=patient.greeting_name),
        labels.email_attached.format(clinic=clinic.name),
    )
    return (*paragraphs, labels.email_password) if protected else paragraphs


def build_message(
    pdf: bytes,
    *,
    to: str,
    patient: Patient,
    clinic: Clinic,
    warnings: tuple[str, ...],
    labels: Labels,
    settings: EmailSettings,
    protected: bool,
    where: str,
    leaflet_page: str | None = None,
) -> EmailMessage:
    """One message: text and HTML bodies, the PDF attached; refused when the PDF is too large.

    `leaflet_page` (the verified HTML leaflet, opening with `greeting`) replaces the short HTML body.
    """
    limit = settings.max_attachment_mb * 1024 * 1024
    if len(pdf) > limit:
        size = len(pdf) / 1024 / 1024
        raise DeliveryError(f"{where}: attachment is {size:.1f} MB, above the {settings.max_attachment_mb:g} MB limit")
    paragraphs = list(greeting(patient, clinic, labels, protected))
    closing = [
        labels.email_questions.format(clinic=clinic.name, phone=clinic.phone),
        labels.email_emergency,
    ]
    text = "\n\n".join(paragraphs) + f"\n\n{labels.email_warnings}\n"
    text += "".join(f"- {w}\n" for w in warnings) + "\n" + "\n\n".join(closing) + f"\n\n{clinic.name}\n"
    esc = html.escape
    body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    body += f"<h2>{esc(labels.email_warnings)}</h2><ul>" + "".join(f"<li>{esc(w)}</li>" for w in warnings) + "</ul>"
    body += "".join(f"<p>{esc(p)}</p>" for p in closing) + f"<p>{esc(clinic.name)}</p>"
    message = EmailMessage()
    try:
        message["Subject"] = labels.email_subject.format(clinic=clinic.name)
        message["From"] = settings.sender
        message["To"] = to
        if settings.reply_to:
            message["Reply-To"] = settings.reply_to
    except ValueError as exc:  # the email package refuses header injection and malformed addresses
        raise DeliveryError(f"{where}: cannot write the message headers ({exc})") from None
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain="patient-handouts.invalid")
    message.set_content(text)
    page = f'<!doctype html><html lang="{esc(labels.locale[:2])}"><body>{body}</body></html>'
    message.add_alternative(leaflet_page or page, subtype="html")
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=labels.email_attachment_name)
    return message
