"""`scaffold update` without --defaults: the questions are asked again, prefilled."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import yaml

from tests.cli.test_prompts import Terminal


def test_questions_are_asked_again_with_the_recorded_answers(
    make_project: Callable[..., Path],
) -> None:
    project = make_project()
    terminal = Terminal([sys.executable, "-m", "scaffold.cli", "update", str(project)], project)
    try:
        terminal.expect("project_name")
        terminal.expect("Demo App")  # the recorded answer, as the default
        terminal.type("\r")
        terminal.expect("package_name")
        terminal.type("\r")
        terminal.expect("author_name")
        terminal.expect("Ada Tester")
        terminal.type("\x15Grace Hopper\r")  # Ctrl-U clears the prefilled answer
        terminal.expect("Updated")
        assert terminal.wait() == 0
    finally:
        terminal.close()
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text())
    assert answers["author_name"] == "Grace Hopper"
    assert answers["project_name"] == "Demo App"
    assert answers["_commit"] == "v2.0.0"
