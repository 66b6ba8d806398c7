"""The cases where an update lost or hid the owner's work (issue 15), each byte-compared."""

from __future__ import annotations

from pathlib import Path

from tests.fixtures import git_fingerprint, status
from tests.update.scenario import NAME_YML, Files, make_project, update

INIT = '"""The package."""\n'


def test_an_ignored_file_the_template_now_adds_is_kept(tmp_path: Path) -> None:
    def owner(project: Path) -> None:
        (project / ".gitignore").write_text("local.cfg\n")

    project = make_project(
        tmp_path,
        {"app.py": "print('v1')\n"},
        {"app.py": "print('v1')\n", "local.cfg": "x = 1\n"},
        owner,
    )
    (project / "local.cfg").write_text("x = my value\n")  # ignored: git cannot bring it back

    outcome = update(project)

    assert outcome.code == 1, outcome
    assert (project / "local.cfg").read_text() == "x = my value\n"
    assert (project / "local.cfg.from-template").read_text() == "x = 1\n"
    assert "local.cfg" in outcome.out
    assert "local.cfg.from-template" in outcome.out


def test_an_untracked_symlink_in_the_way_is_kept(tmp_path: Path) -> None:
    def owner(project: Path) -> None:
        (project / ".gitignore").write_text("data\n")

    project = make_project(
        tmp_path, {"a.txt": "a\n"}, {"a.txt": "a\n", "data": "template\n"}, owner
    )
    (project / "elsewhere").mkdir()
    (project / "data").symlink_to("elsewhere")

    outcome = update(project)

    assert outcome.code == 1, outcome
    assert (project / "data").is_symlink()
    assert (project / "data.from-template").read_text() == "template\n"


def test_a_directory_at_the_template_root_renamed_by_an_answer_is_followed(
    tmp_path: Path,
) -> None:
    files = {
        "{{ name }}/__init__.py": "",
        "{{ name }}/main.py.jinja": "import {{ name }}\n\n\ndef main():\n    return 1\n",
        "README.md.jinja": "# {{ name }}\n",
    }

    def owner(project: Path) -> None:
        (project / "demo/__init__.py").write_text(INIT)
        (project / "demo/mine.py").write_text("MINE = 1\n")

    project = make_project(tmp_path, files, files, owner)

    outcome = update(project, "--data", "name=shop")

    assert outcome.code == 0, outcome
    assert not (project / "demo").exists()
    assert (project / "shop/__init__.py").read_text() == INIT
    assert (project / "shop/mine.py").read_text() == "MINE = 1\n"
    assert (project / "shop/main.py").read_text().startswith("import shop\n")
    for moved in ("__init__.py", "mine.py"):
        assert f"demo/{moved} -> shop/{moved}" in outcome.out
    assert "kept (the template removed" not in outcome.out


def test_a_directory_of_tiny_files_renamed_by_an_answer_is_followed(tmp_path: Path) -> None:
    # Too small for git to pair by content: the move is found from the paths alone.
    files = {
        "{{ name }}/a.txt.jinja": "{{ name }} a\n2\n3\n4\n",
        "{{ name }}/b.txt.jinja": "{{ name }} b\n",
        "top.txt": "t\n",
    }

    def owner(project: Path) -> None:
        (project / "demo/a.txt").write_text("demo a\n2\n3\n4\nmine\n")
        (project / "demo/c.txt").write_text("added by me\n")

    project = make_project(tmp_path, files, files, owner)

    outcome = update(project, "--data", "name=shop")

    assert outcome.code == 0, outcome
    assert not (project / "demo").exists()
    assert (project / "shop/a.txt").read_text() == "shop a\n2\n3\n4\nmine\n"
    assert (project / "shop/b.txt").read_text() == "shop b\n"
    assert (project / "shop/c.txt").read_text() == "added by me\n"
    assert "demo/a.txt -> shop/a.txt" in outcome.out
    assert "demo/c.txt -> shop/c.txt" in outcome.out


def test_a_nested_directory_renamed_by_an_answer_is_followed(tmp_path: Path) -> None:
    files = {"src/{{ name }}/pkg/x.txt": "x\n", "src/{{ name }}/y.txt": "y\n"}

    def owner(project: Path) -> None:
        (project / "src/demo/pkg/x.txt").write_text("x, mine\n")

    project = make_project(tmp_path, files, files, owner)

    outcome = update(project, "--data", "name=shop")

    assert outcome.code == 0, outcome
    assert (project / "src/shop/pkg/x.txt").read_text() == "x, mine\n"
    assert not (project / "src/demo").exists()


def test_a_comment_the_owner_added_to_the_answers_file_is_kept(tmp_path: Path) -> None:
    def owner(project: Path) -> None:
        answers = project / ".copier-answers.yml"
        answers.write_text(answers.read_text() + "# name: chosen with the client, 2026-11\n")

    project = make_project(tmp_path, {"a.txt": "a\n"}, {"a.txt": "a, v2\n"}, owner)

    outcome = update(project)

    assert outcome.code == 0, outcome
    answers = (project / ".copier-answers.yml").read_text()
    assert "# name: chosen with the client, 2026-11\n" in answers
    assert "_commit: v2.0.0" in answers


def test_an_answers_file_comment_that_cannot_be_kept_is_listed(tmp_path: Path) -> None:
    def owner(project: Path) -> None:
        answers = project / ".copier-answers.yml"
        text = answers.read_text().replace("name: demo", "name: demo  # the client's name")
        answers.write_text(text)

    project = make_project(
        tmp_path, {"a.txt.jinja": "{{ name }}\n"}, {"a.txt.jinja": "{{ name }}\n"}, owner
    )

    outcome = update(project, "--data", "name=shop")

    assert outcome.code == 0, outcome
    assert "name: shop" in (project / ".copier-answers.yml").read_text()
    assert "# the client's name" in outcome.out


def test_a_binary_file_where_the_template_adds_one_under_a_renamed_directory(
    tmp_path: Path,
) -> None:
    v1: Files = {"{{ name }}/main.py": "def main():\n    return 'a long enough line'\n"}
    v2: Files = {**v1, "{{ name }}/logo.png": b"\x89PNG\r\n\x1a\n\0template"}

    def owner(project: Path) -> None:
        (project / "demo/logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0mine")

    project = make_project(tmp_path, v1, v2, owner)

    outcome = update(project, "--data", "name=shop")

    assert outcome.code == 1, outcome
    assert (project / "shop/logo.png").read_bytes() == b"\x89PNG\r\n\x1a\n\0mine"
    assert (project / "shop/logo.png.from-template").read_bytes() == (
        b"\x89PNG\r\n\x1a\n\0template"
    )
    assert "scaffold-merge" not in outcome.out + outcome.err
    assert "shop/logo.png" in outcome.out


def test_a_binary_file_both_sides_changed_keeps_the_owners(tmp_path: Path) -> None:
    def owner(project: Path) -> None:
        (project / "logo.png").write_bytes(b"\0mine")

    project = make_project(tmp_path, {"logo.png": b"\0v1"}, {"logo.png": b"\0v2"}, owner, NAME_YML)
    before = git_fingerprint(project)

    outcome = update(project)

    assert outcome.code == 1, outcome
    assert (project / "logo.png").read_bytes() == b"\0mine"
    assert (project / "logo.png.from-template").read_bytes() == b"\0v2"
    assert "logo.png" in outcome.out
    assert "?? logo.png.from-template" in status(project)
    assert git_fingerprint(project) == before
