"""An update killed while it writes the project loses nothing: SIGTERM restores at once (as
Ctrl-C does), SIGKILL and power cuts are undone by the next scaffold run from the journal.

Each run is a real `scaffold` process, through a tiny wrapper that stops it at a chosen
call of the write phase: `os.kill(SIGKILL)` there, or it waits there for the test to send
SIGTERM. The project and its `.git` are compared byte for byte (modes and file times too)
with the snapshot taken before the update.
"""

from __future__ import annotations

import os
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from scaffold import new_project
from scaffold.cli import app
from scaffold.merge.journal import JOURNAL
from tests.fake_templates import git
from tests.fixtures import commit_all, edit, worktree

MakeProject = Callable[..., Path]

# Patches `module.function` (a dotted name) to stop the process at call `count`: before
# the call, after it, or (`partial`, for `_write`) after writing only the temporary file.
WRAPPER = """
import os, signal, sys, time
from pathlib import Path
import scaffold.merge.apply, scaffold.merge.journal

module, name, when, count = os.environ["KILL_AT"].split(":")
owner = getattr(scaffold.merge, module)
*outer, function = name.split(".")
for part in outer:
    owner = getattr(owner, part)
real = getattr(owner, function)
calls = 0

def stop():
    if os.environ["KILL_WITH"] == "SIGKILL":
        os.kill(os.getpid(), signal.SIGKILL)
    Path(os.environ["KILL_READY"]).write_text("waiting")
    time.sleep(120)  # until the test's SIGTERM arrives

def hooked(*args, **kwargs):
    global calls
    calls += 1
    if calls == int(count) and when == "before":
        stop()
    if calls == int(count) and when == "partial":
        path, _mode, content = args
        path.with_name(f".{path.name}.scaffold-tmp").write_bytes(content[: len(content) // 2])
        stop()
    result = real(*args, **kwargs)
    if calls == int(count) and when == "after":
        stop()
    return result

setattr(owner, function, hooked)
sys.argv = ["scaffold", *sys.argv[1:]]
from scaffold.cli import main
main()
"""


def owner_edits(project: Path) -> None:
    """Files the update modifies, moves (edited and added by the owner), keeps and deletes."""
    package = project / "src/demo_app"
    edit(project / "README.md", "Start with", "Mine: start with")
    edit(package / "util.py", "VALUE = 1", "VALUE = 10  # mine")
    (package / "bookings.py").write_text("BOOKINGS = []\n")
    (package / "domain").mkdir()
    (package / "domain/models.py").write_text("class Booking: ...\n")
    edit(project / "obsolete.txt", "Third line.", "Third line, mine.")
    (project / "Makefile").chmod(0o755)


def update_args(project: Path) -> list[str]:
    """The v1 -> v2 update, with an answer change that moves `src/demo_app/` to `src/shop/`."""
    return ["update", str(project), "--defaults", "--data", "package_name=shop"]


def snapshot(root: Path) -> dict[str, tuple[object, ...]]:
    """Every directory, file and symlink under `root`, `.git` included: kind, mode, bytes
    or target, and a work tree file's modification time (not an object's: git freshens
    the times of objects the scratch repository borrows, without changing a byte)."""
    state: dict[str, tuple[object, ...]] = {}
    for directory, dirs, files in os.walk(root):
        for name in [*dirs, *files]:
            path = Path(directory) / name
            info = path.lstat()
            key = str(path.relative_to(root))
            if stat.S_ISLNK(info.st_mode):
                state[key] = ("link", os.readlink(path))
            elif stat.S_ISDIR(info.st_mode):
                state[key] = ("dir", stat.S_IMODE(info.st_mode))
            else:
                mtime = None if ".git" in Path(key).parts else info.st_mtime_ns
                state[key] = ("file", info.st_mode, mtime, path.read_bytes())
    return state


def workdirs(tmpdir: Path) -> list[Path]:
    return sorted(tmpdir.glob("scaffold-update-*"))


def journal_of(project: Path) -> Path:
    relative = git("rev-parse", "--git-path", JOURNAL, cwd=project).strip()
    return (project / relative).resolve()


