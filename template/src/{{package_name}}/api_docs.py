"""The interactive API docs (Swagger UI, ReDoc), served by the app itself.

FastAPI's own pages load their scripts from a CDN: blank without internet, and a third
party in the docs pages' CSP. The same pages here load the assets the `fastapi-offline`
package ships, from this origin.
"""

from pathlib import Path

import fastapi_offline
from fastapi import FastAPI
from fastapi.openapi.docs import (
    get_redoc_html,
    get_swagger_ui_html,
    get_swagger_ui_oauth2_redirect_html,
)
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs-assets"
SWAGGER_UI = "/docs"
OAUTH2_REDIRECT = "/docs/oauth2-redirect"
REDOC = "/redoc"
_ASSET_FILES = Path(fastapi_offline.__file__).parent / "static"


def install(app: FastAPI) -> list[str]:
    """Add the docs pages when the app serves its OpenAPI schema; return their paths."""
    openapi_url = app.openapi_url
    if openapi_url is None:
        return []
    app.mount(ASSETS, StaticFiles(directory=_ASSET_FILES), name="docs-assets")

    @app.get(SWAGGER_UI, include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=openapi_url,
            title=f"{app.title} - Swagger UI",
            oauth2_redirect_url=OAUTH2_REDIRECT,
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon.png",
        )

    @app.get(OAUTH2_REDIRECT, include_in_schema=False)
    async def swagger_ui_oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get(REDOC, include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return get_redoc_html(
            openapi_url=openapi_url,
            title=f"{app.title} - ReDoc",
            redoc_js_url=f"{ASSETS}/redoc.standalone.js",
            redoc_favicon_url=f"{ASSETS}/favicon.png",
            with_google_fonts=False,
        )

    return [SWAGGER_UI, OAUTH2_REDIRECT, REDOC]
