"""Email settings: the `email:` section of the clinic config file, overridden by environment variables.

The SMTP password comes only from HANDOUT_SMTP_PASSWORD, never from a file.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field

from generator.content.schema import StrictModel, parse_model
from generator.errors import DeliveryError
from generator.yamlio import load_mapping

ENVIRONMENT = {
    "HANDOUT_SMTP_HOST": "host",
    "HANDOUT_SMTP_PORT": "port",
    "HANDOUT_SMTP_TLS": "tls",
    "HANDOUT_SMTP_USER": "user",
    "HANDOUT_MAIL_FROM": "sender",
}
PASSWORD_ENV = "HANDOUT_SMTP_PASSWORD"
_ONE_LINE_ADDRESS = r"^[^\r\n]*[^@\s<>]+@[^@\s<>]+[^\r\n]*$"
"""One line holding an email address, e.g. 'Clinic <leaflets@clinic.example>'."""


class EmailSettings(StrictModel):
    """How leaflets are sent."""

    host: str = "localhost"
    """SMTP server."""
    port: Annotated[int, Field(ge=1, le=65535)] | None = None
    """SMTP port; default 465 with tls: ssl, 587 with starttls, 25 without TLS."""
    tls: Literal["none", "starttls", "ssl"] = "starttls"
    """Transport security."""
    user: str | None = None
    """Login name; the password comes from HANDOUT_SMTP_PASSWORD."""
    sender: Annotated[str, Field(pattern=_ONE_LINE_ADDRESS)] | Literal[""] = Field(default="", alias="from")
    """The From address, e.g. 'Riverside Family Clinic <leaflets@riverside.example>'."""
    reply_to: Annotated[str, Field(pattern=_ONE_LINE_ADDRESS)] | None = None
    """Where patients' replies go."""
    ca_file: Path | None = None
    """Extra certificate authorities to trust (PEM), e.g. the clinic's own."""
    max_attachment_mb: Annotated[float, Field(gt=0)] = 10
    """Largest PDF attachment sent."""
    pdf_password: Literal["none", "date_of_birth", "random"] = "none"
    """Protect the PDF (AES-256): 'random' with a new 12-character code per patient that staff give by phone or
    in person (printed for staff, never emailed); 'date_of_birth' with the date of birth as DDMMYYYY (weak: see
    docs/email.md)."""
    timeout_s: Annotated[float, Field(gt=0, le=600)] = 20
    """Network timeout for each read or write."""
    deadline_s: Annotated[float, Field(gt=0, le=3600)] = 60
    """Longest time for one message, every attempt and wait included."""
    retries: Annotated[int, Field(ge=0, le=10)] = 2
    """Extra attempts after a temporary failure (server down, timeout, 4xx reply)."""
    retry_delay_s: Annotated[float, Field(ge=0, le=300)] = 2
    """Wait before the first retry; doubled for each next one."""

    @property
    def smtp_port(self) -> int:
        """The port to connect to."""
        return self.port or {"ssl": 465, "starttls": 587, "none": 25}[self.tls]


def load_email_settings(config: Path | None) -> EmailSettings:
    """The `email:` section of `config` (if any) with the environment's overrides applied."""
    data: dict[str, Any] = {}
    where = str(config) if config else "email settings"
    if config:
        section = load_mapping(config, DeliveryError).get("email") or {}
        if not isinstance(section, dict):
            raise DeliveryError(f"{config}: email: expected a mapping")
        if "password" in section:
            raise DeliveryError(f"{config}: email.password: put the password in {PASSWORD_ENV}, never in a file")
        data.update(section)
    overridden = []
    for variable, key in ENVIRONMENT.items():
        if os.environ.get(variable):
            data["from" if key == "sender" else key] = os.environ[variable]
            overridden.append(variable)
    if overridden:
        where += f" (with {', '.join(overridden)} from the environment)"
    settings = parse_model(EmailSettings, data, where, DeliveryError, prefix="email")
    if not settings.sender:
        raise DeliveryError(f"{where}: email.from: missing (set it in the config or HANDOUT_MAIL_FROM)")
    return settings


def smtp_password() -> str | None:
    """The SMTP password, from the environment only."""
    return os.environ.get(PASSWORD_ENV) or None
