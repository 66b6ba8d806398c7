"""Pieces of `scaffold update`: conflict markers, renames, versions, merge-tree output, writes."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

import scaffold.merge.apply
from scaffold.conflicts import has_conflict_markers
from scaffold.errors import ScaffoldError
from scaffold.merge.apply import apply_changes
from scaffold.merge.scratch import Change, Entry, parse_merge_tree
from scaffold.merge.three_way import _directory_renames
from scaffold.template.versions import is_downgrade, parse_described


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"<<<<<<< a\nx\n=======\ny\n>>>>>>> b\n", True),
        (b"<<<<<<< a\nx\n||||||| base\nw\n=======\ny\n>>>>>>> b\n", True),  # diff3 style
        (b"<<<<<<<\nx\n=======\ny\n>>>>>>>\n", True),
        (b"Title\n=======\n\ntext\n", False),  # a reStructuredText heading
        (b"<<<<<<< a\nx\n", False),  # not a whole conflict
        (b">>>>>>> b\n=======\n<<<<<<< a\n", False),  # out of order
        (b"<<<<<<<< eight\n=======\n>>>>>>> b\n", False),
        (b"\0binary<<<<<<< a\n=======\n>>>>>>> b\n", False),
    ],
)
def test_conflict_markers(content: bytes, expected: bool) -> None:
    assert has_conflict_markers(content) is expected


def test_directory_renames_from_file_renames() -> None:
    theirs = {"src/shop/main.py": Entry("100644", "a"), "src/shop/sub/x.py": Entry("100644", "b")}
    renames = [
        ("src/demo/main.py", "src/shop/main.py"),
        ("src/demo/sub/x.py", "src/shop/sub/x.py"),
        ("guide/old.md", "guide/new.md"),  # a file renamed within its directory
    ]
    assert _directory_renames(renames, theirs) == {"src/demo": "src/shop"}


def test_directory_that_still_has_files_is_not_renamed() -> None:
    theirs = {"src/demo/kept.py": Entry("100644", "a"), "src/shop/main.py": Entry("100644", "b")}
    assert _directory_renames([("src/demo/main.py", "src/shop/main.py")], theirs) == {}


@pytest.mark.parametrize(
    ("described", "expected"),
    [
        ("v1.2.0", ("1.2.0", 0)),
        ("1.2", ("1.2", 0)),
        ("v1.2.0-3-gabc1234", ("1.2.0", 3)),
        ("abc1234", None),
        ("8316427", None),  # a commit hash of digits only, not version 8316427
        ("0123456789abcdef0123456789abcdef01234567", None),
    ],
)
def test_parse_described(described: str, expected: tuple[str, int] | None) -> None:
    parsed = parse_described(described)
    assert (None if parsed is None else (str(parsed[0]), parsed[1])) == expected


def test_downgrades() -> None:
    assert is_downgrade("v2.0.0", "v1.9.0")
    assert is_downgrade("v2.0.0-1-gabc1234", "v2.0.0")
    assert not is_downgrade("v2.0.0", "v2.0.0-1-gabc1234")
    assert not is_downgrade("abc1234", "v1.0.0")  # no version to compare
    assert not is_downgrade("9999999", "1234567")  # two commits, not two versions


def test_parse_merge_tree_with_conflicts() -> None:
    output = "\0".join(
        [
            "tree",
            "a.txt",
            "",
            "1", "a.txt", "CONFLICT (contents)", "Merge conflict in a.txt",
            "2", "new/x.py", "old/x.py", "Path updated due to directory rename", "moving",
            "",
        ]
    )  # fmt: skip
    tree, messages = parse_merge_tree(output, clean=False)
    assert tree == "tree"
    assert [(m.kind, m.paths) for m in messages] == [
        ("CONFLICT (contents)", ("a.txt",)),
        ("Path updated due to directory rename", ("new/x.py", "old/x.py")),
    ]


def test_parse_clean_merge_tree() -> None:
    assert parse_merge_tree("tree\0", clean=True) == ("tree", [])
    _, messages = parse_merge_tree("tree\0\x001\0a\0Auto-merging\0Auto-merging a\0", clean=True)
    assert [(m.kind, m.paths) for m in messages] == [("Auto-merging", ("a",))]


def _change(path: str, old: str | None, new: str | None, mode: str = "100644") -> Change:
    return Change(path, Entry(mode, old) if old else None, Entry(mode, new) if new else None)


def test_apply_turns_a_file_into_a_directory_and_sets_modes(tmp_path: Path) -> None:
    (tmp_path / "tool").write_text("a file\n")
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "gone.txt").write_text("bye\n")
    changes = [
        _change("tool", "1", None),
        _change("tool/run.sh", None, "2", mode="100755"),
        _change("old/gone.txt", "3", None),
        _change("link", None, "4", mode="120000"),
    ]

    apply_changes(tmp_path, changes, {"2": b"#!/bin/sh\n", "4": b"tool/run.sh"})

    assert (tmp_path / "tool" / "run.sh").read_text() == "#!/bin/sh\n"
    assert os.stat(tmp_path / "tool" / "run.sh").st_mode & stat.S_IXUSR
    assert not (tmp_path / "old").exists()  # emptied directories go
    assert os.readlink(tmp_path / "link") == "tool/run.sh"


def test_apply_rolls_back_everything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "tool").write_text("a file\n")
    os.chmod(tmp_path / "tool", 0o640)
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "gone.txt").write_text("bye\n")
    (tmp_path / "keep.txt").write_text("mine\n")
    before = {
        str(p.relative_to(tmp_path)): (p.is_dir() or p.read_bytes(), p.stat().st_mode)
        for p in sorted(tmp_path.rglob("*"))
    }
    changes = [
        _change("tool", "1", None),
        _change("old/gone.txt", "3", None),
        _change("keep.txt", "5", "6"),
        _change("tool/run.sh", None, "2"),
        _change("new/deep/file.txt", None, "7"),
    ]
    real_write = scaffold.merge.apply._write

    def write_then_fail(path: Path, mode: str, content: bytes) -> None:
        real_write(path, mode, content)
        if path.name == "file.txt":
            raise OSError(5, "Input/output error")

    monkeypatch.setattr(scaffold.merge.apply, "_write", write_then_fail)

    with pytest.raises(ScaffoldError, match="restored"):
        apply_changes(tmp_path, changes, {"2": b"x", "6": b"theirs\n", "7": b"y"})

    after = {
        str(p.relative_to(tmp_path)): (p.is_dir() or p.read_bytes(), p.stat().st_mode)
        for p in sorted(tmp_path.rglob("*"))
    }
    assert after == before


def test_apply_refuses_a_directory_in_the_way(tmp_path: Path) -> None:
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "mine.md").write_text("mine\n")
    with pytest.raises(ScaffoldError, match="a directory of that name is in the way"):
        apply_changes(tmp_path, [_change("docs", None, "1")], {"1": b"x"})
    assert (tmp_path / "docs" / "mine.md").read_text() == "mine\n"
