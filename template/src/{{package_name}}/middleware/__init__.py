"""Every middleware, installed in one place and in one order.

Starlette runs the middleware added last first, so `install` adds them from the
innermost out. A request passes through them in this order:

1. `TrustedProxyMiddleware`: the client's address from `X-Forwarded-For`, believed
   only from FORWARDED_ALLOW_IPS; everything after sees the client, not the proxy.
2. `SecurityHeadersMiddleware`: security headers on every response, errors included.
3. `RequestIdMiddleware`: the request id that logs, problems and Sentry events carry.
4. `CORSMiddleware` (only with CORS_ORIGINS): preflights answered before the app runs.
5. `MetricsMiddleware`: counts and times every request, the failed ones too.
6. `UnhandledErrorMiddleware`: an unexpected error becomes a generic 500 problem,
   logged and reported, inside the request id and the headers above.
7. `BodySizeLimitMiddleware`: bodies over MAX_REQUEST_BODY_BYTES refused (413)
   before the app reads them.
8. `StorableTextMiddleware`: a NUL in the path or query string refused (422) before a
   route passes it to PostgreSQL (bodies: `RequestModel`).
"""

from collections.abc import Iterable

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from ..exception_handlers import UnhandledErrorMiddleware
from ..observability.metrics import MetricsMiddleware
from ..observability.request_id import RequestIdMiddleware
from ..settings import Settings
from .body_limit import BodySizeLimitMiddleware
from .client_ip import TrustedProxyMiddleware
from .security_headers import SecurityHeadersMiddleware
from .text_bounds import StorableTextMiddleware


def install(app: FastAPI, settings: Settings, *, docs_paths: Iterable[str]) -> None:
    """Add every middleware to `app`, innermost first (the reverse of the list above)."""
    app.add_middleware(StorableTextMiddleware)
    app.add_middleware(BodySizeLimitMiddleware, max_bytes=settings.max_request_body_bytes)
    app.add_middleware(UnhandledErrorMiddleware)
    app.add_middleware(MetricsMiddleware)
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_credentials=settings.cors_allow_credentials,
            allow_methods=["*"],
            allow_headers=["*"],
        )
    app.add_middleware(RequestIdMiddleware)
    app.add_middleware(
        SecurityHeadersMiddleware,
        hsts=settings.app_env in {"staging", "production"},
        docs_paths=docs_paths,
    )
    app.add_middleware(TrustedProxyMiddleware, forwarded_allow_ips=settings.forwarded_allow_ips)
