"""No provider test can reach the network: every provider client goes through the providers'
own transport, respx answers it at that transport (`respx.mock(using="stream")`), and the
session-wide guard (`no_provider_network` in tests/conftest.py) refuses any connection that
would leave this machine."""

from __future__ import annotations

import httpx
import pytest
import respx
from respx.models import AllMockedAssertionError

from adapters.providers.http import provider_client
from adapters.providers.transport import StreamTransport
from entrypoints.resources import provider_clients_resource
from entrypoints.settings import Settings

TIMEOUT = httpx.Timeout(2.0)


async def test_every_provider_client_uses_the_guarded_transport() -> None:
    env = {"WAVE_API_KEY": "wave_sn_prod_x"}
    settings = Settings(providers=env)
    resource = provider_clients_resource(settings)
    clients = await anext(resource)
    try:
        assert clients, "a configured provider has its client"
        for client in clients.values():
            assert isinstance(client._transport, StreamTransport)
    finally:
        await resource.aclose()


async def test_a_request_respx_does_not_answer_never_leaves() -> None:
    with respx.mock(using="stream") as router:
        router.get("https://api.wave.com/v1/ok").respond(200, json={"ok": True})
        async with provider_client("https://api.wave.com", TIMEOUT) as wave:
            assert (await wave.get("/v1/ok")).json() == {"ok": True}
            with pytest.raises(AllMockedAssertionError):
                await wave.get("/v1/checkout/sessions/cos-unrouted")


async def test_outside_respx_a_provider_call_is_refused_before_connecting() -> None:
    async with provider_client("https://api.wave.com", TIMEOUT) as wave:
        with pytest.raises(ConnectionRefusedError, match=r"tried to reach api\.wave\.com"):
            await wave.get("/v1/checkout/sessions/cos-1")
