"""Idempotency keys for unsafe requests (the `Idempotency-Key` header).

The first request with a key runs and its response is stored with the key, in
the same transaction as its effects. A replay gets the stored response; the
same key with another body is refused (422); a retry that arrives while the
first is still running gets 409 instead of running twice. Only successful
responses are stored: a request that failed can be retried with its key.

A route takes part with one parameter and hands its result to `keep`:

    async def book(..., once: Annotated[Idempotent, guard("book", BookingCreate, owner=...)]):
        ...
        return once.keep(out)
"""

import hashlib
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Header, Request, Response
from fastapi.params import Depends as DependsParam
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from sqlalchemy import (
    BigInteger,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    delete,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base
from ..db.session import SessionDep
from ..errors import Conflict, UnprocessableContent

Out = TypeVar("Out", bound=BaseModel)

# How long a key is remembered; after that it may be used again.
KEY_LIFETIME = timedelta(hours=24)
REPLAY_HEADER = "Idempotent-Replayed"

IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        pattern=r"^[\x21-\x7e]+$",
        description="A unique value per operation (a UUID); retries send the same one",
    ),
]


class StoredResponse(Base):
    __tablename__ = "idempotency_keys"

    user_id: Mapped[int] = mapped_column(
        BigInteger, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    request_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    status_code: Mapped[int] = mapped_column(Integer)
    body: Mapped[Any] = mapped_column(JSONB)
    headers: Mapped[dict[str, str]] = mapped_column(JSONB)
    # Indexed for the worker's purge of forgotten keys (`delete_forgotten`).
    created_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), index=True
    )


@dataclass(frozen=True)
class Claim:
    """A key this request holds until its transaction ends."""

    user_id: int
    key: str
    request_hash: bytes


def request_hash(operation: str, body: BaseModel) -> bytes:
    canonical = json.dumps([operation, body.model_dump(mode="json")], sort_keys=True)
    return hashlib.sha256(canonical.encode()).digest()


async def claim(
    session: AsyncSession, user_id: int, key: str, operation: str, body: BaseModel
) -> Claim | JSONResponse:
    """Hold `key` for this request, or return the response it already produced."""
    # A transaction-scoped lock: released by the commit that stores the response,
    # so the next holder sees it. Not waiting is what turns "in flight" into 409.
    locked = await session.scalar(
        select(func.pg_try_advisory_xact_lock(func.hashtextextended(f"{user_id}:{key}", 0)))
    )
    if not locked:
        raise Conflict(
            "A request with this Idempotency-Key is still being processed: retry shortly.",
            headers={"Retry-After": "1"},
        )
    fingerprint = request_hash(operation, body)
    stored = await session.get(StoredResponse, (user_id, key))
    if stored is not None and stored.created_at < datetime.now(UTC) - KEY_LIFETIME:
        await session.delete(stored)
        await session.flush()
        stored = None
    if stored is None:
        return Claim(user_id, key, fingerprint)
    if stored.request_hash != fingerprint:
        raise UnprocessableContent("This Idempotency-Key was already used for another request.")
    return JSONResponse(
        stored.body,
        status_code=stored.status_code,
        headers={**stored.headers, REPLAY_HEADER: "true"},
    )


async def delete_forgotten(session: AsyncSession, now: datetime) -> int:
    """Delete the keys older than KEY_LIFETIME (a request may reuse them); how many."""
    deleted = await session.execute(
        delete(StoredResponse)
        .where(StoredResponse.created_at < now - KEY_LIFETIME)
        .returning(StoredResponse.key)
    )
    return len(deleted.all())


async def remember(
    session: AsyncSession, held: Claim, status_code: int, body: Any, headers: dict[str, str]
) -> None:
    """Store the response; it commits (or not) with the request's other changes."""
    session.add(
        StoredResponse(
            user_id=held.user_id,
            key=held.key,
            request_hash=held.request_hash,
            status_code=status_code,
            body=body,
            headers=headers,
        )
    )
    await session.flush()


class Replayed(Exception):
    """A retry: answered with the response the key's first request produced."""

    def __init__(self, response: JSONResponse) -> None:
        super().__init__("replayed")
        self.response = response


async def replayed_response(_request: Request, replay: Exception) -> Response:
    """The exception handler that sends a replay (installed by exception_handlers)."""
    assert isinstance(replay, Replayed)
    return replay.response


@dataclass
class Idempotent:
    """What a route taking part needs: `keep(out)` marks the response to store."""

    held: Claim | None = None
    kept: BaseModel | None = None

    def keep(self, out: Out) -> Out:
        self.kept = out
        return out


def guard(
    operation: str, body: type[BaseModel], *, owner: Callable[..., Awaitable[int]]
) -> DependsParam:
    """The dependency for an idempotent route: `operation` names it, `body` is its
    request schema, `owner` a dependency giving the id whose keys these are."""

    async def idempotent(
        request: Request,
        response: Response,
        session: SessionDep,
        owner_id: Annotated[int, Depends(owner)],
        key: IdempotencyKey = None,
    ) -> AsyncIterator[Idempotent]:
        once = Idempotent()
        if key is not None:
            try:
                parsed = body.model_validate_json(await request.body())
            except ValidationError:
                parsed = None  # FastAPI answers 422 for the body; nothing to hold
            if parsed is not None:
                claimed = await claim(session, owner_id, key, operation, parsed)
                if isinstance(claimed, JSONResponse):
                    raise Replayed(claimed)
                once.held = claimed
        yield once
        if once.held is None:
            return
        if once.kept is None:
            raise RuntimeError(f"{operation}: an idempotent route must return once.keep(out)")
        route_status = getattr(request.scope.get("route"), "status_code", None)
        await remember(
            session,
            once.held,
            response.status_code or route_status or 200,
            once.kept.model_dump(mode="json"),
            dict(response.headers),
        )

    # Function scope: the response is stored before the request's transaction commits.
    dependency: DependsParam = Depends(idempotent, scope="function")
    return dependency
