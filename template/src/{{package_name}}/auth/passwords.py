"""Password hashing with argon2id (pwdlib), and a verification that takes as long
for an unknown user as for a wrong password.

argon2 is slow on purpose (a quarter of a second here): it runs in a worker
thread, where it releases the GIL, so a sign-in never stalls the event loop
that serves everyone else's requests. At most `CONCURRENT_HASHES` run at once per
worker process; the others wait their turn: 64 simultaneous attempts must not take
every thread (and the CPU) from everyone else. Callers hold no database connection
while they wait or hash (`service.py` commits first).
"""

from functools import cache

from anyio import CapacityLimiter, to_thread
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

CONCURRENT_HASHES = 2


@cache
def _hashing_slots() -> CapacityLimiter:
    # Made on first use, inside the event loop that uses it.
    return CapacityLimiter(CONCURRENT_HASHES)


@cache
def _hasher() -> PasswordHash:
    return PasswordHash((Argon2Hasher(),))


@cache
def _dummy_hash() -> str:
    # Verified against when the user does not exist, so that both paths cost one argon2 run.
    return _hasher().hash("an unknown user never matches this")


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def _verify(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    if password_hash is None:
        _hasher().verify(password, _dummy_hash())
        return False, None
    return _hasher().verify_and_update(password, password_hash)


async def hash_password_async(password: str) -> str:
    return await to_thread.run_sync(hash_password, password, limiter=_hashing_slots())


async def verify_password(password: str, password_hash: str | None) -> tuple[bool, str | None]:
    """Whether `password` matches; and a new hash when the parameters have changed since.

    `password_hash=None` (no such user) still runs a full verification.
    """
    return await to_thread.run_sync(_verify, password, password_hash, limiter=_hashing_slots())
