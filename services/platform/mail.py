"""Sending e-mail through SMTP (`smtplib`), framework-free.

`build_message` makes a standard message (plain text with an HTML alternative, attachments such as
a calendar invite); `send` hands it to the SMTP server of the settings (`smtp_host`, `smtp_port`,
`smtp_tls`: "none", "starttls" or "ssl"; `smtp_user`/`smtp_password` when the server wants a login).
In demo mode and in tests that server is the local one (services/platform/mail_server.py), which
keeps an .eml copy of every message it gets under `mail_dir`.

`send` raises `MailNotSent` when the server cannot be reached or refuses the message, so the
caller's task can retry; a message the server accepted is never sent again by this module.
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from models.settings import Settings, get_settings


class MailNotSent(Exception):
    """The SMTP server could not be reached or refused the message (nothing was delivered)."""


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # "text/calendar; method=REQUEST"
    content: bytes


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    text: str
    html: str = ""
    language: str = "en"
    message_id: str = ""
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)
    sender: str = ""  # the From header; default: settings.mail_sender


def build_message(mail: Mail, settings: Settings | None = None) -> EmailMessage:
    """The RFC 5322 message of `mail`: text/plain, text/html alternative, attachments."""
    settings = settings or get_settings()
    message = EmailMessage()
    message["From"] = mail.sender or settings.mail_sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Date"] = formatdate(localtime=False, usegmt=True)
    message["Message-ID"] = mail.message_id or make_msgid(domain=sender_domain(settings))
    message.set_content(mail.text)
    if mail.html:
        message.add_alternative(mail.html, subtype="html")
    for attachment in mail.attachments:
        maintype, _, rest = attachment.content_type.partition("/")
        subtype, *params = (part.strip() for part in rest.split(";"))
        extra = dict(param.split("=", 1) for param in params if "=" in param)
        message.add_attachment(
            attachment.content, maintype=maintype, subtype=subtype, filename=attachment.filename, params=extra
        )
    # Last: set_content and add_attachment move or drop the Content-* headers already set.
    message["Content-Language"] = "zh-CN" if mail.language == "zh" else mail.language
    return message


def sender_domain(settings: Settings | None = None) -> str:
    """The domain of the sender's address (for Message-IDs and calendar UIDs)."""
    sender = (settings or get_settings()).mail_sender
    address = sender.rsplit("<", 1)[-1].rstrip(">").strip()
    return address.rsplit("@", 1)[-1] or "portal.local"


def send(message: EmailMessage, settings: Settings | None = None) -> None:
    """Hand `message` to the configured SMTP server. Raises MailNotSent (nothing delivered)."""
    settings = settings or get_settings()
    timeout = settings.smtp_timeout_seconds
    try:
        if settings.smtp_tls == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.smtp_host, settings.smtp_port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
        with client:
            if settings.smtp_tls == "starttls":
                client.starttls(context=ssl.create_default_context())
            if settings.smtp_user:
                client.login(settings.smtp_user, settings.smtp_password)
            refused = client.send_message(message)
    except (OSError, smtplib.SMTPException) as error:
        raise MailNotSent(f"{settings.smtp_host}:{settings.smtp_port}: {error}") from error
    if refused:
        raise MailNotSent(f"recipients refused: {sorted(refused)}")
