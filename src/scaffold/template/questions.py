"""Answers given before copier runs: `--data` and `--preset`, checked against the questions.

Only the keys are checked here; the values go to copier as answers, and copier validates
them (types, choices, validators) in its prompt phase, before it writes anything.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, ClassVar

from scaffold.errors import TemplateError, UsageError


def read_questions(config_text: str, origin: str) -> dict[str, Any] | None:
    """The questions a template's copier.yml asks, by name; None when they cannot all be known.

    Keys starting with `_` are copier settings. A question with a literal `when: false`
    is a computed value, never recorded in the answers file, so an answer to it would be
    lost on update: it is not offered. A template using `!include` (or another tag) has
    questions in other files; then the keys are left for copier to judge.
    """
    import yaml  # noqa: PLC0415 (lazy: keeps `scaffold --help` fast)

    unknown_tags: list[str] = []

    class Loader(yaml.SafeLoader):
        # Only YAML's own tags: other code may register tags on SafeLoader globally
        # (pytest-copie adds `!include`), and those must not change what we read.
        yaml_constructors: ClassVar[dict[Any, Any]] = {
            tag: constructor
            for tag, constructor in yaml.SafeLoader.yaml_constructors.items()
            if tag is None or tag.startswith("tag:yaml.org,2002:")
        }

    def unknown_tag(_loader: Loader, suffix: str, _node: yaml.Node) -> None:
        unknown_tags.append(suffix)

    Loader.add_multi_constructor("!", unknown_tag)
    try:
        documents: list[Any] = list(yaml.load_all(config_text, Loader=Loader))
    except yaml.YAMLError as error:
        raise TemplateError(f"cannot read the questions in {origin}: {error}") from error
    if unknown_tags:
        return None
    questions: dict[str, Any] = {}
    for document in documents:
        if document is None:
            continue
        if not isinstance(document, dict):
            raise TemplateError(f"cannot read the questions in {origin}: not a YAML mapping")
        for key, details in document.items():
            name = str(key)
            computed = isinstance(details, dict) and details.get("when") is False
            if not name.startswith("_") and not computed:
                questions[name] = details
    return questions


def check_answer_keys(
    keys: Iterable[str], questions: Mapping[str, Any] | None, origin: str
) -> None:
    """Refuse answers to questions the template does not ask (a typo would be ignored)."""
    if questions is None:
        return
    unknown = sorted(set(keys) - set(questions))
    if unknown:
        listed = ", ".join(repr(key) for key in unknown)
        noun = "question" if len(unknown) == 1 else "questions"
        raise UsageError(
            f"{origin}: unknown {noun} {listed}; the template asks: {', '.join(sorted(questions))}"
        )


def newest_python_default(questions: Mapping[str, Any] | None) -> dict[str, str]:
    """Default `python_version` to the newest offered Python that this machine has.

    The generated project then runs on an interpreter the user is known to have. When the
    machine has none of them, the template's own default stands (uv installs it on the
    first `make dev` where it can download interpreters). Given to copier as a user
    default: an answer (`--data`, a preset, the prompt) still wins.
    """
    offered = question_choices(questions, "python_version")
    for version in sorted(set(offered), key=_version_key, reverse=True):
        if _version_key(version) and installed_python(version):
            return {"python_version": version}
    return {}


def question_choices(questions: Mapping[str, Any] | None, name: str) -> list[str]:
    """The answers a multiple-choice question offers ([] for any other question)."""
    details = (questions or {}).get(name)
    choices = details.get("choices") if isinstance(details, dict) else None
    if isinstance(choices, dict):
        choices = list(choices.values())
    return [str(choice) for choice in choices] if isinstance(choices, list) else []


def _version_key(version: str) -> tuple[int, ...]:
    """(3, 13) for "3.13"; () for what is not a MAJOR.MINOR version."""
    major, dot, minor = version.partition(".")
    return (int(major), int(minor)) if dot and major.isdigit() and minor.isdigit() else ()


def installed_python(version: str) -> bool:
    """Whether this machine has CPython `version` ("3.13"): the one running, one installed
    by pyenv or uv (found by its folder), or one on PATH (started once, to ask its version)."""
    if version == f"{sys.version_info.major}.{sys.version_info.minor}":
        return True
    home = Path.home()
    pyenv_root = Path(os.environ.get("PYENV_ROOT") or home / ".pyenv")
    uv_pythons = Path(os.environ.get("UV_PYTHON_INSTALL_DIR") or home / ".local/share/uv/python")
    if any(pyenv_root.glob(f"versions/{version}.*/bin/python{version}")) or any(
        uv_pythons.glob(f"cpython-{version}.*/bin/python{version}")
    ):
        return True
    on_path = shutil.which(f"python{version}")
    if on_path is None or Path(on_path).parent == pyenv_root / "shims":
        return False  # a pyenv shim exists for any installed version, active or not
    try:
        found = subprocess.run(
            [on_path, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return found.returncode == 0 and found.stdout.strip() == version


def load_preset(path: Path) -> dict[str, Any]:
    """A preset: a YAML mapping of question name to answer (an agency's usual answers)."""
    import yaml  # noqa: PLC0415 (lazy: keeps `scaffold --help` fast)

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeError) as error:
        raise UsageError(f"cannot read preset {path}: {error}") from error
    try:
        content = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise UsageError(f"preset {path} is not valid YAML: {error}") from error
    if content is None:
        return {}
    if not isinstance(content, Mapping):
        raise UsageError(
            f"preset {path} must be a YAML mapping of question: answer, "
            f"not a {type(content).__name__}"
        )
    return {str(key): value for key, value in content.items()}
