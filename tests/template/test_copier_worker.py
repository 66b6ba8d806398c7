"""scaffold's copier Worker renders what copier's renders, and its overrides still override."""

from __future__ import annotations

import filecmp
import os
import stat
from pathlib import Path

import copier
import pytest
from copier._main import Worker as CopierWorker

from scaffold.template.copier_worker import Worker
from tests.fake_templates import commit_version, git, write_version

YML = """\
_subdirectory: template
_answers_file: "{{ 'answers' }}/.copier-answers.yml"

name:
  type: str
  default: demo
"""
FILES = {
    "{{ _copier_conf.answers_file }}.jinja": "{{ _copier_answers | to_nice_yaml }}",
    "{{ name }}/__init__.py": "",
    "{{ name }}/{{ name }}.py.jinja": "NAME = '{{ name }}'\n",
    "scripts/run.sh": "#!/bin/sh\necho run\n",
    "README.md.jinja": "# {{ name }}\n",
}


@pytest.mark.parametrize("member", ["_sync_git_index_executable_bit", "_render_string"])
def test_copier_still_has_the_methods_scaffold_overrides(member: str) -> None:
    assert callable(getattr(CopierWorker, member))


def test_copier_still_has_the_answers_path_property() -> None:
    assert isinstance(CopierWorker.__dict__.get("answers_relpath"), property)


def test_renders_exactly_what_copier_renders(tmp_path: Path) -> None:
    template = tmp_path / "template"
    template.mkdir()
    git("init", "--quiet", "--initial-branch", "main", cwd=template)
    write_version(template, FILES, YML)
    (template / "template/scripts/run.sh").chmod(0o755)
    commit_version(template, "v1.0.0", "template")
    ours, theirs = tmp_path / "ours", tmp_path / "copier"

    worker = Worker.for_copy(
        str(template),
        ours,
        data={"name": "shop"},
        answers_file=None,
        vcs_ref="v1.0.0",
        defaults=True,
        user_defaults={},
        skip_tasks=True,
    )
    with worker:
        worker.run_copy()
    copier.run_copy(
        str(template), theirs, data={"name": "shop"}, vcs_ref="v1.0.0", defaults=True, quiet=True
    )

    names = sorted(str(p.relative_to(ours)) for p in ours.rglob("*"))
    assert names == sorted(str(p.relative_to(theirs)) for p in theirs.rglob("*"))
    assert "answers/.copier-answers.yml" in names  # a templated answers path still renders
    assert "shop/shop.py" in names
    for name in names:
        if (ours / name).is_file():
            assert filecmp.cmp(ours / name, theirs / name, shallow=False), name
            assert stat.S_IMODE(os.stat(ours / name).st_mode) == stat.S_IMODE(
                os.stat(theirs / name).st_mode
            ), name
    assert os.stat(ours / "scripts/run.sh").st_mode & stat.S_IXUSR
