"""The template's questions accept good answers and refuse bad ones (through copier itself)."""

from pathlib import Path
from typing import Any

import copier
import pytest
import yaml


def render(template: Path, destination: Path, **answers: str) -> dict[str, Any]:
    copier.run_copy(str(template), destination, data=answers, defaults=True, quiet=True)
    recorded: dict[str, Any] = yaml.safe_load((destination / ".copier-answers.yml").read_text())
    return recorded


def test_defaults_derive_names_from_the_project_name(template_repo: Path, tmp_path: Path) -> None:
    answers = render(template_repo, tmp_path / "p", project_name="Acme Bookings 2")
    assert answers["package_name"] == "acme_bookings_2"
    assert (tmp_path / "p" / "src" / "acme_bookings_2" / "main.py").is_file()
    assert 'name = "acme-bookings-2"' in (tmp_path / "p" / "pyproject.toml").read_text()


@pytest.mark.parametrize(
    ("question", "answer", "message"),
    [
        ("project_name", "", "must start with a letter"),
        ("project_name", "1st app", "must start with a letter"),
        ("project_name", "app!", "must start with a letter"),
        ("project_name", "trailing ", "must start with a letter"),
        ("project_name", "x" * 41, "40 characters at most"),
        ("project_name", "Class", "gives the package name 'class'"),
        ("project_name", "Alembic", "gives the package name 'alembic'"),
        ("package_name", "My_App", "lowercase Python identifier"),
        ("package_name", "my-app", "lowercase Python identifier"),
        ("package_name", "9app", "lowercase Python identifier"),
        ("package_name", "import", "reserved"),
        ("package_name", "match", "reserved"),
        ("package_name", "fastapi", "reserved"),
        ("package_name", "tests", "reserved"),
        ("author_email", "not-an-email", "must be an email address"),
        ("author_email", "a@b", "must be an email address"),
        ("author_email", "a b@example.com", "must be an email address"),
        ("author_name", " ", "must not be empty"),
        ("author_name", 'Quote "Co"', "one line"),
        ("description", "", "must not be empty"),
        ("description", "line\nbreak", "one line"),
        ("python_version", "2.7", "2.7"),
    ],
)
def test_bad_answers_are_refused_before_anything_is_written(
    template_repo: Path, tmp_path: Path, question: str, answer: str, message: str
) -> None:
    destination = tmp_path / "p"
    with pytest.raises(ValueError, match=f"question '{question}'.*{message}|{message}"):
        render(template_repo, destination, **{question: answer})
    assert not destination.exists()


def test_a_keyword_project_name_is_fine_with_an_explicit_package(
    template_repo: Path, tmp_path: Path
) -> None:
    answers = render(template_repo, tmp_path / "p", project_name="Class", package_name="klass")
    assert answers["package_name"] == "klass"


def test_no_secret_is_a_question() -> None:
    questions = yaml.safe_load((Path(__file__).parents[2] / "copier.yml").read_text())
    for name in questions:
        assert not {"secret", "password", "token", "key"} & set(name.split("_")), name


# A prompt line longer than this is cut on an ordinary terminal (copier does not wrap it).
PROMPT_WIDTH = 100


def test_every_help_text_fits_on_one_prompt_line() -> None:
    questions = yaml.safe_load((Path(__file__).resolve().parents[2] / "copier.yml").read_text())
    helps = {
        name: spec["help"]
        for name, spec in questions.items()
        if isinstance(spec, dict) and "help" in spec
    }
    assert helps
    too_long = {name: len(text) for name, text in helps.items() if len(text) > PROMPT_WIDTH}
    assert not too_long
    assert not [name for name, text in helps.items() if "\n" in text]
