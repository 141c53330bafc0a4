"""Who is calling: the client's address, for the per-address rate limits.

Rules: the address is the socket's peer. Only when that peer is one of `TRUSTED_PROXIES`
(addresses or CIDR networks) is `X-Forwarded-For` read, from the right: the first hop that
is not itself a trusted proxy is the client (entries further left are whatever the client
chose to send, so they are never believed)."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from litestar.connection import ASGIConnection

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def client_address(connection: ASGIConnection[Any, Any, Any, Any], trusted: tuple[str, ...]) -> str:
    peer = connection.client.host if connection.client else "unknown"
    return address_of_peer(peer, lambda: connection.headers.getall("x-forwarded-for", []), trusted)


def address_of_peer(
    peer: str, forwarded_for: Callable[[], list[str]], trusted: tuple[str, ...]
) -> str:
    """The rules above, for `peer` and the `X-Forwarded-For` values (read only when needed)."""
    networks = _networks(trusted)
    if not networks or not _trusted(peer, networks):
        return peer
    header = ",".join(forwarded_for())
    hops = [hop.strip() for hop in header.split(",") if hop.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, networks):
            return hop
    return hops[0] if hops else peer


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(item, strict=False) for item in trusted)


def _trusted(address: str, networks: tuple[Network, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)
