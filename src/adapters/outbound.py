"""Where the service may send its own requests to stores (`notification_url`).

Every URL: a well-formed `http(s)://` URL (a bad port or a broken IPv6 host is refused with
`InvalidNotificationUrl`, never an exception of the parser).

Rules in production:
- `https://` only, on port 443 (the port is not a way to probe other services of a host).
- No address that is not public: loopback, private networks, link-local, CGNAT
  (100.64.0.0/10), the cloud metadata endpoints (169.254.169.254, fd00:ec2::254), 6to4
  (2002::/16, which embeds any IPv4 address), site-local (fec0::/10), unspecified, multicast,
  reserved; an IPv4 address mapped in IPv6 is judged as IPv4.
In the sandbox, which must reach a developer's own server: any address; ports 80 and 443, and
any port on a host that resolves only to addresses that are not public (the developer's
machine or network), or that does not resolve.
- Checked when the URL is configured (every address its host resolves to), and again at
  each delivery on the address actually connected to: the transport resolves the host
  itself, refuses if any address is blocked, and connects to the checked address (TLS is
  still verified against the host name), so a DNS answer that changes between the two
  checks (rebinding) does not get through.
- No redirect is followed (the notification client never follows them).
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from application.errors import InvalidNotificationUrl

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[[str, int], Awaitable[list[str]]]

CGNAT = ipaddress.ip_network("100.64.0.0/10")
METADATA = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
#: IPv6 ranges `is_global` lets through: 6to4 relays to any IPv4 address, and the deprecated
#: site-local range that some networks still route internally.
IPV6_BLOCKED = (ipaddress.ip_network("2002::/16"), ipaddress.ip_network("fec0::/10"))
PRODUCTION_PORTS = frozenset({443})
SANDBOX_PUBLIC_PORTS = frozenset({80, 443})


def blocked(address: str) -> bool:
    """True when `address` is not a public unicast address."""
    try:
        ip: Address = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return True
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if isinstance(ip, ipaddress.IPv6Address) and any(ip in net for net in IPV6_BLOCKED):
        return True
    return (
        ip in METADATA
        or (isinstance(ip, ipaddress.IPv4Address) and ip in CGNAT)
        or not ip.is_global
        or ip.is_multicast
        or ip.is_reserved
    )


async def resolve(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (an address resolves to itself)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


class BlockedAddress(httpx.ConnectError):
    """The host resolves to an address the service must not call."""


class NotificationUrlPolicy:
    """Checks a store's `notification_url` when it is configured (API and CLI alike)."""

    def __init__(self, production: bool, resolver: Resolver = resolve) -> None:
        self._production, self._resolve = production, resolver

    async def check(self, url: str) -> None:
        """Raises `InvalidNotificationUrl` saying why `url` is refused."""
        scheme, host, port = _parts(url)
        if not self._production:
            return await self._check_sandbox(host, port)
        if scheme != "https":
            raise InvalidNotificationUrl("notification_url must be an https URL in production")
        if port not in PRODUCTION_PORTS:
            raise InvalidNotificationUrl("notification_url must use port 443 in production")
        try:
            addresses = await self._resolve(host, port)
        except OSError:
            raise InvalidNotificationUrl("notification_url's host does not resolve") from None
        if not addresses or any(blocked(address) for address in addresses):
            raise InvalidNotificationUrl(
                "notification_url must point at a public address (not loopback, private, "
                "link-local, CGNAT or metadata)"
            )

    async def _check_sandbox(self, host: str, port: int) -> None:
        if port in SANDBOX_PUBLIC_PORTS:
            return
        try:
            addresses = await self._resolve(host, port)
        except OSError:
            return  # nothing to reach: delivery will say so
        if any(not blocked(address) for address in addresses):
            raise InvalidNotificationUrl(
                "notification_url must use port 80 or 443 on a public address"
            )


def _parts(url: str) -> tuple[str, str, int]:
    """(scheme, host, port) of an http(s) URL, the port defaulted; `InvalidNotificationUrl`
    for anything else (urlsplit raises on a broken IPv6 host, `.port` on a bad port). The
    delivery client (httpx) must read the URL too: the two parsers do not refuse the same."""
    try:
        parts = urlsplit(url)
        scheme, host, port = parts.scheme, parts.hostname, parts.port
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL):
        raise InvalidNotificationUrl("notification_url is not a valid URL") from None
    if scheme not in ("http", "https") or not host:
        raise InvalidNotificationUrl("notification_url must be an http(s) URL")
    return scheme, host, port if port is not None else (443 if scheme == "https" else 80)


class _GuardedBackend(httpcore.AsyncNetworkBackend):
    """Resolves, checks every address, then connects to a checked one."""

    def __init__(self, resolver: Resolver) -> None:
        self._resolve = resolver
        self._inner = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        try:
            addresses = await self._resolve(host, port)
        except OSError as error:
            raise httpcore.ConnectError(str(error)) from error
        if not addresses or any(blocked(address) for address in addresses):
            raise BlockedAddress(f"{host} resolves to a blocked address")
        failure: Exception | None = None
        for address in addresses:
            try:
                return await self._inner.connect_tcp(
                    address, port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error
        assert failure is not None
        raise failure

    async def connect_unix_socket(self, *args: Any, **kwargs: Any) -> httpcore.AsyncNetworkStream:
        raise BlockedAddress("unix sockets are not allowed")

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


class GuardedTransport(httpx.AsyncHTTPTransport):
    """httpx's transport on the guarded network backend."""

    def __init__(self, resolver: Resolver = resolve) -> None:
        super().__init__()
        # httpx has no parameter for the network backend: its pool is rebuilt with ours.
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(), network_backend=_GuardedBackend(resolver)
        )


def notification_client(production: bool, timeout: httpx.Timeout) -> httpx.AsyncClient:
    """The client of store notifications: guarded in production, never following redirects."""
    transport = GuardedTransport() if production else None
    return httpx.AsyncClient(transport=transport, timeout=timeout, follow_redirects=False)
