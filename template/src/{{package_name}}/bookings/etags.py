"""ETags of versioned records: the version number, as a strong entity tag."""

from ..errors import PreconditionFailed

# No version ever matches this: a stale or malformed If-Match gets 412.
NO_VERSION = -1


def etag(version: int) -> str:
    return f'"{version}"'


def version_matched(if_match: str) -> int | None:
    """The version an If-Match header asks for; None for `*` (any)."""
    if if_match.strip() == "*":
        return None
    tags = [tag.strip() for tag in if_match.split(",")]
    if len(tags) != 1:
        raise PreconditionFailed("Send one ETag in If-Match.")
    tag = tags[0]
    # Weak tags never match: If-Match compares strongly (RFC 9110, 13.1.1).
    if len(tag) >= 3 and tag[0] == tag[-1] == '"' and tag[1:-1].isdigit() and len(tag) < 20:
        return int(tag[1:-1])
    return NO_VERSION
