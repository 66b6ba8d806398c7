"""A tiny copier template for the unit tests, built as a committed (and tagged) git repo.

The real template is rendered by the e2e tests; this fake one keeps these tests fast and
independent of it. Committed, so copier emits no DirtyLocalWarning.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

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

GIT_IDENTITY = ("-c", "user.name=Fixture", "-c", "user.email=fixture@example.com")


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(
        ["git", *GIT_IDENTITY, *args], cwd=cwd, check=True, capture_output=True, text=True
    ).stdout


def make_template(root: Path, tag: str | None = "v1.0.0") -> Path:
    """Write the fake template into `root` as a committed git repository."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "copier.yml").write_text(FAKE_COPIER_YML)
    for name, content in FAKE_FILES.items():
        path = root / "template" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content)
    git("init", "--quiet", "--initial-branch", "main", cwd=root)
    git("add", "--all", cwd=root)
    git("-c", "commit.gpgsign=false", "commit", "--quiet", "-m", "template", cwd=root)
    if tag:
        git("tag", tag, cwd=root)
    return root
