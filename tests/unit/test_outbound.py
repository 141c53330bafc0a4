"""Outbound rules for store notifications: which addresses are blocked, the check when a URL
is configured, the check at delivery on the address actually connected to, and the coarse
failure categories a store sees."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import respx
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

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
        "not-an-address", "2002:7f00:1::1", "2002:a9fe:a9fe::", "2002:0808:0808::1", "fec0::1",
        "feff:ffff::1",
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
    await NotificationUrlPolicy(True, dns).check("https://shop.example.com/")
    client = httpx.AsyncClient(transport=GuardedTransport(dns), follow_redirects=False)
    async with client:
        attempt = await HttpNotificationSender(client, FixedClock()).send(
            f"http://shop.example.com:{port}/hooks", b"{}", "whsec_x"
        )
    assert attempt.error == "connection_failed" and attempt.status_code is None
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
        (httpx.ConnectTimeout("timed out after 10.0 s to 10.0.0.1"), "connection_failed"),
        (httpx.ReadTimeout("read timed out"), "timeout"),
        (httpx.ConnectError("[Errno 111] refused by 10.0.0.1"), "connection_failed"),
        (
            httpx.ConnectError("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed"),
            "connection_failed",
        ),
        (httpx.RemoteProtocolError("Server disconnected"), "connection_failed"),
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


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1/x", "https://8.8.8.8:99999/", "https://shop.example:-1/", "https://[::1",
        "https://shop.example:4e3/", "https://shop.example:٨٠/", "https://[zz::1]/", "https://:443/",
        "http://[::1]x/",
    ],
)  # fmt: skip
@pytest.mark.parametrize("production", [True, False])
async def test_a_malformed_url_is_refused_never_raised(url: str, production: bool) -> None:
    policy = NotificationUrlPolicy(production, resolver(["41.202.207.1"]))
    with pytest.raises(InvalidNotificationUrl):
        await policy.check(url)


@pytest.mark.parametrize("port", ["8443", "22", "80", "0", "65535"])
async def test_production_only_calls_port_443(port: str) -> None:
    policy = NotificationUrlPolicy(True, resolver(["41.202.207.1"]))
    with pytest.raises(InvalidNotificationUrl, match="443"):
        await policy.check(f"https://shop.example.com:{port}/hooks")
    await policy.check("https://shop.example.com:443/hooks")


async def test_the_sandbox_calls_ports_80_and_443_on_public_hosts_any_port_on_local_ones() -> None:
    public = NotificationUrlPolicy(False, resolver(["41.202.207.1"]))
    await public.check("http://shop.example.com/hooks")
    await public.check("https://shop.example.com:443/hooks")
    with pytest.raises(InvalidNotificationUrl, match="80 or 443"):
        await public.check("http://shop.example.com:22/hooks")
    local = NotificationUrlPolicy(False, resolver(["127.0.0.1"]))
    await local.check("http://localhost:8001/hooks")
    await local.check("http://[::1]:9000/hooks")


@pytest.mark.parametrize("address", ["2002:a9fe:a9fe::1", "fec0::5"])
async def test_production_refuses_6to4_and_site_local_hosts(address: str) -> None:
    policy = NotificationUrlPolicy(True, resolver([address]))
    with pytest.raises(InvalidNotificationUrl, match="public address"):
        await policy.check("https://shop.example.com/hooks")


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_closed_port_a_tls_failure_and_a_blocked_address_read_the_same(
    local_server: tuple[int, list[str]],
) -> None:
    """What a store sees of a failed delivery does not tell a closed port from an open one
    that speaks no TLS, nor from an address the rules refuse (no port-scan oracle)."""
    port, _ = local_server
    seen = []
    async with httpx.AsyncClient() as client:
        sender = HttpNotificationSender(client, FixedClock())
        for url in (f"http://127.0.0.1:{closed_port()}/", f"https://127.0.0.1:{port}/"):
            seen.append((await sender.send(url, b"{}", "whsec_x")).error)
    guarded = httpx.AsyncClient(transport=GuardedTransport(resolver(["10.0.0.1"])))
    async with guarded:
        attempt = await HttpNotificationSender(guarded, FixedClock()).send(
            "https://shop.example.com/", b"{}", "whsec_x"
        )
    seen.append(attempt.error)
    assert seen == ["connection_failed"] * 3


@hyp_settings(max_examples=300, deadline=None)
@given(
    st.text()
    | st.builds(
        lambda scheme, host, port, path: f"{scheme}://{host}{port}{path}",
        st.sampled_from(["http", "https", "HTTPS", "ftp", ""]),
        st.sampled_from(["[::1", "[::1]", "8.8.8.8", "shop.example", "[2002::1]", "", "h%00"])
        | st.text(max_size=12),
        st.sampled_from(["", ":", ":443", ":99999", ":-1", ":x", ":٨٠"]) | st.text(max_size=6),
        st.text(max_size=10),
    )
)
def test_no_url_makes_the_policy_raise_anything_but_a_refusal(url: str) -> None:
    async def check(production: bool) -> None:
        with contextlib.suppress(InvalidNotificationUrl):
            await NotificationUrlPolicy(production, resolver(["41.202.207.1"])).check(url)

    for production in (True, False):
        asyncio.run(check(production))
