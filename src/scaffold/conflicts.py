"""Conflict markers, found by reading the files (never by trusting a tool's report)."""

from __future__ import annotations

from scaffold.project import Project, project_files

_START, _MIDDLE, _END = b"<<<<<<<", b"=======", b">>>>>>>"
_LARGEST = 10 * 1024 * 1024  # bigger files are data, not merged source


def is_binary(content: bytes) -> bool:
    """git's test: a NUL byte in the first 8000 bytes."""
    return b"\0" in content[:8000]


def has_conflict_markers(content: bytes) -> bool:
    """Whether `content` holds a whole conflict: `<<<<<<<`, `=======`, `>>>>>>>` lines."""
    if is_binary(content):  # git writes no markers into it
        return False
    expected = _START
    for line in content.splitlines():
        if expected is _START and _is_marker(line, _START):
            expected = _MIDDLE
        elif expected is _MIDDLE and line.rstrip() == _MIDDLE:
            expected = _END
        elif expected is _END and _is_marker(line, _END):
            return True
    return False


def _is_marker(line: bytes, marker: bytes) -> bool:
    rest = line[len(marker) :]
    return line.startswith(marker) and (not rest.strip() or rest.startswith(b" "))


def files_with_conflict_markers(project: Project) -> list[str]:
    """Every tracked or untracked (not ignored) file of the project holding conflict markers."""
    found = []
    for name in project_files(project):
        path = project.path / name
        try:
            if path.is_symlink() or not path.is_file() or path.stat().st_size > _LARGEST:
                continue
            content = path.read_bytes()
        except OSError:
            continue
        if has_conflict_markers(content):
            found.append(name)
    return found
