"""A size limit on request bodies, enforced before they are read (MAX_REQUEST_BODY_BYTES).

A Content-Length over the limit is refused at once: the app never runs and not
a byte of the body is read. A body without one (chunked) is counted as the app
reads it, and reading stops at the limit. Either way the client gets a 413
problem, and the server closes the connection instead of draining the rest.
"""

from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import RequestTooLarge
from ..exception_handlers import problem


class BodyTooLarge(HTTPException):
    """Raised by `receive` once a streamed body passes the limit.

    An HTTPException because FastAPI lets those out of its body parsing (any other
    error there becomes a 400); whatever the app answers, the middleware sends
    its own 413 instead.
    """

    def __init__(self) -> None:
        super().__init__(413)


class BodySizeLimitMiddleware:
    """Refuses request bodies larger than `max_bytes` with 413 Content Too Large."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0
        exceeded = responded = started = False

        async def receive_within_limit() -> Message:
            nonlocal received, exceeded
            if exceeded:
                raise BodyTooLarge
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    exceeded = True
                    raise BodyTooLarge
            return message

        async def send_or_refuse(message: Message) -> None:
            nonlocal responded, started
            if responded:
                return  # the rest of the app's own answer, replaced by the 413
            if exceeded and not started:
                # However the app reported the error (FastAPI's parsing, a handler
                # that caught it), the client gets the same 413.
                responded = True
                await self._refuse(scope, receive, send)
                return
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive_within_limit, send_or_refuse)
        except BodyTooLarge:
            if started:
                raise
            if not responded:
                await self._refuse(scope, receive, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(
            413,
            f"The request body is larger than {self.max_bytes} bytes.",
            title=RequestTooLarge.title,
            slug=RequestTooLarge.slug,
            # The rest of the body is never read: the connection cannot be reused.
            headers={"Connection": "close"},
        )
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    value = Headers(scope=scope).get("content-length")
    # The server refuses a malformed Content-Length; anything left is counted as it comes.
    return int(value) if value is not None and value.isascii() and value.isdigit() else None
