"""`scaffold new` without --defaults, answering copier's prompts on a pseudo-terminal."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import termios
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

TIMEOUT = 30.0


class Terminal:
    """A child process on a pseudo-terminal: wait for text, type keys."""

    def __init__(self, args: list[str], cwd: Path) -> None:
        self.master, child_side = pty.openpty()
        termios.tcsetwinsize(self.master, (40, 120))
        env = {**os.environ, "TERM": "xterm", "PROMPT_TOOLKIT_NO_CPR": "1"}
        self.process = subprocess.Popen(
            args,
            stdin=child_side,
            stdout=child_side,
            stderr=child_side,
            cwd=cwd,
            env=env,
            start_new_session=True,
        )
        os.close(child_side)
        self.screen = b""
        self.seen = 0  # where the next expect() starts looking

    def expect(self, text: str) -> None:
        deadline = time.monotonic() + TIMEOUT
        while (found := self.screen.find(text.encode(), self.seen)) < 0:
            ready, _, _ = select.select([self.master], [], [], deadline - time.monotonic())
            if not ready:
                raise AssertionError(f"{text!r} not shown; screen ends with {self.screen[-800:]!r}")
            try:
                chunk = os.read(self.master, 65536)
            except OSError:  # the child exited and closed the terminal
                chunk = b""
            if not chunk:
                raise AssertionError(f"{text!r} not shown before exit: {self.screen[-800:]!r}")
            self.screen += chunk
        self.seen = found + len(text)

    def type(self, keys: str) -> None:
        os.write(self.master, keys.encode())

    def wait(self) -> int:
        return self.process.wait(timeout=TIMEOUT)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        os.close(self.master)


@pytest.fixture
def terminal(fake_template: Path, tmp_path: Path) -> Iterator[Terminal]:
    """`scaffold new app --template <fake>` running on a pseudo-terminal in tmp_path."""
    args = [sys.executable, "-m", "scaffold.cli", "new", "app", "--template", str(fake_template)]
    term = Terminal(args, tmp_path)
    yield term
    term.close()


def test_prompts_are_answered_on_a_terminal(terminal: Terminal, tmp_path: Path) -> None:
    terminal.expect("Project name")
    terminal.type("\x15Inter Active\r")  # Ctrl-U clears the default first
    terminal.expect("Package name")
    terminal.type("\r")  # accept the default derived from the name
    terminal.expect("Author")
    terminal.type("\r")
    terminal.expect("Author email")
    terminal.type("\r")
    terminal.expect("Python version")
    terminal.type("\r")
    terminal.expect("make dev")

    assert terminal.wait() == 0
    answers = yaml.safe_load((tmp_path / "app" / ".copier-answers.yml").read_text())
    assert answers["project_name"] == "Inter Active"
    assert answers["package_name"] == "inter_active"
    assert (tmp_path / "app" / ".env").is_file()


def test_ctrl_c_at_a_prompt_exits_130_and_writes_nothing(
    terminal: Terminal, tmp_path: Path
) -> None:
    terminal.expect("Project name")
    terminal.type("\x03")
    terminal.expect("aborted")

    assert terminal.wait() == 130
    assert not (tmp_path / "app").exists()
