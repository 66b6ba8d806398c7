"""Structured logs: JSON lines on stdout in staging and production (the platform
keeps them), readable lines in development; every line carries the request id
and passes through the redactor last, whoever logged it (the app, uvicorn,
SQLAlchemy)."""

import logging
import sys
from typing import Any

import structlog
from structlog.typing import EventDict, WrappedLogger

from ..settings import Settings
from .redaction import Redactor
from .request_id import current_request_id

HANDLER_NAME = "app"


class _StdoutHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stdout is at the time (test runners swap it)."""

    @property
    def stream(self) -> Any:
        return sys.stdout

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def _add_request_id(_logger: WrappedLogger, _name: str, event: EventDict) -> EventDict:
    if (request_id := current_request_id.get()) is not None:
        event.setdefault("request_id", request_id)
    return event


def _redact_with(redactor: Redactor) -> Any:
    def redact(_logger: WrappedLogger, _name: str, event: EventDict) -> EventDict:
        record = event.pop("_record", None)
        scrubbed: EventDict = redactor.value(event)  # key names and values, at every depth
        if record is not None:
            scrubbed["_record"] = record
        return scrubbed

    return redact


def configure_logging(settings: Settings, redactor: Redactor) -> None:
    """Route every log record (stdlib and structlog) through one redacting pipeline."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        _add_request_id,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    json_lines = settings.app_env in {"staging", "production"}
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if json_lines
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[*shared, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=False,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=shared,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            # Tracebacks become text first, so the redactor sees them too.
            structlog.processors.format_exc_info,
            _redact_with(redactor),
            renderer,
        ],
    )
    handler = _StdoutHandler()
    handler.setFormatter(formatter)
    handler.set_name(HANDLER_NAME)
    root = logging.getLogger()
    # Replace our previous handler only: others (a test's log capture) stay.
    root.handlers = [h for h in root.handlers if h.get_name() != HANDLER_NAME] + [handler]
    root.setLevel(settings.log_level)
    for name in ("uvicorn", "uvicorn.error", "sqlalchemy", "alembic"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    # The app writes one access line per request itself (observability/metrics.py, with
    # the request id and the client's real address); uvicorn's would be a second one.
    access = logging.getLogger("uvicorn.access")
    access.handlers = []
    access.propagate = False
