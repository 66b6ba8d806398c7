"""A NUL in the path or the query string is refused with 422 before any route runs.

PostgreSQL cannot store or compare text holding NUL (`%00` decodes to one), so a
route that passed it to a query failed with a 500. Bodies are checked by
`RequestModel` with the same rule (`kit.text`); headers cannot carry NUL at all
(the HTTP server refuses them).
"""

from urllib.parse import unquote_to_bytes

from starlette.types import ASGIApp, Receive, Scope, Send

from ..exception_handlers import problem
from ..kit.text import storable_text_problem


class StorableTextMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            where = _refused_part(scope)
            if where is not None:
                response = problem(
                    422, f"The {where} holds text that cannot be stored (a NUL character)."
                )
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def _refused_part(scope: Scope) -> str | None:
    if storable_text_problem(scope["path"]) is not None:
        return "path"
    if b"\x00" in unquote_to_bytes(scope.get("query_string", b"")):
        return "query string"
    return None
