"""Sending a rendered message over SMTP (aiosmtplib), with timeouts.

`SMTP_URL` says where: `smtp://host:587` upgrades with STARTTLS (required, except on a
loopback address, where the development catcher listens), `smtps://host:465` speaks TLS
from the first byte; a user and password in the URL sign in. Failures raise `MailNotSent`:
the job that called `send` fails and the queue tries it again later.
"""

import ipaddress
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr
from urllib.parse import unquote, urlsplit

import aiosmtplib

from ..errors import ServiceUnavailable
from ..settings import SMTP_SCHEMES, Settings
from .messages import Message


class MailNotSent(ServiceUnavailable):
    """The SMTP server could not be reached, or refused the message."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def as_email(message: Message, sender: str) -> EmailMessage:
    email = EmailMessage()
    email["From"] = sender
    email["To"] = message.to
    email["Subject"] = message.subject
    email["Date"] = formatdate(localtime=False)
    domain = parseaddr(sender)[1].rpartition("@")[2] or None
    email["Message-ID"] = make_msgid(domain=domain)
    email.set_content(message.text)
    email.add_alternative(message.html, subtype="html")
    return email


async def send(message: Message, settings: Settings) -> None:
    """Deliver `message` to the SMTP server of `settings.smtp_url`."""
    url = urlsplit(settings.smtp_url.get_secret_value())
    host = url.hostname or ""
    try:
        await aiosmtplib.send(
            as_email(message, settings.email_from),
            hostname=host,
            port=url.port or SMTP_SCHEMES[url.scheme],
            username=unquote(url.username) if url.username else None,
            password=unquote(url.password) if url.password else None,
            use_tls=url.scheme == "smtps",
            start_tls=not (url.scheme == "smtps" or is_loopback(host)),
            timeout=settings.smtp_timeout,
        )
    except (aiosmtplib.SMTPException, OSError) as error:
        # The server's own words name the failure; the URL (and its password) stays out.
        raise MailNotSent(f"SMTP {host}: {type(error).__name__}: {error}") from None
