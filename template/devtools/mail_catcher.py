"""The development mail catcher: an SMTP server on 127.0.0.1 that keeps every mail in a
folder instead of delivering it (`make dev` starts it; no Docker needed).

    python -m devtools.mail_catcher [--port 1025] [--folder .data/mail]   # catch
    python -m devtools.mail_catcher --show [N]                           # the last N

Each mail is one `.eml` file, named by arrival time. `--show` prints their headers and
plain text parts, links included (`make mail`).
"""

import argparse
import email
import email.policy
import signal
import sys
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

DEFAULT_FOLDER = Path(".data/mail")
DEFAULT_PORT = 1025


class FolderHandler:
    """Writes each accepted message to `folder` as `<arrival time>.eml`."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
        content = envelope.original_content or b""
        (self.folder / f"{stamp}.eml").write_bytes(content)
        print(f"mail caught: {', '.join(envelope.rcpt_tos)} -> {self.folder}/{stamp}.eml")
        return "250 Message accepted for delivery"


def read(path: Path) -> EmailMessage:
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert isinstance(message, EmailMessage)
    return message


def show(folder: Path, count: int) -> int:
    mails = sorted(folder.glob("*.eml"))[-count:]
    if not mails:
        print(f"no mail in {folder} yet")
        return 0
    for path in mails:
        message = read(path)
        print(f"=== {path.name}")
        for header in ("Date", "From", "To", "Subject"):
            print(f"{header}: {message[header]}")
        body = message.get_body(preferencelist=("plain",))
        print()
        print(body.get_content() if body is not None else "(no plain text part)")
    return 0


def catch(folder: Path, port: int) -> None:
    """Serve (aiosmtpd runs its own thread) until SIGINT or SIGTERM."""
    # Blocked here, before the server's thread starts (it inherits the mask), and taken
    # by sigwait below: the kernel may hand a signal to any thread that does not block
    # it, and one handled in the server's thread would never wake this one. Blocked,
    # a second signal (`make dev` stops a command's process group and `uv run` forwards
    # the same signal again) waits unseen instead of killing a catcher that stops.
    stop_signals = {signal.SIGINT, signal.SIGTERM}
    signal.pthread_sigmask(signal.SIG_BLOCK, stop_signals)
    controller = Controller(FolderHandler(folder), hostname="127.0.0.1", port=port)
    controller.start()
    print(f"mail catcher on smtp://127.0.0.1:{port}, mails in {folder}/ (make mail)")
    try:
        signal.sigwait(stop_signals)
    finally:
        controller.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--folder", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--show", type=int, nargs="?", const=3, metavar="N")
    options: Any = parser.parse_args(argv)
    if options.show is not None:
        return show(options.folder, options.show)
    catch(options.folder, options.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
