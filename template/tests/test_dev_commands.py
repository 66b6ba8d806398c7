"""`make dev`'s helpers: the process runner and the mail catcher, as processes."""

import os
import signal
import smtplib
import subprocess
import sys
import time
from email.message import EmailMessage
from pathlib import Path

from tests.support import free_port, wait_until

PROJECT = Path(__file__).resolve().parents[1]


def devtool(*arguments: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    """A devtools module in a process group of its own, as a terminal runs `make dev`:
    with SIGINT's default action even where this suite runs with SIGINT ignored (a job
    started in the background), since an ignored signal stays ignored in every child
    (a handler here is reset to the default in the child)."""
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        return subprocess.Popen(
            [sys.executable, "-m", *arguments],
            cwd=PROJECT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
    finally:
        signal.signal(signal.SIGINT, previous)


def slow_to_stop(started: Path, stopped: Path) -> str:
    """A command that takes a second to stop after SIGINT or SIGTERM, as a server
    draining its requests does, and leaves `stopped` behind when it has."""
    return (
        f"trap 'sleep 1; touch {stopped}; exit 0' INT TERM; touch {started}; "
        "while true; do sleep 0.05; done"
    )


def signal_twice(process: subprocess.Popen[str], signum: signal.Signals) -> None:
    """A signal as `make dev`'s processes receive it: once to the whole process group
    (from the terminal's Ctrl-C, or from the runner stopping a command), and once more
    from `uv run`, which forwards it to its child."""
    os.killpg(process.pid, signum)
    time.sleep(0.1)
    process.send_signal(signum)


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


def test_ctrl_c_stops_every_command_before_the_runner_exits(tmp_path: Path) -> None:
    """A second Ctrl-C while the commands stop must not cut the stopping short: the
    server would be left running, holding its port, after `make dev` returned."""
    started, stopped = tmp_path / "started", tmp_path / "stopped"
    runner = devtool("devtools.run_together", f"server={slow_to_stop(started, stopped)}")
    wait_until(started.exists, "the command to start")
    signal_twice(runner, signal.SIGINT)
    output, _ = runner.communicate(timeout=120)
    assert stopped.exists(), output  # it finished stopping before the runner exited
    assert runner.returncode == 0, output
    assert "server  | exited 0" in output
    assert "Traceback" not in output


def test_with_database_waits_for_its_command_after_ctrl_c(tmp_path: Path) -> None:
    """The command (`make dev`'s servers) stops on its own before `with_database`
    returns, and with it the embedded database the command may still be using."""
    started, stopped = tmp_path / "started", tmp_path / "stopped"
    env = {**os.environ, "DATABASE_URL": "postgresql+asyncpg://unused@127.0.0.1/unused"}
    command = slow_to_stop(started, stopped)
    wrapper = devtool("devtools.with_database", "--", "sh", "-c", command, env=env)
    wait_until(started.exists, "the command to start")
    signal_twice(wrapper, signal.SIGINT)
    output, _ = wrapper.communicate(timeout=120)
    assert stopped.exists(), output
    assert wrapper.returncode == 0, output
    assert "Traceback" not in output


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
        signal_twice(catcher, signal.SIGTERM)  # as `make dev` stops it
        output, _ = catcher.communicate(timeout=60)
    assert catcher.returncode == 0, output
    assert "Traceback" not in output
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
