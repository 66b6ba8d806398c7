"""A project made from the previous release of the built-in template, worked on by its
owner, updated to this checkout's template: no owner line is lost, edits in files the
template moved arrive in their new homes, and the project's own suite passes.

The previous release is the newest one (a tag or an entry of RELEASES.toml) whose
template differs from this checkout's, so the test follows every later release.
"""

import io
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest
import yaml
from packaging.version import Version

from scaffold._version import __version__
from tests.conftest import REPO_ROOT
from tests.e2e.conftest import (
    BIN_DIR,
    RUNNABLE_DEFAULT_ANSWERS,
    STAND_IN_PYTHON,
    generate,
    project_env,
    run,
)
from tests.fake_templates import git
from tools.snapshot import snapshot_template
from tools.template_bundle import releases

pytestmark = pytest.mark.e2e

TEMPLATE_FILES = ("copier.yml", "template", "CHANGELOG.md")

# The owner's work on the previous release's project, each in a file the template
# changes (an edit in place, or a file it moves elsewhere).
OWNER_ROUTE = '''

@router.get("/summary/count")
async def count_my_bookings(user: CurrentUser, session: SessionDep) -> dict[str, int]:
    """How many bookings the caller has: the owner's own route."""
    rows = await repository.bookings_of(session, user.id, 1000, 0)
    return {"count": len(rows)}
'''
OWNER_TEST = """

async def test_the_owners_count_route(client: AsyncClient, db_session: AsyncSession) -> None:
    _, user = await signed_in(db_session)
    response = await client.get("/api/v1/bookings/summary/count", headers=user)
    assert response.json() == {"count": 0}
"""
OWNER_SETTING = """    booking_reminder_hours: int = Field(
        24, ge=1, description="How long before a booking its reminder goes out"
    )
"""
SETTING_ANCHOR = (
    '        False, description="Tracebacks in error responses; refused outside development"\n'
    "    )\n"
)
OWNER_HELPER = '''

def with_trace(headers: dict[str, str], trace_id: str) -> dict[str, str]:
    """The owner's helper: headers for a call that carries a trace id."""
    return {**headers, "X-Trace-Id": trace_id}
'''
OWNER_MODULE = '''"""Booking reminders: a module the owner added."""

from datetime import datetime, timedelta


def reminder_time(starts_at: datetime, hours_before: int) -> datetime:
    return starts_at - timedelta(hours=hours_before)
'''


def previous_release() -> tuple[str, str]:
    """(tag name, commit) of the newest release whose template this checkout changed."""
    for tag, commit in reversed(releases(REPO_ROOT)):
        unchanged = subprocess.run(
            ["git", "diff", "--quiet", commit, "--", "copier.yml", "template"],
            cwd=REPO_ROOT,
            check=False,
        )
        if unchanged.returncode == 1:
            return tag, commit
        assert unchanged.returncode == 0, f"git diff {commit} failed"
    raise AssertionError("no release before this checkout's template")


@pytest.fixture(scope="module")
def release_then_today(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str, str]:
    """A template repository: the previous release, tagged, then this checkout's
    template committed on top: (repository, the release's tag, today's ref)."""
    tag, commit = previous_release()
    repo = tmp_path_factory.mktemp("releases") / "template"
    repo.mkdir()
    git("init", "--quiet", "--initial-branch", "main", cwd=repo)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", commit, *TEMPLATE_FILES],
        cwd=REPO_ROOT,
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(repo, filter="data")
    git("add", "--all", cwd=repo)
    git("commit", "--quiet", "-m", f"template {tag}", cwd=repo)
    git("tag", tag, cwd=repo)
    for name in TEMPLATE_FILES:
        shutil.rmtree(repo / name) if (repo / name).is_dir() else (repo / name).unlink()
    today = snapshot_template(REPO_ROOT, tmp_path_factory.mktemp("today") / "t", __version__)
    for name in TEMPLATE_FILES:
        source = today / name if name != "CHANGELOG.md" else REPO_ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy2)(source, repo / name)
    git("add", "--all", cwd=repo)
    git("commit", "--quiet", "-m", "today's template", cwd=repo)
    # Released as this version when it is newer than the previous release; between
    # releases, the commit itself (as `scaffold update --vcs-ref main` would take it).
    if Version(__version__) > Version(tag):
        git("tag", f"v{__version__}", cwd=repo)
        return repo, tag, f"v{__version__}"
    return repo, tag, git("rev-parse", "HEAD", cwd=repo).strip()


def asked_at(repo: Path, ref: str) -> set[str]:
    """The questions the template asks at `ref`."""
    config = yaml.safe_load(git("show", f"{ref}:copier.yml", cwd=repo))
    return {name for name in config if not name.startswith("_")}


def added_lines(project: Path, since: str) -> set[str]:
    """The non-blank lines the owner's commits added since `since`."""
    diff = git("diff", "--unified=0", since, "HEAD", cwd=project)
    return {
        line[1:].strip()
        for line in diff.splitlines()
        if line.startswith("+") and not line.startswith("+++") and line[1:].strip()
    }


