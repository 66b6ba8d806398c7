"""`make dev`'s helpers: the process runner and the mail catcher, as processes."""

import smtplib
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

from tests.support import free_port, wait_until

PROJECT = Path(__file__).resolve().parents[1]


def devtool(*arguments: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", *arguments],
        cwd=PROJECT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_when_one_command_stops_the_others_are_stopped_and_its_code_returned(
    tmp_path: Path,
) -> None:
    started = tmp_path / "sleeper-started"
    runner = devtool(
        "devtools.run_together",
        # Not a fixed pause: on a loaded machine the sleeper may start seconds late.
        f"quick=while [ ! -e {started} ]; do sleep 0.05; done; echo hello; exit 3",
        f"sleeper=echo started; touch {started}; exec sleep 600",
    )
    output, _ = runner.communicate(timeout=120)  # long before the sleeper would end
    assert runner.returncode == 3, output
    assert "quick   | hello" in output
    assert "quick   | exited 3" in output
    assert "sleeper | started" in output
    assert "sleeper | exited -15" in output  # stopped (SIGTERM), not left behind


def test_the_mail_catcher_keeps_each_mail_and_shows_the_last(tmp_path: Path) -> None:
    port, folder = free_port(), tmp_path / "mail"
    catcher = devtool("devtools.mail_catcher", "--port", str(port), "--folder", str(folder))
    try:
        message = EmailMessage()
        message["From"], message["To"] = "app@acme.dev", "user@acme.dev"
        message["Subject"] = "Confirm your address"
        message.set_content("Open https://bookings.acme.dev/verify#token to confirm.")

        def sent() -> bool:
            try:
                with smtplib.SMTP("127.0.0.1", port, timeout=5) as smtp:
                    smtp.send_message(message)
            except OSError:
                time.sleep(0.1)
                return False
            return True

        wait_until(sent, "the catcher to take a mail")
        wait_until(lambda: len(list(folder.glob("*.eml"))) == 1, "the mail on disk")
    finally:
        catcher.terminate()
        catcher.communicate(timeout=60)
    assert catcher.returncode == 0
    shown = subprocess.run(
        [sys.executable, "-m", "devtools.mail_catcher", "--folder", str(folder), "--show", "1"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Subject: Confirm your address" in shown.stdout
    assert "To: user@acme.dev" in shown.stdout
    assert "https://bookings.acme.dev/verify#token" in shown.stdout
