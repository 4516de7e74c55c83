"""Sending e-mail when an SMTP server is configured (MAIL_SERVER, MAIL_PORT, MAIL_FROM, and
optionally MAIL_USERNAME, MAIL_PASSWORD, MAIL_STARTTLS); without one, nothing is sent."""

import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app

TIMEOUT = 30


@dataclass(frozen=True)
class Mail:
    """One plain-text message to one recipient."""

    to: str
    subject: str
    body: str
    language: str = "fi"


def is_configured() -> bool:
    """True when there is a server to send through and an address to send from."""
    config = current_app.config
    return bool(config.get("MAIL_SERVER") and config.get("MAIL_FROM"))


def _message(mail: Mail, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.to
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(mail.body)
    # After set_content, which replaces every Content-* header.
    message["Content-Language"] = mail.language
    return message


def send(mails: list[Mail]) -> int:
    """Send the messages over one connection; the number sent. Raises OSError (and
    smtplib.SMTPException) when the server cannot be reached or refuses."""
    if not mails:
        return 0
    config = current_app.config
    port = int(config.get("MAIL_PORT") or 25)
    with smtplib.SMTP(config["MAIL_SERVER"], port, timeout=TIMEOUT) as smtp:
        if config.get("MAIL_STARTTLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        for mail in mails:
            smtp.send_message(_message(mail, config["MAIL_FROM"]))
    return len(mails)
