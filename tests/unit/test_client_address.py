"""The client's address: the socket's peer, unless that peer is a trusted proxy."""

from __future__ import annotations

from typing import Any

import pytest
from litestar.connection import ASGIConnection

from entrypoints.http.client_address import client_address

PROXIES = ("10.0.0.0/8", "::1")


def connection(peer: str, forwarded: str | None = None) -> ASGIConnection[Any, Any, Any, Any]:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded is not None else []
    scope: Any = {"type": "http", "client": (peer, 5000), "headers": headers}
    return ASGIConnection(scope)


@pytest.mark.parametrize(
    ("peer", "forwarded", "trusted", "client"),
    [
        ("203.0.113.9", None, (), "203.0.113.9"),
        ("203.0.113.9", "198.51.100.1", (), "203.0.113.9"),  # no proxy trusted: header ignored
        ("203.0.113.9", "198.51.100.1", PROXIES, "203.0.113.9"),  # the peer is no proxy
        ("10.1.2.3", "198.51.100.1", PROXIES, "198.51.100.1"),
        ("10.1.2.3", "6.6.6.6, 198.51.100.1, 10.0.0.7", PROXIES, "198.51.100.1"),
        ("::1", "2001:db8::5", PROXIES, "2001:db8::5"),
        ("10.1.2.3", None, PROXIES, "10.1.2.3"),
        ("10.1.2.3", "10.0.0.8", PROXIES, "10.0.0.8"),
    ],
)
def test_the_client_address(
    peer: str, forwarded: str | None, trusted: tuple[str, ...], client: str
) -> None:
    assert client_address(connection(peer, forwarded), trusted) == client
