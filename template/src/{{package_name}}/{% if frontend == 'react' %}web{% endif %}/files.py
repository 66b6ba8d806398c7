"""The built frontend (`frontend/dist`, from `make frontend`), served by the app itself:
one origin for the pages and the API, so the session cookie needs no CORS.

- `/assets/*`: Vite's hashed files, cached for a year (a new build has new names).
- Any other GET that no route answers and that is no API, docs or probe path:
  `index.html`, never cached, so a deploy reaches every browser at its next page load.
  The client-side router then shows the page, or its own "not found".
- Unknown paths under `/api/` stay JSON 404 problems.

The pages get a Content-Security-Policy of their own: scripts, styles and connections
from this origin only (and the browser's Sentry, when SENTRY_BROWSER_DSN is set).
"""

from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.responses import FileResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

from ..settings import Settings

# Beside src/, like migrations/ (the app is installed in place, in the image too).
DIST = Path(__file__).resolve().parents[3] / "frontend" / "dist"
ASSETS = "/assets"
# Paths the frontend never answers: the API, its docs and the probes keep their own 404.
NOT_PAGES = {"/api", "/docs", "/redoc", "/openapi.json", "/metrics", "/livez", "/readyz"}
NOT_PAGE_PREFIXES = ("/api/", "/docs/", "/docs-assets/", "/assets/")
IMMUTABLE = "public, max-age=31536000, immutable"


def page_policy(settings: Settings) -> str:
    connect = ["'self'"]
    if settings.sentry_browser_dsn is not None:
        parts = urlsplit(str(settings.sentry_browser_dsn))
        connect.append(
            f"{parts.scheme}://{parts.hostname}" + (f":{parts.port}" if parts.port else "")
        )
    return "; ".join(
        [
            "default-src 'none'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            f"connect-src {' '.join(connect)}",
            "manifest-src 'self'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class HashedAssets(StaticFiles):
    """Vite's build output: content-hashed names, so cached for a year."""

    def file_response(self, *args: object, **kwargs: object) -> Response:
        response = super().file_response(*args, **kwargs)  # type: ignore[arg-type]
        response.headers["Cache-Control"] = IMMUTABLE
        return response


def install(app: FastAPI, settings: Settings, dist: Path | None = None) -> None:
    """Serve the built frontend (`dist`, by default DIST) where no route answers; without
    a build, its pages say how to make one."""
    dist = DIST if dist is None else dist
    if (dist / "assets").is_dir():
        app.mount(ASSETS, HashedAssets(directory=dist / "assets"), name="assets")
    public_files = (
        {path.name: path for path in dist.iterdir() if path.is_file() and path.name != "index.html"}
        if dist.is_dir()
        else {}
    )
    page_headers = {"Content-Security-Policy": page_policy(settings), "Cache-Control": "no-cache"}

    def page(path: str) -> Response:
        if path.lstrip("/") in public_files:
            return FileResponse(
                public_files[path.lstrip("/")], headers={"Cache-Control": "public, max-age=3600"}
            )
        index = dist / "index.html"
        if not index.is_file():
            return Response(
                "The frontend is not built yet: run `make frontend` (make dev does).",
                status_code=503,
                media_type="text/plain",
                headers=page_headers,
            )
        return FileResponse(index, media_type="text/html", headers=page_headers)

    # Not a catch-all route: the router's fallback, so that every route, also one added
    # after this, answers first; what is no page stays the API's 404 problem.
    not_found = app.router.default

    async def page_or_not_found(scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        read = scope["type"] == "http" and scope["method"] in {"GET", "HEAD"}
        if read and path not in NOT_PAGES and not path.startswith(NOT_PAGE_PREFIXES):
            await page(path)(scope, receive, send)
        else:
            await not_found(scope, receive, send)

    app.router.default = page_or_not_found
