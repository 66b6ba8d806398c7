"""What a password must be, for the API and `create-admin` alike.

One normalisation (surrounding whitespace dropped, as every request body's strings
are: an admin created with a trailing space could never sign in) and one rule:
12 to 128 characters, and not one of the passwords attackers try first. The list
is small on purpose: the most common words and patterns people pad to length
(`password1234`, `qwertyuiop12`, `aaaaaaaaaaaa`), not a dictionary.
"""

import re

# argon2 hashes any length; the bound keeps one request from costing seconds.
MAX_PASSWORD_LENGTH = 128
MIN_PASSWORD_LENGTH = 12
COMMON_WORDS = frozenset(
    [
        "password",
        "passw0rd",
        "p@ssword",
        "p@ssw0rd",
        "pass",
        "letmein",
        "welcome",
        "admin",
        "administrator",
        "root",
        "login",
        "master",
        "secret",
        "changeme",
        "default",
        "guest",
        "test",
        "qwerty",
        "qwertz",
        "azerty",
        "qwertyuiop",
        "asdfghjkl",
        "zxcvbnm",
        "iloveyou",
        "football",
        "baseball",
        "basketball",
        "soccer",
        "hockey",
        "sunshine",
        "princess",
        "dragon",
        "monkey",
        "shadow",
        "superman",
        "batman",
        "spiderman",
        "starwars",
        "pokemon",
        "trustno1",
        "whatever",
        "freedom",
        "charlie",
        "michael",
        "jennifer",
        "jordan",
        "hunter",
        "ranger",
        "buster",
        "thomas",
        "computer",
        "internet",
        "google",
        "samsung",
        "apple",
        "iphone",
        "summer",
        "winter",
        "autumn",
        "spring",
        "hello",
        "abc",
        "abcdef",
        "abcdefgh",
        "abcdefghijkl",
    ]
)
# Keyboard rows and the alphabet: any stretch of 6 or more of them is a pattern.
_SEQUENCES = (
    "abcdefghijklmnopqrstuvwxyz",  # pragma: allowlist secret
    "qwertyuiopasdfghjklzxcvbnm",  # pragma: allowlist secret
    "qwertzuiopasdfghjklyxcvbnm",  # pragma: allowlist secret
    "azertyuiopqsdfghjklmwxcvbn",  # pragma: allowlist secret
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",  # pragma: allowlist secret
    "0123456789" * 3,  # repeated: 123456789012 wraps around
)
_PADDING = re.compile(r"^[\d\W_]*(.*?)[\d\W_]*$")


def normalise(password: str) -> str:
    return password.strip()


def _is_sequence(text: str) -> bool:
    return len(text) >= 6 and any(
        text in sequence or text in sequence[::-1] for sequence in _SEQUENCES
    )


def is_common(password: str) -> bool:
    """A common word or a keyboard pattern, padded with digits and symbols, or a
    repetition of three characters or fewer."""
    lowered = password.lower()
    padded = _PADDING.match(lowered)
    word = padded.group(1) if padded else lowered
    return (
        len(set(lowered)) <= 3
        or word in COMMON_WORDS
        or _is_sequence(lowered)
        or _is_sequence(word)
        or (bool(word) and len(set(word)) <= 2)
    )


def password_problem(password: str) -> str | None:
    """Why `password` (normalised) cannot be used, or None."""
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        return f"must have {MIN_PASSWORD_LENGTH} to {MAX_PASSWORD_LENGTH} characters"
    if is_common(password):
        return "is one of the most common passwords: choose a less guessable one"
    return None
