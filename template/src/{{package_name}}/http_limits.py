"""Bounds on what one connection may make the server hold before the app sees a request.

uvicorn's fast parser (httptools) accepts a request head of any size and waits for it
forever: one client sending an 8 MiB header, or a header one byte at a time, or
nothing at all, holds memory and a socket as long as it likes. This protocol is
uvicorn's own, with three bounds added, checked as bytes arrive:

- the request line and headers together: at most `MAX_HEAD_BYTES`, else 431;
- at most `MAX_HEADERS` header lines, else 431;
- the head must be complete `HEAD_TIMEOUT_SECONDS` after the connection opens or the
  previous response ends, else the connection is closed (408 if a head had begun).

Between requests uvicorn's keep-alive timeout (5 s) closes idle connections, and the
body is bounded by the app (`middleware/body_limit.py`). `serve.py` runs it.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# nginx's default buffers for a request head are 4 x 8 KiB; h11's limit is 16 KiB.
# A browser's cookies for one site stay well under it.
MAX_HEAD_BYTES = 16 * 1024
MAX_HEADERS = 100  # gunicorn's limit_request_fields
HEAD_TIMEOUT_SECONDS = 10.0

HEAD_TOO_LARGE = 431
HEAD_TIMED_OUT = 408
_REASONS = {
    HEAD_TOO_LARGE: b"Request Header Fields Too Large",
    HEAD_TIMED_OUT: b"Request Timeout",
}


class TooManyHeaders(Exception):
    """Raised inside the parser's callback to stop it; httptools wraps it."""


class BoundedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol, refusing oversized or slow request heads."""

    max_head_bytes = MAX_HEAD_BYTES
    max_headers = MAX_HEADERS
    head_timeout_seconds = HEAD_TIMEOUT_SECONDS

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self.reading_head = True
        self.head_bytes = 0
        self.header_count = 0
        self.refusal: int | None = None
        self.head_timer: asyncio.TimerHandle | None = None
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._cancel_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        while data and not self.transport.is_closing():
            if self.reading_head:
                room = self.max_head_bytes - self.head_bytes
                if room <= 0:
                    self._refuse(HEAD_TOO_LARGE)
                    return
                # Fed in pieces that fit, so an oversized head is never buffered whole.
                chunk, data = data[:room], data[room:]
                self.head_bytes += len(chunk)
            else:
                chunk, data = data, b""
            super().data_received(chunk)

    # Parser callbacks
    def on_header(self, name: bytes, value: bytes) -> None:
        self.header_count += 1
        if self.header_count > self.max_headers:
            self.refusal = HEAD_TOO_LARGE
            raise TooManyHeaders
        super().on_header(name, value)

    def on_headers_complete(self) -> None:
        self.reading_head = False
        self._cancel_head_timer()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        # What arrives next is the next request's head.
        self.reading_head = True
        self.head_bytes = 0
        self.header_count = 0
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm_head_timer()

    def send_400_response(self, msg: str) -> None:
        # uvicorn answers every parser error with 400, ours (too many headers) included.
        if self.refusal is not None:
            self._refuse(self.refusal)
        else:
            super().send_400_response(msg)

    def _arm_head_timer(self) -> None:
        self._cancel_head_timer()
        self.head_timer = self.loop.call_later(self.head_timeout_seconds, self._head_timed_out)

    def _cancel_head_timer(self) -> None:
        if self.head_timer is not None:
            self.head_timer.cancel()
            self.head_timer = None

    def _head_timed_out(self) -> None:
        self.head_timer = None
        in_flight = self.cycle is not None and not self.cycle.response_complete
        if not self.reading_head or in_flight or self.transport.is_closing():
            return
        if self.head_bytes:
            self._refuse(HEAD_TIMED_OUT)
        else:
            self.transport.close()  # nothing was asked: nothing to answer

    def _refuse(self, status: int) -> None:
        self.logger.warning("request head refused: %d %s", status, _REASONS[status].decode())
        reason = _REASONS[status]
        self.transport.write(
            b"HTTP/1.1 %d %s\r\ncontent-type: text/plain; charset=utf-8\r\n"
            b"content-length: %d\r\nconnection: close\r\n\r\n%s"
            % (status, reason, len(reason), reason)
        )
        self.transport.close()
