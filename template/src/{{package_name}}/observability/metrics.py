"""Prometheus metrics: requests by route template and status, latency, requests in
flight, database pool use and slow queries. Served at GET /metrics.

With several worker processes, PROMETHEUS_MULTIPROC_DIR names a directory where
every worker writes its numbers; `serve` empties it and exports it to the workers.
Started any other way with several processes (`uvicorn --workers 2`), each scrape
would show one worker's numbers: staging and production refuse to start so.

The metrics name every route and its traffic, admin ones included: with METRICS_TOKEN
set (required in staging and production) only a scraper sending it as a bearer token
reads them.
"""

import hmac
import multiprocessing
import os
import time
from typing import Any
from weakref import WeakKeyDictionary

import structlog
from fastapi.routing import iter_route_contexts
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import Unauthorized
from ..kit.client_address import client_ip_of
from ..settings import Settings

logger = structlog.get_logger(__name__)

REQUESTS = Counter("http_requests_total", "HTTP requests answered", ["method", "route", "status"])
LATENCY = Histogram(
    "http_request_duration_seconds",
    "Time to answer an HTTP request",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
IN_FLIGHT = Gauge(
    "http_requests_in_flight", "HTTP requests being answered", multiprocess_mode="livesum"
)
POOL_CHECKED_OUT = Gauge(
    "db_pool_checked_out_connections",
    "Database connections in use",
    multiprocess_mode="livesum",
)
POOL_OVERFLOW = Gauge(
    "db_pool_overflow_connections",
    "Database connections opened beyond the pool size",
    multiprocess_mode="livesum",
)
SLOW_QUERIES = Counter("db_slow_queries_total", "Queries slower than the threshold")
RATE_LIMIT_STORAGE_ERRORS = Counter(
    "rate_limit_storage_errors_total",
    "Rate-limit counter store (Redis) failures: requests let through, or a failed check",
)

UNMATCHED_ROUTE = "<unmatched>"


# Each app's routes with their full path templates. A route of an included router knows
# only its own part of the path (`/bookings/{booking_id}`); FastAPI resolves the prefixes
# (`/api/v1`) when it lists the app's routes. Keyed by id: routes compare by value.
_TEMPLATES: WeakKeyDictionary[Any, dict[int, str]] = WeakKeyDictionary()


def _full_templates(app: Any) -> dict[int, str]:
    if app not in _TEMPLATES:
        _TEMPLATES[app] = {
            id(context.original_route): context.path
            for context in iter_route_contexts(app.routes)
            if context.path is not None
        }
    return _TEMPLATES[app]


def route_template(scope: Scope) -> str:
    """The matched route's full path template: bounded cardinality, no ids in labels."""
    route = scope.get("route")
    if route is None:
        return UNMATCHED_ROUTE
    full = _full_templates(scope["app"]).get(id(route)) if "app" in scope else None
    return full or str(getattr(route, "path", UNMATCHED_ROUTE))


class MetricsMiddleware:
    """Counts and times every request, and writes one access log line for it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status = 500

        async def send_and_record(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, send_and_record)
        finally:
            IN_FLIGHT.dec()
            elapsed = time.perf_counter() - start
            route, method = route_template(scope), scope["method"]
            REQUESTS.labels(method, route, str(status)).inc()
            LATENCY.labels(method, route).observe(elapsed)
            logger.info(
                "request",
                method=method,
                route=route,
                status=status,
                duration_ms=round(elapsed * 1000, 1),
                client_ip=client_ip_of(scope),
            )


def instrument_engine(engine: AsyncEngine, slow_query_seconds: float) -> None:
    """Pool gauges and the slow-query counter for `engine`."""
    pool: Any = engine.sync_engine.pool

    # Read from the pool, not counted: a connection invalidated by an outage is
    # checked in without having been checked out. "checkin" fires just before the
    # connection is back in the pool, so it still counts as checked out then.
    @event.listens_for(pool, "checkout")
    def _checkout(*_args: Any) -> None:
        POOL_CHECKED_OUT.set(pool.checkedout())
        POOL_OVERFLOW.set(max(pool.overflow(), 0))

    @event.listens_for(pool, "checkin")
    def _checkin(*_args: Any) -> None:
        POOL_CHECKED_OUT.set(max(pool.checkedout() - 1, 0))
        POOL_OVERFLOW.set(max(pool.overflow(), 0))

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _start(
        _conn: Any, _cursor: Any, _statement: Any, _params: Any, context: Any, _many: Any
    ) -> None:
        context.query_started = time.perf_counter()

    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def _finish(
        _conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: Any
    ) -> None:
        elapsed = time.perf_counter() - context.query_started
        if elapsed >= slow_query_seconds:
            SLOW_QUERIES.inc()
            # The statement has placeholders, never the parameters.
            logger.warning(
                "slow query", duration_ms=round(elapsed * 1000, 1), statement=statement[:500]
            )


def forget_this_worker(settings: Settings) -> None:
    """At shutdown: drop this worker's live gauges from the shared numbers."""
    if settings.prometheus_multiproc_dir is not None:
        multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]


def split_metrics_problem() -> str | None:
    """Why this process's /metrics would show only its own share of the traffic, or None.

    A worker spawned by a supervisor (uvicorn's --workers) has a parent process; only
    PROMETHEUS_MULTIPROC_DIR in its environment makes the workers share their numbers.
    """
    if multiprocessing.parent_process() is None or "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        return None
    return (
        "this is one of several worker processes and PROMETHEUS_MULTIPROC_DIR is not in "
        "the environment, so /metrics would show one worker's numbers: start the app "
        "with its `serve` command (WEB_CONCURRENCY workers)"
    )


def _check_scraper(request: Request, token: str) -> None:
    scheme, _, credentials = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(
        credentials.strip().encode(), token.encode()
    ):
        raise Unauthorized(
            "Metrics are for the scraper: send METRICS_TOKEN as a bearer token.",
            headers={"WWW-Authenticate": 'Bearer realm="metrics"'},
        )


def metrics_endpoint(request: Request) -> Response:
    """GET /metrics, in Prometheus text format."""
    settings = request.app.state.settings
    if settings.metrics_token is not None:
        _check_scraper(request, settings.metrics_token.get_secret_value())
    registry = REGISTRY
    if settings.prometheus_multiproc_dir is not None:
        # Every worker's numbers, summed (`serve` exports the directory to the workers).
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
