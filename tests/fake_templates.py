"""The suite's fake copier templates, and the one builder that writes and commits them.

The real template is rendered by the template and e2e tests; these small ones keep the
unit and update tests fast and independent of it. Committed, so copier emits no
DirtyLocalWarning.

- `FAKE_COPIER_YML`/`FAKE_FILES` (`make_template`): one version, questions with
  validators, choices and a computed value, a `.env.example` with secrets (unit tests).
- `COPIER_YML` with `V1` and `V2` (`make_two_versions`): v1.0.0 -> v2.0.0 changes what an
  update must handle: a line added, a function changed, a setting changed (which
  conflicts with the user's change), a file deleted, a file renamed, a file changed that
  users delete, a new file, and a package directory named after an answer
  (`src/{{ package_name }}/`).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

COPIER_YML = """\
_subdirectory: template
_answers_file: .copier-answers.yml

project_name:
  type: str
  default: Demo App

package_name:
  type: str
  default: "{{ project_name | lower | replace(' ', '_') }}"

author_name:
  type: str
  default: Ada Tester
"""

ANSWERS = "{{ _copier_answers | to_nice_yaml -}}\n"

MAIN_V1 = '''\
"""{{ project_name }}: the application."""

from {{ package_name }} import util


def greet(name):
    return f"Hello, {name}"


def farewell(name):
    return f"Goodbye, {name}"


def helper():
    return util.VALUE
'''

MAIN_V2 = MAIN_V1.replace('return f"Hello, {name}"', 'return f"Hello there, {name}!"')

V1 = {
    "{{_copier_conf.answers_file}}.jinja": ANSWERS,
    "README.md.jinja": "# {{ project_name }}\n\nStart with `make dev`.\n\n## Usage\n\nRun it.\n",
    "Makefile": "dev:\n\tuv run app\n\ntest:\n\tuv run pytest\n\nlint:\n\tuv run ruff check\n",
    "config.toml": '[server]\nhost = "0.0.0.0"\ntimeout = 30\nworkers = 2\n',
    "obsolete.txt": "This file is going away.\nIt has several lines.\nThird line.\n",
    "guide/oldname.md": "# Guide\n\nStep one.\nStep two.\nStep three.\nStep four.\n",
    "notes.txt": "Notes\none\ntwo\n",
    "src/{{package_name}}/__init__.py": "",
    "src/{{package_name}}/main.py.jinja": MAIN_V1,
    "src/{{package_name}}/util.py": "VALUE = 1\nOTHER = 2\nTHIRD = 3\nFOURTH = 4\n",
}

V2 = {
    **{k: v for k, v in V1.items() if k not in {"obsolete.txt", "guide/oldname.md"}},
    "README.md.jinja": V1["README.md.jinja"] + "\n## Deploying\n\nSee docs.\n",
    "Makefile": V1["Makefile"].replace("dev:\n\tuv run app", "dev:\n\tuv run app --reload"),
    "config.toml": V1["config.toml"].replace("timeout = 30", "timeout = 60"),
    "guide/newname.md": V1["guide/oldname.md"].replace("Step four.", "Step four, revised."),
    "notes.txt": "Notes\none\ntwo\nthree\n",
    "src/{{package_name}}/main.py.jinja": MAIN_V2,
    "CHANGES.txt": "new in v2\n",
}

CHANGELOG = """\
# Changelog

## [Unreleased]

- Work in progress.

## [2.0.0] - 2026-02-01

- Deploying section in the README.
- `make dev` reloads.

## [1.0.0] - 2026-01-01

- First release.
"""

FAKE_COPIER_YML = """\
_subdirectory: template
_answers_file: .copier-answers.yml

project_name:
  type: str
  help: Project name
  default: Demo App
  validator: >-
    {% if not (project_name | regex_search('^[A-Za-z][A-Za-z0-9 ]*$')) %}must start with a
    letter and hold only letters, digits and spaces{% endif %}

package_name:
  type: str
  help: Package name
  default: "{{ project_name | lower | replace(' ', '_') }}"
  validator: >-
    {% if not (package_name | regex_search('^[a-z][a-z0-9_]*$')) %}must be a lowercase
    identifier{% endif %}

author_name:
  type: str
  help: Author
  default: Ada Tester

author_email:
  type: str
  help: Author email
  default: ada@example.com

python_version:
  type: str
  help: Python version
  default: "3.12"
  choices: ["3.11", "3.12"]

computed_slug:
  type: str
  default: "{{ project_name | lower | replace(' ', '-') }}"
  when: false
"""

FAKE_FILES = {
    "{{_copier_conf.answers_file}}.jinja": (
        "# Changes here will be overwritten by Copier\n{{ _copier_answers|to_nice_yaml -}}\n"
    ),
    "README.md.jinja": "# {{ project_name }}\n\nPackage {{ package_name }}.\n",
    "{{package_name}}/__init__.py": "",
    ".gitignore": ".env\n",
    ".env.example": (
        "# Settings for local development\n"
        "APP_ENV=development\n"
        "SECRET_KEY=change-me\n"
        "STRIPE_WEBHOOK_SECRET=change-me\n"
        "DATABASE_URL=\n"
        "NOT_A_SECRET=change-me-later\n"
    ),
}

IDENTITY = ("-c", "user.name=Fixture", "-c", "user.email=fixture@example.com")


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *IDENTITY, "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", *args],
        cwd=cwd,
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def write_version(root: Path, files: dict[str, str], copier_yml: str = COPIER_YML) -> None:
    """Make `root/template/` hold exactly `files`, and `root/copier.yml` the questions."""
    template = root / "template"
    for path in sorted(template.rglob("*"), reverse=True):
        if path.is_file():
            path.unlink()
        elif path.is_dir():
            path.rmdir()
    (root / "copier.yml").write_text(copier_yml)
    for name, content in files.items():
        path = template / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)


def commit_version(root: Path, tag: str | None, message: str) -> None:
    git("add", "--all", cwd=root)
    git("commit", "--quiet", "-m", message, cwd=root)
    if tag:
        git("tag", tag, cwd=root)


def make_template(root: Path, tag: str | None = "v1.0.0") -> Path:
    """The one-version fake template in `root`, as a committed (and tagged) repository."""
    root.mkdir(parents=True, exist_ok=True)
    git("init", "--quiet", "--initial-branch", "main", cwd=root)
    write_version(root, FAKE_FILES, FAKE_COPIER_YML)
    commit_version(root, tag, "template")
    return root


def make_two_versions(root: Path) -> Path:
    """A template repository tagged v1.0.0 and v2.0.0 (with a CHANGELOG.md)."""
    root.mkdir(parents=True)
    git("init", "--quiet", "--initial-branch", "main", cwd=root)
    write_version(root, V1)
    before, _, first_release = CHANGELOG.partition("## [2.0.0]")
    (root / "CHANGELOG.md").write_text(before + "## [1.0.0]" + first_release.split("## [1.0.0]")[1])
    commit_version(root, "v1.0.0", "template 1.0.0")
    write_version(root, V2)
    (root / "CHANGELOG.md").write_text(CHANGELOG)
    commit_version(root, "v2.0.0", "template 2.0.0")
    return root
