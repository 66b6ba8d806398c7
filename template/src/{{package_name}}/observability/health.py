"""Liveness and readiness, for load balancers, orchestrators and uptime monitors."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine

from ..db import migrations

router = APIRouter(tags=["health"])

HEALTH_MEDIA_TYPE = "application/health+json"
# Readiness answers quickly even when the database hangs.
DATABASE_CHECK_TIMEOUT_SECONDS = 2.0
# Named once, so `except` reads (and is formatted) the same on every targeted Python.
DATABASE_UNREACHABLE = (TimeoutError, OSError, SQLAlchemyError)

CheckStatus = Literal["pass", "fail"]


class HealthResponse(JSONResponse):
    media_type = HEALTH_MEDIA_TYPE


@router.get("/livez", response_class=HealthResponse)
async def livez() -> dict[str, str]:
    """Liveness: the process is up. Never touches the database."""
    return {"status": "pass"}


async def _current_revision(engine: AsyncEngine) -> str | None:
    async with asyncio.timeout(DATABASE_CHECK_TIMEOUT_SECONDS), engine.connect() as connection:
        return await migrations.current_revision(connection)


@router.get("/readyz", response_class=HealthResponse)
async def readyz(request: Request) -> HealthResponse:
    """Readiness: the database answers and its schema is at the latest migration.

    Dependencies the app can serve without (`app.state.degradable`: name to an async
    check returning a problem or None, e.g. the rate-limit store) are reported as
    `warn`, never failing readiness: taking every instance out of the load balancer
    because Redis blinked would turn a degraded app into a dead one.
    """
    expected: str = request.app.state.expected_migration_head
    known: frozenset[str] = request.app.state.known_migrations
    checks: dict[str, dict[str, Any]] = {}
    try:
        current = await _current_revision(request.app.state.engine)
    except DATABASE_UNREACHABLE:
        # No driver message here: it can hold host names and user names.
        checks["database"] = {"status": "fail", "output": "database unreachable"}
    else:
        checks["database"] = {"status": "pass"}
        # Behind (or never migrated) fails. A revision this code does not know was
        # made by a newer release: this version keeps serving during its rollout.
        behind = current is None or (current != expected and current in known)
        migrated: CheckStatus = "fail" if behind else "pass"
        checks["migrations"] = {"status": migrated, "current": current, "expected": expected}
    ready = all(check["status"] == "pass" for check in checks.values())
    degradable: dict[str, Callable[[], Awaitable[str | None]]]
    degradable = getattr(request.app.state, "degradable", {})
    for name, check in degradable.items():
        problem = await check()
        checks[name] = {"status": "warn", "output": problem} if problem else {"status": "pass"}
    warned = any(check["status"] == "warn" for check in checks.values())
    status = "fail" if not ready else "warn" if warned else "pass"
    return HealthResponse({"status": status, "checks": checks}, status_code=200 if ready else 503)
