"""The app's one error hierarchy. Services and dependencies raise these; only
`exception_handlers.py` turns them into HTTP responses (RFC 9457 problems).

`detail` is shown to the client: never put secrets, SQL or internals in it.
"""

from typing import ClassVar


class AppError(Exception):
    """Base of every error the app reports to a client on purpose."""

    status: ClassVar[int] = 500
    title: ClassVar[str] = "Internal Server Error"
    slug: ClassVar[str] = "internal-error"

    def __init__(self, detail: str | None = None, *, headers: dict[str, str] | None = None):
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.headers = headers or {}


class BadRequest(AppError):
    status, title, slug = 400, "Bad Request", "bad-request"


class Unauthorized(AppError):
    status, title, slug = 401, "Unauthorized", "unauthorized"


class PaymentRequired(AppError):
    status, title, slug = 402, "Payment Required", "payment-required"


class Forbidden(AppError):
    status, title, slug = 403, "Forbidden", "forbidden"


class NotFound(AppError):
    status, title, slug = 404, "Not Found", "not-found"


class Conflict(AppError):
    status, title, slug = 409, "Conflict", "conflict"


class PreconditionFailed(AppError):
    status, title, slug = 412, "Precondition Failed", "precondition-failed"


class RequestTooLarge(AppError):
    status, title, slug = 413, "Content Too Large", "content-too-large"


class UnprocessableContent(AppError):
    status, title, slug = 422, "Unprocessable Content", "unprocessable-content"


class PreconditionRequired(AppError):
    status, title, slug = 428, "Precondition Required", "precondition-required"


class TooManyRequests(AppError):
    status, title, slug = 429, "Too Many Requests", "too-many-requests"


class BadGateway(AppError):
    """An upstream service answered with an error."""

    status, title, slug = 502, "Bad Gateway", "bad-gateway"


class ServiceUnavailable(AppError):
    """A dependency (the database, an upstream API) cannot be reached right now."""

    status, title, slug = 503, "Service Unavailable", "service-unavailable"


class GatewayTimeout(AppError):
    """An upstream service did not answer in time."""

    status, title, slug = 504, "Gateway Timeout", "gateway-timeout"
