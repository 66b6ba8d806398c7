"""The one place errors become HTTP responses: RFC 9457 `application/problem+json`
with the request id, never a traceback, SQL, a path or a secret.

Covers the app's own `AppError`s, the framework's errors (unknown route, 405
with Allow, 415, 422 without echoing the input), database failures (unique
violations → 409, an unreachable database or exhausted pool → 503) and, in
`UnhandledErrorMiddleware`, everything else (→ a generic 500, logged and sent
to Sentry once).
"""

import os
import traceback
from http import HTTPStatus
from typing import Any

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .db.sqlstate import EXCLUSION_VIOLATION, UNIQUE_VIOLATION, sqlstate
from .errors import AppError, Conflict, ServiceUnavailable
from .kit import idempotency
from .observability import sentry
from .observability.request_id import current_request_id

logger = structlog.get_logger(__name__)

PROBLEM_MEDIA_TYPE = "application/problem+json"
MAX_REPORTED_ERRORS = 20  # validation errors listed in a 422; the rest are counted
DRIVERS = ("asyncpg", "sqlalchemy")


class ProblemResponse(JSONResponse):
    media_type = PROBLEM_MEDIA_TYPE


def _slug(title: str) -> str:
    return title.lower().replace(" ", "-").replace("'", "")


def problem(
    status: int,
    detail: str | None = None,
    *,
    title: str | None = None,
    slug: str | None = None,
    headers: dict[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> ProblemResponse:
    """A problem response; the request id comes from the current request."""
    title = title or HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": f"/problems/{slug or _slug(title)}",
        "title": title,
        "status": status,
        "detail": detail or title,
        "request_id": current_request_id.get(),
        **(extra or {}),
    }
    return ProblemResponse(body, status_code=status, headers=headers)


async def _app_error(_request: Request, error: Exception) -> ProblemResponse:
    assert isinstance(error, AppError)
    return problem(
        error.status, error.detail, title=error.title, slug=error.slug, headers=error.headers
    )


async def _http_error(_request: Request, error: Exception) -> ProblemResponse:
    assert isinstance(error, StarletteHTTPException)
    # The framework's own details are safe, generic phrases ("Not Found", "Method Not Allowed").
    return problem(error.status_code, str(error.detail), headers=dict(error.headers or {}))


async def _validation_error(request: Request, error: Exception) -> ProblemResponse:
    assert isinstance(error, RequestValidationError)
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    body_errors = any(detail.get("loc", ())[:1] == ("body",) for detail in error.errors())
    if body_errors and content_type and not _is_json(content_type):
        return problem(415, "Send the body as application/json.")
    # FastAPI's default echoes the input (a sign-up without email would send the
    # password back): keep only where and why, for the first few (the answer stays
    # small whatever the body held), with a count of the rest.
    details = error.errors()
    errors = [
        {
            "loc": list(detail.get("loc", ())),
            "msg": detail.get("msg", ""),
            "type": detail.get("type", ""),
        }
        for detail in details[:MAX_REPORTED_ERRORS]
    ]
    extra: dict[str, Any] = {"errors": errors}
    if len(details) > MAX_REPORTED_ERRORS:
        extra["errors_not_shown"] = len(details) - MAX_REPORTED_ERRORS
    return problem(422, "The request is not valid.", extra=extra)


def _is_json(content_type: str) -> bool:
    return content_type == "application/json" or content_type.endswith("+json")


async def _integrity_error(request: Request, error: Exception) -> ProblemResponse:
    assert isinstance(error, IntegrityError)
    if sqlstate(error) in {UNIQUE_VIOLATION, EXCLUSION_VIOLATION}:
        return await _app_error(request, Conflict("This conflicts with an existing resource."))
    return await _unexpected(request, error)


def _raised_by_database_driver(error: BaseException) -> bool:
    frames = traceback.extract_tb(error.__traceback__)
    return any(f"{os.sep}{name}{os.sep}" in frame.filename for frame in frames for name in DRIVERS)


async def _connection_error(request: Request, error: Exception) -> ProblemResponse:
    # Connecting to an unreachable database fails with OSError (refused) or
    # TimeoutError (no answer) raised by the driver, outside SQLAlchemy's wrapping.
    # The same errors from anywhere else are bugs, and must reach the owner.
    if _raised_by_database_driver(error):
        return await _database_unavailable(request, error)
    return await _unexpected(request, error)


async def _database_unavailable(request: Request, error: Exception) -> ProblemResponse:
    logger.warning("database unavailable", error=type(error).__name__)
    return await _app_error(
        request,
        ServiceUnavailable("The service is temporarily unavailable.", headers={"Retry-After": "5"}),
    )


async def _database_error(request: Request, error: Exception) -> ProblemResponse:
    assert isinstance(error, DBAPIError)
    if error.connection_invalidated or isinstance(error.orig, OSError) or _is_disconnect(error):
        return await _database_unavailable(request, error)
    return await _unexpected(request, error)


def _is_disconnect(error: DBAPIError) -> bool:
    cause = error.orig.__cause__ if error.orig is not None else None
    return isinstance(cause, OSError | ConnectionError) or type(cause).__name__ in {
        "ConnectionDoesNotExistError",
        "CannotConnectNowError",
        "InterfaceError",
    }


async def _unexpected(_request: Request, error: Exception) -> ProblemResponse:
    log_and_report(error)
    return problem(500, "Something went wrong on our side. It has been reported.")


def log_and_report(error: BaseException) -> None:
    """Log an unexpected error (redacted by the logging pipeline) and send it to Sentry."""
    logger.error("unhandled error", exc_info=error)
    sentry.report(error, current_request_id.get())


def install_exception_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AppError, _app_error)
    app.add_exception_handler(idempotency.Replayed, idempotency.replayed_response)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(IntegrityError, _integrity_error)
    app.add_exception_handler(PoolTimeoutError, _database_unavailable)
    app.add_exception_handler(DBAPIError, _database_error)
    app.add_exception_handler(OSError, _connection_error)
    app.add_exception_handler(TimeoutError, _connection_error)


class UnhandledErrorMiddleware:
    """Turns any exception no handler took into a generic 500 problem.

    Starlette's own fallback re-raises to the server, which prints the raw
    traceback (and whatever secret its message holds); this one logs it through
    the redacting pipeline, reports it to Sentry once, and answers.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_tracking(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, send_tracking)
        except Exception as error:  # noqa: BLE001  (the last line of defence)
            log_and_report(error)
            if not started:
                response = problem(500, "Something went wrong on our side. It has been reported.")
                await response(scope, receive, send)
