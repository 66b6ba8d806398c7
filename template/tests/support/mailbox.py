"""A real SMTP server in the test process (aiosmtpd, on loopback) that keeps what it
receives, can refuse connections for a while (the mail provider down), and can stall
a sender at its first recipient (a job caught mid-send)."""

import asyncio
import email
import email.policy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass(frozen=True)
class Received:
    sender: str
    recipients: list[str]
    message: EmailMessage

    @property
    def subject(self) -> str:
        return str(self.message["Subject"])

    @property
    def text(self) -> str:
        body = self.message.get_body(preferencelist=("plain",))
        assert body is not None, "no plain text part"
        return str(body.get_content())

    @property
    def html(self) -> str:
        body = self.message.get_body(preferencelist=("html",))
        assert body is not None, "no HTML part"
        return str(body.get_content())


@dataclass
class Mailbox:
    """What the server received, in order; `port` stays the same across `down()`."""

    port: int
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    controller: Controller | None = None
    stall_first_recipient: float = 0.0
    """Seconds the first RCPT waits before it is accepted (0: none)."""
    stalled: threading.Event = field(default_factory=threading.Event)
    """Set once a sender is stalled at its first recipient."""

    @property
    def url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def to(self, address: str) -> list[Received]:
        with self.lock:
            return [mail for mail in self.received if address in mail.recipients]

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if self.stall_first_recipient and not self.stalled.is_set():
            self.stalled.set()
            await asyncio.sleep(self.stall_first_recipient)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        message = email.message_from_bytes(
            envelope.original_content or b"", policy=email.policy.default
        )
        assert isinstance(message, EmailMessage)
        with self.lock:
            self.received.append(
                Received(str(envelope.mail_from), list(envelope.rcpt_tos), message)
            )
        return "250 Message accepted for delivery"

    def up(self) -> None:
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def down(self) -> None:
        """Stop listening: connections are refused until `up()`."""
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@contextmanager
def smtp_server(port: int) -> Iterator[Mailbox]:
    mailbox = Mailbox(port)
    mailbox.up()
    try:
        yield mailbox
    finally:
        mailbox.down()
