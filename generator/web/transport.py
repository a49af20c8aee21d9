"""How patient data reaches the server: over its own TLS, or from a reverse proxy that terminates TLS.

`handout serve --behind-proxy ADDR`: only the proxy at ADDR may connect, and it must say the browser's request
came over HTTPS (`X-Forwarded-Proto: https`, which the proxy sets itself). From another address only a request
from this computer for /healthz or /metrics is answered (a local monitor); everything else gets 403. An answer
over HTTPS, the server's own or the proxy's, carries HSTS (see generator.web.guards.SecurityHeaders).
"""

from __future__ import annotations

import ipaddress

from starlette.types import ASGIApp, Receive, Scope, Send

from generator.web.guards import answer

MONITORING_PATHS = ("/healthz", "/metrics")
"""Answered from a loopback address too, and without X-Forwarded-Proto (a monitor asks the server directly)."""


def same_address(peer: str | None, address: str) -> bool:
    """Whether `peer` (a client address as the server saw it) is `address` (an IPv4-mapped IPv6 address is the
    IPv4 address)."""
    if peer is None:
        return False
    try:
        seen = ipaddress.ip_address(peer)
    except ValueError:
        return False
    if isinstance(seen, ipaddress.IPv6Address) and seen.ipv4_mapped is not None:
        seen = seen.ipv4_mapped
    return seen == ipaddress.ip_address(address)


def _is_loopback(peer: str | None) -> bool:
    try:
        return peer is not None and ipaddress.ip_address(peer).is_loopback
    except ValueError:
        return False


class ProxyOnly:
    """Answer only the reverse proxy at `proxy`, and only for requests it says came over HTTPS (see the module)."""

    def __init__(self, app: ASGIApp, proxy: str) -> None:
        self.app, self.proxy = app, proxy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        peer = scope["client"][0] if scope.get("client") else None
        monitoring = scope["path"] in MONITORING_PATHS
        if not same_address(peer, self.proxy):
            if monitoring and _is_loopback(peer):
                await self.app(scope, receive, send)
            else:
                message = "this server answers only its reverse proxy (handout serve --behind-proxy)"
                await answer(send, 403, {"error": message, "errors": []})
            return
        protos = [value for key, value in scope["headers"] if key == b"x-forwarded-proto"]
        if protos == [b"https"]:
            await self.app({**scope, "scheme": "https"}, receive, send)
        elif monitoring:
            await self.app(scope, receive, send)
        else:
            message = "the reverse proxy must forward only HTTPS requests, saying so with X-Forwarded-Proto: https"
            await answer(send, 403, {"error": message, "errors": []})
