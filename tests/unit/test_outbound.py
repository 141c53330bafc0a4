"""Outbound rules for store notifications: which addresses are blocked, the check when a URL
is configured, the check at delivery on the address actually connected to, and the coarse
failure categories a store sees."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import respx

from adapters import outbound
from adapters.notification_sender import HttpNotificationSender
from adapters.outbound import GuardedTransport, NotificationUrlPolicy, blocked
from application.errors import InvalidNotificationUrl


class FixedClock:
    def now(self) -> datetime:
        return datetime(2026, 1, 1, tzinfo=UTC)


def resolver(*answers: list[str]) -> Any:
    """A DNS that gives each answer in turn (the last one from then on)."""
    given = list(answers)

    async def resolve(host: str, port: int) -> list[str]:
        return given.pop(0) if len(given) > 1 else given[0]

    return resolve


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1", "127.8.9.10", "10.1.2.3", "172.16.0.1", "192.168.1.1", "169.254.169.254",
        "169.254.10.1", "100.64.0.1", "100.127.255.254", "0.0.0.0", "224.0.0.1", "::1",
        "fd00:ec2::254", "fe80::1", "fc00::1", "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::",
        "not-an-address",
    ],
)  # fmt: skip
def test_addresses_that_are_not_public_are_blocked(address: str) -> None:
    assert blocked(address)


@pytest.mark.parametrize("address", ["8.8.8.8", "41.202.207.1", "2001:4860:4860::8888"])
def test_public_addresses_are_allowed(address: str) -> None:
    assert not blocked(address)


async def test_production_wants_https_to_a_public_host() -> None:
    public = NotificationUrlPolicy(production=True, resolver=resolver(["41.202.207.1"]))
    await public.check("https://shop.example.com/hooks")
    with pytest.raises(InvalidNotificationUrl, match="https"):
        await public.check("http://shop.example.com/hooks")
    for address in ("127.0.0.1", "169.254.169.254", "10.0.0.5", "100.64.1.1", "fd00:ec2::254"):
        policy = NotificationUrlPolicy(True, resolver(["41.202.207.1", address]))
        with pytest.raises(InvalidNotificationUrl, match="public address"):
            await policy.check("https://shop.example.com/hooks")  # one bad address is enough


async def test_a_host_that_does_not_resolve_is_refused_in_production() -> None:
    async def nowhere(host: str, port: int) -> list[str]:
        raise socket.gaierror("Name or service not known")

    with pytest.raises(InvalidNotificationUrl, match="does not resolve"):
        await NotificationUrlPolicy(True, nowhere).check("https://nowhere.invalid/")


async def test_the_sandbox_allows_a_local_server() -> None:
    sandbox = NotificationUrlPolicy(production=False, resolver=resolver(["127.0.0.1"]))
    await sandbox.check("http://127.0.0.1:9000/hooks")
    with pytest.raises(InvalidNotificationUrl):
        await sandbox.check("ftp://127.0.0.1/hooks")


@pytest.fixture
def local_server() -> Iterator[tuple[int, list[str]]]:
    """A server on 127.0.0.1 recording the Host of each request it gets."""
    hosts: list[str] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            hosts.append(self.headers["Host"])
            self.send_response(302)
            self.send_header("Location", "http://127.0.0.1:1/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], hosts
    server.shutdown()
    server.server_close()


async def test_delivery_checks_the_address_it_connects_to(
    local_server: tuple[int, list[str]],
) -> None:
    """DNS rebinding: the host looked public when configured, resolves to 127.0.0.1 now."""
    port, hosts = local_server
    dns = resolver(["41.202.207.1"], ["127.0.0.1"])
    await NotificationUrlPolicy(True, dns).check(f"https://shop.example.com:{port}/")
    client = httpx.AsyncClient(transport=GuardedTransport(dns), follow_redirects=False)
    async with client:
        attempt = await HttpNotificationSender(client, FixedClock()).send(
            f"http://shop.example.com:{port}/hooks", b"{}", "whsec_x"
        )
    assert attempt.error == "blocked_address" and attempt.status_code is None
    assert hosts == []  # nothing reached the local server


async def test_delivery_connects_to_the_checked_address_and_follows_no_redirect(
    local_server: tuple[int, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    port, hosts = local_server
    monkeypatch.setattr(outbound, "blocked", lambda address: address != "127.0.0.1")
    transport = GuardedTransport(resolver(["127.0.0.1"]))  # shop.example has no real DNS
    async with httpx.AsyncClient(transport=transport, follow_redirects=False) as client:
        attempt = await HttpNotificationSender(client, FixedClock()).send(
            f"http://shop.example:{port}/hooks", b"{}", "whsec_x"
        )
    assert hosts == [f"shop.example:{port}"]  # the name kept, the checked address used
    assert (attempt.status_code, attempt.error) == (302, "http_302")


@pytest.mark.parametrize(
    ("outcome", "category"),
    [
        (httpx.ConnectTimeout("timed out after 10.0 s to 10.0.0.1"), "timeout"),
        (httpx.ReadTimeout("read timed out"), "timeout"),
        (httpx.ConnectError("[Errno 111] refused by 10.0.0.1"), "connection_refused"),
        (
            httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),
            "tls_error",
        ),
        (httpx.RemoteProtocolError("Server disconnected"), "connection_error"),
        (httpx.Response(500, text="Traceback: secret stuff"), "http_500"),
        (httpx.Response(404), "http_404"),
    ],
)  # fmt: skip
async def test_the_store_sees_a_coarse_category_never_the_network_text(
    outcome: Any, category: str
) -> None:
    with respx.mock:
        respx.post("https://shop.example.com/hooks").mock(side_effect=[outcome])
        async with httpx.AsyncClient() as client:
            attempt = await HttpNotificationSender(client, FixedClock()).send(
                "https://shop.example.com/hooks", b"{}", "whsec_x"
            )
    assert attempt.error == category
