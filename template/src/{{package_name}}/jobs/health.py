"""The worker's own small HTTP server, for the platform: GET /healthz and GET /metrics
on WORKER_METRICS_PORT (`<package> worker --metrics-host 0.0.0.0` in a container).

/healthz is the liveness probe: 200 while the worker's loop keeps getting answers from
the database (each look for jobs is a heartbeat), 503 once it has had none for
`stale_after`, stuck or without its database. It answers from a thread of its own, so
a blocked event loop cannot hold the answer back. /metrics asks for METRICS_TOKEN as a
bearer token when that is set, as the app's /metrics does.
"""

import functools
import hmac
import json
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import structlog
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

logger = structlog.get_logger(__name__)

HEALTH_MEDIA_TYPE = "application/health+json"


class Heartbeat:
    """When the worker's loop last had an answer from the database."""

    def __init__(self, stale_after: timedelta) -> None:
        self.stale_after = stale_after.total_seconds()
        # A fresh worker has `stale_after` to connect and look for jobs a first time.
        self._last = time.monotonic()

    def beat(self) -> None:
        self._last = time.monotonic()

    @property
    def age(self) -> float:
        """Seconds since the last beat."""
        return time.monotonic() - self._last

    @property
    def alive(self) -> bool:
        return self.age < self.stale_after


class _Handler(BaseHTTPRequestHandler):
    server_version = "worker"
    sys_version = ""

    def __init__(
        self,
        heartbeat: Heartbeat,
        registry: CollectorRegistry,
        token: str | None,
        *args: Any,
    ) -> None:
        self.heartbeat, self.registry, self.token = heartbeat, registry, token
        super().__init__(*args)

    def do_GET(self) -> None:
        path = self.path.partition("?")[0]
        if path == "/healthz":
            self._healthz()
        elif path == "/metrics":
            self._metrics()
        else:
            self._answer(404, "text/plain; charset=utf-8", b"not found\n")

    def _healthz(self) -> None:
        age = round(self.heartbeat.age, 1)
        if self.heartbeat.alive:
            body: dict[str, object] = {"status": "pass", "last_poll_seconds": age}
        else:
            output = f"the job loop has had no answer from the database for {age} s"
            body = {"status": "fail", "output": output, "last_poll_seconds": age}
        status = 200 if self.heartbeat.alive else 503
        self._answer(status, HEALTH_MEDIA_TYPE, json.dumps(body).encode())

    def _metrics(self) -> None:
        if self.token is not None and not self._sent_token(self.token):
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Bearer realm="metrics"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self._answer(200, CONTENT_TYPE_LATEST, generate_latest(self.registry))

    def _sent_token(self, token: str) -> bool:
        scheme, _, credentials = self.headers.get("authorization", "").partition(" ")
        return scheme.lower() == "bearer" and hmac.compare_digest(
            credentials.strip().encode(), token.encode()
        )

    def _answer(self, status: int, media_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", media_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        """No access log: the probes and scrapes come every few seconds."""


def serve_operations(
    host: str,
    port: int,
    heartbeat: Heartbeat,
    registry: CollectorRegistry,
    token: str | None,
) -> ThreadingHTTPServer | None:
    """Serve /healthz and /metrics from a daemon thread; None when the port is taken.

    A taken port is logged, not fatal: the jobs still run (a second worker on one
    machine in development), while the platform sees the probe fail.
    """
    handler = functools.partial(_Handler, heartbeat, registry, token)
    try:
        server = ThreadingHTTPServer((host, port), handler)
    except OSError as error:
        logger.error("worker metrics not served", host=host, port=port, error=str(error))
        return None
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="worker-http", daemon=True)
    thread.start()
    logger.info("worker metrics served", host=host, port=port)
    return server
