"""Who is asking, by address: the key for rate limits, and a field of the access log.

Behind a load balancer every request comes from the balancer, and the client's
address is in X-Forwarded-For, a header anyone can write. `TrustedProxyMiddleware` takes
it from there only when the peer is one of FORWARDED_ALLOW_IPS, using uvicorn's
own ProxyHeadersMiddleware (the rightmost address no trusted proxy added; the
scheme from X-Forwarded-Proto). It runs inside the app, outermost, rather than
in the server, so that every way of serving the app, and the tests, make the
same decision; `serve` starts uvicorn with its proxy headers off, so it is never
made twice.
"""

import structlog
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from ..kit.client_address import client_ip_of

logger = structlog.get_logger(__name__)

# Untrusted peers that sent X-Forwarded-For, remembered so each is reported once.
_MAX_REPORTED_PEERS = 64


class TrustedProxyMiddleware(ProxyHeadersMiddleware):
    """Takes the client's address from X-Forwarded-For when the peer is a trusted proxy.

    A peer that sends the header without being trusted is reported once (a warning):
    either a client forging it, or, far likelier when it keeps coming from one address,
    the app's own proxy missing from FORWARDED_ALLOW_IPS, so that every client shares
    the proxy's address and one rate-limit bucket.
    """

    def __init__(self, app: ASGIApp, forwarded_allow_ips: str) -> None:
        # uvicorn types apps with its own TypedDicts; Starlette's plain mappings are the same.
        super().__init__(app, trusted_hosts=forwarded_allow_ips)  # type: ignore[arg-type]
        self._reported: set[str] = set()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:  # type: ignore[override]
        if scope["type"] == "http" and len(self._reported) < _MAX_REPORTED_PEERS:
            self._report_untrusted_forwarder(scope)
        await super().__call__(scope, receive, send)  # type: ignore[arg-type]

    def _report_untrusted_forwarder(self, scope: Scope) -> None:
        peer = client_ip_of(scope)
        if peer in self._reported or peer in self.trusted_hosts:
            return
        if any(name == b"x-forwarded-for" for name, _ in scope["headers"]):
            self._reported.add(peer)
            logger.warning(
                "X-Forwarded-For from a peer FORWARDED_ALLOW_IPS does not trust: ignored. "
                "If it is your proxy, add it, or every client shares its address "
                "(and one rate-limit bucket)",
                peer=peer,
            )


def client_ip(request: HTTPConnection) -> str:
    """The client's address, in canonical form (one spelling per address)."""
    return client_ip_of(request.scope)
