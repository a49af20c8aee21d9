"""The email that carries a leaflet: plain text and HTML saying the key warnings (or, with --format html,
the whole leaflet as the HTML body), the PDF attached.

No patient name or medical detail goes in the subject or the attachment's file name. When the
PDF is protected, the body names neither the medicine nor its warnings either: they stay
behind the password.
"""

from __future__ import annotations

import html
import io
import secrets
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from pypdf import PdfReader, PdfWriter

from generator.content.labels import Labels
from generator.errors import DeliveryError
from generator.inputs.personalisation import Clinic, Patient
from generator.mail.settings import EmailSettings

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
"""Letters and digits that cannot be mistaken for one another (no I, O, 0 or 1)."""
CODE_LENGTH = 12
"""32**12 = 2**60 codes: out of reach of an offline guessing attack on AES-256 PDFs."""


def pdf_password(settings: EmailSettings, patient: Patient, where: str) -> str | None:
    """The attachment's password under the clinic's rule, or None when PDFs are not protected."""
    if settings.pdf_password == "none":
        return None
    if settings.pdf_password == "random":
        return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    if patient.date_of_birth is None:
        raise DeliveryError(f"{where}: patient.date_of_birth: needed for the PDF password rule 'date_of_birth'")
    return patient.date_of_birth.strftime("%d%m%Y")


def encrypt_pdf(pdf: bytes, password: str) -> bytes:
    """The PDF protected with AES-256 (pypdf), under a random file /ID.

    The /ID stays readable without the password. The plain leaflet's is drawn from what its pages draw
    (the same inputs, the same /ID), so a copy keeping it would let anyone holding the file confirm a guess
    of its contents with the public tool; pypdf keeps the first part of a cloned file's /ID when it encrypts,
    so the clone starts without one and encrypting draws both parts at random."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    writer._ID = None  # no public setter; test_password_protected_attachment checks the file's /ID
    writer.encrypt(user_password=password, algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def greeting(patient: Patient, clinic: Clinic, labels: Labels, password_rule: str | None) -> tuple[str, ...]:
    """The paragraphs that open the message: hello, what is attached, and how to open it when protected."""
    paragraphs = (
        labels.email_greeting.format(name=patient.greeting_name),
        labels.email_attached.format(clinic=clinic.name),
    )
    if password_rule is None:
        return paragraphs
    rule = labels.email_password_code if password_rule == "random" else labels.email_password
    return (*paragraphs, rule.format(clinic=clinic.name))


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

    A protected PDF's warnings are not listed in the body (they would tell any reader the medicine).
    `leaflet_page` (the verified HTML leaflet, opening with `greeting`) replaces the short HTML body;
    never with a protected PDF.
    """
    limit = settings.max_attachment_mb * 1024 * 1024
    if len(pdf) > limit:
        size = len(pdf) / 1024 / 1024
        raise DeliveryError(f"{where}: attachment is {size:.1f} MB, above the {settings.max_attachment_mb:g} MB limit")
    paragraphs = list(greeting(patient, clinic, labels, settings.pdf_password if protected else None))
    closing = [
        labels.email_questions.format(clinic=clinic.name, phone=clinic.phone),
        labels.email_emergency,
    ]
    listed = () if protected else warnings
    text = "\n\n".join(paragraphs) + "\n\n"
    if listed:
        text += f"{labels.email_warnings}\n" + "".join(f"- {w}\n" for w in listed) + "\n"
    text += "\n\n".join(closing) + f"\n\n{clinic.name}\n"
    esc = html.escape
    body = "".join(f"<p>{esc(p)}</p>" for p in paragraphs)
    if listed:
        body += f"<h2>{esc(labels.email_warnings)}</h2><ul>" + "".join(f"<li>{esc(w)}</li>" for w in listed) + "</ul>"
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
    page = f'<!doctype html><html lang="{esc(labels.locale.replace("_", "-"))}"><body>{body}</body></html>'
    message.add_alternative(leaflet_page or page, subtype="html")
    message.add_attachment(pdf, maintype="application", subtype="pdf", filename=labels.email_attachment_name)
    return message
