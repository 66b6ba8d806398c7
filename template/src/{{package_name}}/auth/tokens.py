"""Session tokens and mailed-link tokens: random and opaque; only their hash is stored."""

import hashlib
import secrets

TOKEN_BYTES = 32


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> bytes:
    # A 256-bit random token needs no slow hash: nothing can be guessed from its digest.
    return hashlib.sha256(token.encode()).digest()
