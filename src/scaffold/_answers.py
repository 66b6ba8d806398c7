"""Answers given before copier runs: `--data` and `--preset`, checked against the questions.

Only the keys are checked here; the values go to copier as answers, and copier validates
them (types, choices, validators) in its prompt phase, before it writes anything.
"""

from __future__ import annotations

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


def running_python_default(questions: Mapping[str, Any] | None) -> dict[str, str]:
    """Default `python_version` to the Python running scaffold, when the template offers it.

    The generated project then runs on an interpreter the user is known to have. Given
    to copier as a user default: an answer (`--data`, a preset, the prompt) still wins.
    """
    details = (questions or {}).get("python_version")
    choices = details.get("choices") if isinstance(details, dict) else None
    if isinstance(choices, dict):
        choices = list(choices.values())
    running = f"{sys.version_info.major}.{sys.version_info.minor}"
    if isinstance(choices, list) and running in [str(choice) for choice in choices]:
        return {"python_version": running}
    return {}


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
