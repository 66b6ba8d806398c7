"""Template versions as copier records them: `git describe --tags --always` output.

`v1.2.0` is a release; `v1.2.0-3-gabc1234` is three commits after it; a bare hash has
no version. Releases are ordered as PEP 440 versions, like copier orders tags.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from packaging.version import Version

_DESCRIBED = re.compile(r"^(?P<tag>.+)-(?P<distance>\d+)-g(?P<hash>[0-9a-f]+)$")
# What copier records for a template without tags: an abbreviated commit hash. About one
# in 27 of those is all digits, which PEP 440 would read as a version.
_BARE_HASH = re.compile(r"^[0-9a-f]{7,40}$")


def parse_described(described: str) -> tuple[Version, int] | None:
    """(PEP 440 version of the tag, commits after it); None for a bare hash or a non-version."""
    from packaging.version import InvalidVersion, Version  # noqa: PLC0415 (lazy: fast --help)

    if _BARE_HASH.match(described):
        return None
    match = _DESCRIBED.match(described)
    tag, distance = (match["tag"], int(match["distance"])) if match else (described, 0)
    try:
        return Version(tag), distance
    except InvalidVersion:
        return None


def is_downgrade(recorded: str, target: str) -> bool:
    """Whether `target` is an older version than `recorded` (both must be versions)."""
    old, new = parse_described(recorded), parse_described(target)
    return old is not None and new is not None and new < old