def scaffold_env(tmpdir: Path, **extra: str) -> dict[str, str]:
    tmpdir.mkdir(exist_ok=True)
    return {**os.environ, "TMPDIR": str(tmpdir), **extra}


def run(
    args: list[str], tmpdir: Path, kill_at: str | None = None
) -> subprocess.CompletedProcess[str]:
    """`scaffold ARGS` in its own process (and temporary directory); killed at `kill_at`."""
    env = scaffold_env(tmpdir, KILL_AT=kill_at or "apply:_write:never:0", KILL_WITH="SIGKILL")
    return subprocess.run(
        [sys.executable, "-c", WRAPPER, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def wait_for(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + 60
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.01)


def restored_message(project: Path) -> str:
    return (
        f"warning: an update of {project} was interrupted (killed) while writing; "
        "the project was restored as it was before it"
    )


@pytest.mark.parametrize(
    ("kill_at", "committed", "written"),
    [
        pytest.param(
            "journal:_commit:before:1", False, False, id="before-the-journal-is-committed"
        ),
        pytest.param("journal:_commit:after:1", True, False, id="right-after-the-journal"),
        pytest.param("apply:_delete:after:1", True, True, id="after-the-first-deletion"),
        pytest.param("apply:_write:before:1", True, True, id="after-the-deletions"),
        pytest.param("apply:_write:after:1", True, True, id="after-the-first-write"),
        pytest.param("apply:_write:partial:10", True, True, id="in-the-middle-of-a-write"),
        pytest.param("journal:Journal.remove:before:1", True, True, id="after-the-last-write"),
    ],
)
def test_a_killed_update_is_undone_by_the_next_run(
    make_project: MakeProject, tmp_path: Path, kill_at: str, committed: bool, written: bool
) -> None:
    project = make_project(owner_edits)
    before, files = snapshot(project), worktree(project)
    tmpdir = tmp_path / "tmp"

    killed = run(update_args(project), tmpdir, kill_at)

    assert killed.returncode == -signal.SIGKILL, killed.stderr
    assert journal_of(project).exists() == committed
    assert (worktree(project) != files) == written  # half written, or not
    assert len(workdirs(tmpdir)) == 1  # a kill leaves it: the next update removes it
    checked = run(["check", str(project)], tmpdir)
    assert checked.returncode == 1, checked.stderr  # behind v2.0.0
    assert snapshot(project) == before
    if committed:
        assert restored_message(project) in checked.stderr
    else:
        assert "interrupted" not in checked.stderr

    updated = run(update_args(project), tmpdir)

    assert updated.returncode == 0, updated.stderr
    assert "interrupted" not in updated.stderr
    assert (project / "src/shop/util.py").read_text().startswith("VALUE = 10  # mine")
    assert (project / "src/shop/domain/models.py").is_file()
    assert not (project / "src/demo_app").exists()
    assert workdirs(tmpdir) == []
    assert not journal_of(project).exists()


def test_update_after_a_kill_restores_then_updates_as_if_never_killed(
    make_project: MakeProject, tmp_path: Path
) -> None:
    project = make_project(owner_edits)
    reference = tmp_path / "reference"
    shutil.copytree(project, reference, symlinks=True)
    assert run(update_args(reference), tmp_path / "t1").returncode == 0
    killed = run(update_args(project), tmp_path / "t2", "apply:_write:after:2")
    assert killed.returncode == -signal.SIGKILL

    updated = run(update_args(project), tmp_path / "t2")

    assert updated.returncode == 0, updated.stderr
    assert restored_message(project) in updated.stderr
    assert worktree(project) == worktree(reference)


def test_a_kill_while_restoring_is_finished_by_the_next_run(
    make_project: MakeProject, tmp_path: Path
) -> None:
    project = make_project(owner_edits)
    before = snapshot(project)
    tmpdir = tmp_path / "tmp"
    run(update_args(project), tmpdir, "apply:_write:after:3")

    restoring = run(["check", str(project)], tmpdir, "journal:_put_back:after:2")

    assert restoring.returncode == -signal.SIGKILL
    assert journal_of(project).exists()
    assert snapshot(project) != before  # half restored
    again = run(["diff", str(project)], tmpdir)
    assert again.returncode == 0, again.stderr
    assert restored_message(project) in again.stderr
    assert snapshot(project) == before


def test_a_killed_update_in_a_subdirectory_of_a_linked_worktree(
    template: Path, tmp_path: Path
) -> None:
    """The journal is the work tree's (`git rev-parse --git-path`), the paths the project's."""
    monorepo = tmp_path / "mono"
    monorepo.mkdir()
    git("init", "--quiet", "--initial-branch", "main", cwd=monorepo)
    (monorepo / "other.txt").write_text("another team's file\n")
    new_project(
        monorepo / "apps/web", defaults=True, template=str(template), vcs_ref="v1.0.0", git=False
    )
    owner_edits(monorepo / "apps/web")
    commit_all(monorepo, "monorepo")
    linked = tmp_path / "linked"
    git("worktree", "add", "--quiet", "-b", "feature", str(linked), cwd=monorepo)
    project = linked / "apps/web"
    before = snapshot(monorepo), snapshot(linked)

    killed = run(update_args(project), tmp_path / "t", "apply:_write:after:2")

    assert killed.returncode == -signal.SIGKILL
    assert journal_of(project).is_relative_to(monorepo / ".git/worktrees")
    checked = run(["check", str(linked / "apps")], tmp_path / "t")  # anywhere in the tree
    assert restored_message(project) in checked.stderr
    assert (snapshot(monorepo), snapshot(linked)) == before


def test_sigterm_while_writing_restores_at_once(make_project: MakeProject, tmp_path: Path) -> None:
    project = make_project(owner_edits)
    before = snapshot(project)
    tmpdir, ready = tmp_path / "tmp", tmp_path / "ready"
    env = scaffold_env(tmpdir, KILL_AT="apply:_write:after:2", KILL_WITH="SIGTERM")
    env["KILL_READY"] = str(ready)
    writer = subprocess.Popen(
        [sys.executable, "-c", WRAPPER, *update_args(project)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(lambda: ready.exists() or writer.poll() is not None, "the write phase")
        assert writer.poll() is None, writer.communicate()
        assert journal_of(project).exists()
        concurrent = run(["check", str(project)], tmp_path / "other")
        assert "another scaffold process is writing an update" in concurrent.stderr
        assert concurrent.returncode == 1

        writer.send_signal(signal.SIGTERM)
        _, err = writer.communicate(timeout=60)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.communicate()

    assert writer.returncode == 130, err
    assert "aborted: nothing was left behind" in err
    assert snapshot(project) == before  # the journal is gone from .git too
    assert workdirs(tmpdir) == []


def test_next_update_removes_workdirs_of_dead_processes_only(
    make_project: MakeProject, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = make_project()
    tmpdir = tmp_path / "tmp"
    dead_pid = _pid_of_a_finished_process()
    two_days_ago = time.time() - 2 * 24 * 3600
    for name, pid, mtime in [
        ("dead", dead_pid, None),
        ("live", os.getpid(), two_days_ago),
        ("unowned-young", None, None),
        ("unowned-old", None, two_days_ago),
    ]:
        directory = tmpdir / f"scaffold-update-{name}"
        (directory / "base").mkdir(parents=True)
        if pid is not None:
            (directory / "owner.pid").write_text(f"{pid}\n")
        if mtime is not None:
            os.utime(directory, (mtime, mtime))
    monkeypatch.setattr(tempfile, "tempdir", str(tmpdir))

    result = CliRunner().invoke(app, ["update", str(project), "--defaults"])

    assert result.exit_code == 0, result.stderr
    assert sorted(p.name for p in workdirs(tmpdir)) == [
        "scaffold-update-live",
        "scaffold-update-unowned-young",
    ]


def _pid_of_a_finished_process() -> int:
    child = subprocess.Popen(["true"])
    child.wait()
    return child.pid