def the_one(folder: Path, name: str) -> Path:
    """The one file called `name` under `folder`."""
    found = [path for path in folder.rglob(name) if ".venv" not in path.parts]
    assert len(found) == 1, found
    return found[0]


def in_template(path: Path) -> bool:
    """Whether this checkout's template renders `path` (a default project's path)."""
    source = REPO_ROOT / "template" / str(path).replace("src/my_app/", "src/{{package_name}}/")
    return source.is_file() or source.with_name(source.name + ".jinja").is_file()


def tree_lines(project: Path) -> set[str]:
    # Tracked, and new but not ignored: what the update wrote is not committed yet.
    tracked = git(
        "ls-files", "--cached", "--others", "--exclude-standard", cwd=project
    ).splitlines()
    lines: set[str] = set()
    for name in tracked:
        path = project / name
        if path.is_file():
            lines.update(line.strip() for line in path.read_text(errors="replace").splitlines())
    return lines


def test_a_project_of_the_previous_release_updates_without_losing_a_line(
    release_then_today: tuple[Path, str, str],
    tmp_path: Path,
    database_env: dict[str, str],
) -> None:
    repo, old, new = release_then_today
    project = tmp_path / "my-app"
    # Today's answers to the questions the release asked: an owner of that release
    # never saw a later question (frontend, for 0.2.0).
    asked = asked_at(repo, old)
    answers = {name: value for name, value in RUNNABLE_DEFAULT_ANSWERS.items() if name in asked}
    generate(repo, project, answers, "--vcs-ref", old)
    (tmp_path / "tmp").mkdir()
    env = project_env(STAND_IN_PYTHON, database_env, tmp_path / "tmp")
    package = project / "src" / "my_app"
    generated = git("rev-parse", "HEAD", cwd=project).strip()
    # Found by name: each release may keep them elsewhere (0.2.0 moved both).
    bookings_tests = the_one(project / "tests", "test_bookings.py")
    http_client = the_one(package, "http_client.py")

    with (package / "bookings" / "router.py").open("a") as router:
        router.write(OWNER_ROUTE)
    with bookings_tests.open("a") as tests:
        tests.write(OWNER_TEST)
    with http_client.open("a") as module:
        module.write(OWNER_HELPER)
    settings = package / "settings.py"
    assert SETTING_ANCHOR in settings.read_text()
    settings.write_text(
        settings.read_text().replace(SETTING_ANCHOR, SETTING_ANCHOR + OWNER_SETTING)
    )
    (package / "bookings" / "reminders.py").write_text(OWNER_MODULE)
    # As the owner does after adding a setting: .env.example and the README follow it.
    run(["make", "install"], cwd=project, env=env)
    run(["uv", "run", "python", "-m", "devtools.settings_doc"], cwd=project, env=env)
    run(["git", "add", "--all"], cwd=project, env=env)
    run(["git", "commit", "--quiet", "-m", "The owner's work"], cwd=project, env=env)
    owners = added_lines(project, generated)
    assert "BOOKING_REMINDER_HOURS=24" in owners

    update = subprocess.run(
        [BIN_DIR / "scaffold", "update", str(project), "--defaults", "--vcs-ref", new],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert update.returncode == 0, update.stdout + update.stderr
    # A question the release did not ask is answered as the project already is
    # (copier.yml's _scaffold_existing_projects), not with the default for new projects.
    recorded = yaml.safe_load((project / ".copier-answers.yml").read_text())
    if "frontend" not in asked:
        assert recorded["frontend"] == "none"
        assert not (project / "frontend").exists()
    assert sorted(owners - tree_lines(project)) == [], "owner lines lost"
    # Edits in moved files arrive in the new homes, and only there.
    moved_tests = the_one(project / "tests", "test_bookings.py")
    assert OWNER_TEST.strip() in moved_tests.read_text()
    moved_client = the_one(package, "http_client.py")
    assert OWNER_HELPER.strip() in moved_client.read_text()
    assert OWNER_ROUTE.strip() in (package / "bookings" / "router.py").read_text()
    assert OWNER_SETTING in settings.read_text()
    assert (package / "bookings" / "reminders.py").read_text() == OWNER_MODULE
    # ...where this checkout's template keeps them.
    assert in_template(moved_tests.relative_to(project))
    assert in_template(moved_client.relative_to(project))

    # The project as the update left it: committed, checked and tested as CI would.
    run(["git", "add", "--all"], cwd=project, env=env)
    run(["git", "commit", "--quiet", "-m", "Update the template"], cwd=project, env=env)
    output = run(["make", "lint", "typecheck", "test"], cwd=project, env=env, timeout=900)
    assert " passed" in output.stdout
    owner_test = run(
        ["uv", "run", "pytest", "-q", "tests/bookings/test_bookings.py", "-k", "owners_count"],
        cwd=project,
        env=env,
    )
    assert "1 passed" in owner_test.stdout
