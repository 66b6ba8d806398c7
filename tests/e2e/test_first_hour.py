"""The generated README's "first hour", run as written in a new project, as its owner
would: `make dev` in one terminal and the second block in another, with no database
configured (the embedded PostgreSQL)."""

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from collections import Counter
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    BIN_DIR,
    RUNNABLE_DEFAULT_ANSWERS,
    GeneratedProject,
    combination_id,
    project_env,
)

pytestmark = pytest.mark.e2e

BLOCK = re.compile(r"<!-- first-hour:(\w+) -->\n```sh\n(.*?)\n```", re.DOTALL)
PORT = 8000  # the README's
PATIENCE_SECONDS = 300


# The app's development log lines: an ISO timestamp, then the level in brackets.
APP_LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z \[")
# Lines of other formats that once interleaved: uvicorn's default and alembic.ini's.
FOREIGN_LOG_LINE = re.compile(r"^(DEBUG|INFO|WARNING|ERROR|CRITICAL)(:| +\[)")
# `make dev` runs the server, the worker and the mail catcher side by side
# (devtools/run_together.py), each line prefixed by its name; `migrate` runs before them.
RUN_TOGETHER_LINE = re.compile(r"^(\w+) *\| (.*)$")


def log_lines(log: str) -> list[tuple[str, str]]:
    """(which process, what it logged) for each line `make dev` printed."""
    lines = []
    for line in log.splitlines():
        prefixed = RUN_TOGETHER_LINE.match(line)
        lines.append((prefixed[1], prefixed[2]) if prefixed else ("migrate", line))
    return lines


def first_hour_blocks(readme: str) -> dict[str, str]:
    return dict(BLOCK.findall(readme))


def owner_environment(project: GeneratedProject) -> dict[str, str]:
    """The owner's shell: none of this suite's venv on PATH, no `UV` (`uv run` sets it)
    and no `UV_PYTHON`; the Makefile finds uv and the Python itself (on a pyenv machine,
    both live in pyenv Pythons that .python-version does not name)."""
    env = project_env(project.answers["python_version"], {}, Path(project.env["TMPDIR"]))
    for name in ("UV", "UV_PYTHON"):
        env.pop(name, None)
    env["PATH"] = os.pathsep.join(
        entry for entry in env["PATH"].split(os.pathsep) if Path(entry) != BIN_DIR
    )
    return env


def _server_header() -> str | None:
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/livez", timeout=5) as answer:
        server: str | None = answer.headers.get("server")
        return server


def _front_page() -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/", timeout=5) as answer:
        return str(answer.read().decode())


def _serving() -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{PORT}/livez", timeout=5) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


def _port_taken() -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", PORT)) == 0


@pytest.mark.parametrize("project", [RUNNABLE_DEFAULT_ANSWERS], indirect=True, ids=combination_id)
def test_the_first_hour_runs_as_written(project: GeneratedProject, tmp_path: Path) -> None:
    blocks = first_hour_blocks((project.path / "README.md").read_text())
    assert set(blocks) == {"serve", "try"}, "the README lost a first-hour block"
    assert not _port_taken(), f"port {PORT} is taken: the README's make dev needs it"
    owner = owner_environment(project)
    log = tmp_path / "make-dev.log"
    with log.open("w") as output:
        dev = subprocess.Popen(
            ["bash", "-c", blocks["serve"]],
            cwd=project.path,
            env=owner,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: make, uv, uvicorn and its reloader
        )
    try:
        deadline = time.monotonic() + PATIENCE_SECONDS
        while not _serving():
            assert dev.poll() is None, f"make dev exited ({dev.returncode}):\n{log.read_text()}"
            assert time.monotonic() < deadline, f"make dev did not serve:\n{log.read_text()}"
            time.sleep(0.5)
        server_header = _server_header()
        front_page = _front_page()
        tried = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", blocks["try"]],
            cwd=project.path,
            env=owner,
            capture_output=True,
            text=True,
            timeout=1200,
            check=False,
        )
    finally:
        os.killpg(dev.pid, signal.SIGINT)  # Ctrl-C, as the README says
        try:
            dev.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(dev.pid, signal.SIGKILL)
            dev.wait()
    said = tried.stdout + tried.stderr
    assert tried.returncode == 0, said[-8000:] + "\n--- make dev ---\n" + log.read_text()[-4000:]
    assert "administrator: admin@example.org  password: " in said  # make seed
    assert "you@example.org is an administrator" in said  # make create-admin
    assert '"slot_id":' in tried.stdout  # the booking made with the API
    assert "report: 402" in tried.stdout  # the paywall, on the free plan
    assert " passed" in said
    assert "failed" not in said  # make test
    assert not _port_taken(), "make dev still serves after Ctrl-C"
    assert server_header is None  # as `serve` in production
    # The browser gets the app's pages at the root (frontend=react, the default), built
    # by make dev.
    assert '<div id="root"></div>' in front_page, front_page[:500]
    logged = log.read_text()
    lines = log_lines(logged)
    assert [line for _, line in lines if FOREIGN_LOG_LINE.match(line)] == []
    running = [line for _, line in lines if "Uvicorn running on" in line]
    assert len(running) == 1, logged[-4000:]
    assert APP_LOG_LINE.match(running[0]), running
    # Each development warning once from each process that reads the settings: never
    # twice from one process, nor in two formats.
    warning = "configuration: PUBLIC_BASE_URL is not https"
    warned = Counter(source for source, line in lines if warning in line)
    assert warned == {"migrate": 1, "server": 1, "worker": 1}, logged[-4000:]
    assert all(APP_LOG_LINE.match(line) for _, line in lines if warning in line), logged[-4000:]
    # The reloader watches the package's code only: the database files and node_modules
    # that changed meanwhile (make test, npm) are not its business.
    assert [line for _, line in lines if "[watchfiles.main]" in line] == [], logged[-4000:]
    # Ctrl-C stopped every process `make dev` started before it returned, each saying so.
    stopped = {source for source, line in lines if re.fullmatch(r"exited -?\d+", line)}
    started = {"server", "worker", "mail"} | (
        {"frontend"} if project.answers["frontend"] == "react" else set()
    )
    assert stopped == started, logged[-4000:]

    # The hooks `make dev` installed run in the owner's shell as git runs them, on a
    # staged file (no commit: the project is shared with other tests).
    notes = project.path / "first-notes.py"
    notes.write_text('"""First notes."""\n')
    try:
        subprocess.run(["git", "add", notes.name], cwd=project.path, check=True)
        hooks = subprocess.run(
            [".git/hooks/pre-commit"],
            cwd=project.path,
            env=owner,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        subprocess.run(["git", "reset", "--quiet", "--", notes.name], cwd=project.path, check=True)
        notes.unlink()
    assert hooks.returncode == 0, hooks.stdout + hooks.stderr
    assert "ruff check" in hooks.stdout
