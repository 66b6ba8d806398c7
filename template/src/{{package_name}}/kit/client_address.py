"""The client's address as the ASGI scope holds it (after `TrustedProxyMiddleware`
put the forwarded one there), in one canonical spelling per address.

Here, below the middleware and observability layers, so that both can use it."""

import ipaddress

from starlette.types import Scope

UNKNOWN = "unknown"


def client_ip_of(scope: Scope) -> str:
    """The address for middleware, which has the scope rather than a request
    (`middleware.client_ip.client_ip` for a request)."""
    client = scope.get("client")
    if not client:
        return UNKNOWN
    host: str = client[0]
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host  # a unix socket, or a name a trusted proxy forwarded
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)
