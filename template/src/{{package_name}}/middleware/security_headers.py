"""Security headers on every response: routes, errors, 404s, /metrics, the 413 of
the body limit and the 500 of the last line of defence alike.

The API answers JSON, so its policy forbids everything a browser could do with
a response (run it, frame it, sniff it into HTML). The docs pages (Swagger UI,
ReDoc, `api_docs`) are HTML that loads its scripts from this origin and starts
them inline, so they get a policy that allows exactly that; they are off in
production unless OPENAPI_ENABLED is set.
"""

from collections.abc import Iterable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

API_POLICY = "default-src 'none'; frame-ancestors 'none'"
DOCS_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self' 'unsafe-inline'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "worker-src blob:",  # ReDoc searches in a worker
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
# A year, subdomains included: send it only where every subdomain speaks https.
HSTS = "max-age=31536000; includeSubDomains"


def _headers(policy: str, hsts: bool) -> list[tuple[str, str]]:
    headers = [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Content-Security-Policy", policy),
        # Answers carry tokens and personal data: no browser or proxy may keep them.
        ("Cache-Control", "no-store"),
    ]
    if hsts:
        headers.append(("Strict-Transport-Security", HSTS))
    return headers


class SecurityHeadersMiddleware:
    """Adds the headers to every response (a route may set its own first) and
    drops any `Server` header: what runs here is nobody else's business."""

    def __init__(self, app: ASGIApp, *, hsts: bool, docs_paths: Iterable[str] = ()) -> None:
        self.app = app
        self.api_headers = _headers(API_POLICY, hsts)
        self.docs_headers = _headers(DOCS_POLICY, hsts)
        self.docs_paths = frozenset(docs_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"].removeprefix(scope.get("root_path", ""))
        added = self.docs_headers if path in self.docs_paths else self.api_headers

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                headers = MutableHeaders(scope=message)
                for name, value in added:
                    headers.setdefault(name, value)
                del headers["server"]
            await send(message)

        await self.app(scope, receive, send_with_headers)
