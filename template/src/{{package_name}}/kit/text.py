"""Text PostgreSQL cannot store, found before it reaches the database.

A `text` column refuses the NUL character, and UTF-8 has no encoding for a lone
surrogate (`"\\ud800"` is valid JSON); either reached the driver as a 500 with a
traceback. Bodies are checked by `RequestModel`, paths and query strings by
`middleware.text_bounds`: one rule, `storable_text_problem`, for both.
"""

from typing import Any

_MAX_DEPTH = 32  # deeper than any body a schema accepts; deeper is refused as it is


def _unstorable(text: str) -> str | None:
    if "\x00" in text:
        return "text may not contain the NUL character"
    if not text.isascii():
        try:
            text.encode()
        except UnicodeEncodeError:
            return "text may not contain a lone surrogate (it has no UTF-8 form)"
    return None


def storable_text_problem(value: Any, depth: int = 0) -> str | None:
    """Why some string in `value` (a JSON value) cannot be stored, or None."""
    if isinstance(value, str):
        return _unstorable(value)
    if depth > _MAX_DEPTH:
        return "the body is nested too deeply"
    if isinstance(value, dict):
        for key, item in value.items():
            problem = storable_text_problem(key, depth + 1) or storable_text_problem(
                item, depth + 1
            )
            if problem is not None:
                return problem
    elif isinstance(value, list):
        for item in value:
            if (problem := storable_text_problem(item, depth + 1)) is not None:
                return problem
    return None
