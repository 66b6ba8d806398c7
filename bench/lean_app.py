"""The lean reference of bench/app_load.py: the measured endpoints doing the same work
on the same database, with nothing else (plain FastAPI, an asyncpg pool, no middleware,
no ORM, no validation library beyond FastAPI's own).

    python bench/lean_app.py --host H --port P --workers N     (DATABASE_URL in the env)

Run by a generated project's interpreter, which has FastAPI, asyncpg and uvicorn;
served by uvicorn as the app's `serve` does (httptools, N workers, no access log).
The same bearer token opens the same session row: its hash, its lifetime and its idle
limit are checked in SQL, the user is read in the same query.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

import asyncpg
import uvicorn
from fastapi import FastAPI, Header, Request, Response

# The generated app's defaults: SESSION_IDLE_MINUTES, DATABASE_POOL_SIZE + MAX_OVERFLOW.
IDLE_MINUTES = 4320
POOL_SIZE = 15

SESSION_USER = """
SELECT u.id, u.email, u.email_verified_at IS NOT NULL AS email_verified, u.role, u.plan
FROM auth_sessions s JOIN users u ON u.id = s.user_id
WHERE s.token_hash = $1 AND s.expires_at > now()
  AND s.last_seen_at > now() - make_interval(mins => $2)
"""
BOOKINGS_PAGE = """
SELECT b.id, b.slot_id, s.starts_at, s.ends_at, b.note, b.version, b.created_at, b.updated_at
FROM bookings b JOIN slots s ON s.id = b.slot_id
WHERE b.user_id = $1 ORDER BY b.id LIMIT $2 OFFSET $3
"""
# The slot must exist and not have started; its unique index refuses a second booking.
BOOK = """
WITH booked AS (
  INSERT INTO bookings (slot_id, user_id, note, version)
  SELECT id, $2, $3, 1 FROM slots WHERE id = $1 AND starts_at > now()
  RETURNING id, slot_id, note, version, created_at, updated_at
)
SELECT booked.*, s.starts_at, s.ends_at FROM booked JOIN slots s ON s.id = booked.slot_id
"""
REMEMBER = """
INSERT INTO idempotency_keys (user_id, key, request_hash, status_code, body, headers)
VALUES ($1, $2, $3, 201, $4::jsonb, '{}'::jsonb)
"""
BOOKING_FIELDS = ("id", "slot_id", "starts_at", "ends_at", "note", "version")
BOOKING_TIMES = ("created_at", "updated_at")


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    app.state.pool = await asyncpg.create_pool(
        os.environ["DATABASE_URL"], min_size=POOL_SIZE, max_size=POOL_SIZE
    )
    try:
        yield
    finally:
        await app.state.pool.close()


app = FastAPI(lifespan=lifespan, openapi_url=None, docs_url=None, redoc_url=None)


def json_response(content: Any, status_code: int = 200) -> Response:
    return Response(
        json.dumps(content, default=datetime.isoformat),
        status_code=status_code,
        media_type="application/json",
    )


def token_hash(authorization: str) -> bytes | None:
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token:
        return None
    return hashlib.sha256(token.strip().encode()).digest()


async def session_user(connection: asyncpg.Connection, authorization: str) -> Any:
    digest = token_hash(authorization)
    if digest is None:
        return None
    return await connection.fetchrow(SESSION_USER, digest, IDLE_MINUTES)


def booking(row: Any) -> dict[str, Any]:
    return {name: row[name] for name in (*BOOKING_FIELDS, *BOOKING_TIMES)}


UNAUTHORIZED = json_response({"title": "Unauthorized"}, 401)


@app.get("/api/v1/auth/me")
async def me(request: Request, authorization: str = Header("")) -> Response:
    async with request.app.state.pool.acquire() as connection:
        user = await session_user(connection, authorization)
    if user is None:
        return UNAUTHORIZED
    return json_response(dict(user))


@app.get("/api/v1/bookings")
async def bookings(
    request: Request, authorization: str = Header(""), limit: int = 50, offset: int = 0
) -> Response:
    async with request.app.state.pool.acquire() as connection:
        user = await session_user(connection, authorization)
        if user is None:
            return UNAUTHORIZED
        rows = await connection.fetch(BOOKINGS_PAGE, user["id"], limit, offset)
    items = [booking(row) for row in rows]
    next_offset = offset + limit if len(items) == limit else None
    return json_response(
        {"items": items, "limit": limit, "offset": offset, "next_offset": next_offset}
    )


@app.post("/api/v1/bookings")
async def book(
    request: Request,
    authorization: str = Header(""),
    idempotency_key: str = Header(""),
) -> Response:
    body = await request.body()
    wanted = json.loads(body)
    async with request.app.state.pool.acquire() as connection, connection.transaction():
        user = await session_user(connection, authorization)
        if user is None:
            return UNAUTHORIZED
        row = await connection.fetchrow(BOOK, wanted["slot_id"], user["id"], wanted["note"])
        if row is None:
            return json_response({"title": "No such slot"}, 404)
        out = booking(row)
        encoded = json.dumps(out, default=datetime.isoformat)
        if idempotency_key:
            digest = hashlib.sha256(body).digest()
            await connection.execute(REMEMBER, user["id"], idempotency_key, digest, encoded)
    return Response(encoded, status_code=201, media_type="application/json")


@app.get("/livez")
async def livez() -> Response:
    return json_response({"status": "ok"})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workers", type=int, default=1)
    options = parser.parse_args()
    uvicorn.run(
        "lean_app:app",
        app_dir=os.path.dirname(os.path.abspath(__file__)),
        host=options.host,
        port=options.port,
        workers=options.workers,
        http="httptools",
        proxy_headers=False,
        server_header=False,
        access_log=False,
        log_config=None,
    )


if __name__ == "__main__":
    main()
