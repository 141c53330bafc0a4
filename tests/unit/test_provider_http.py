"""`ProviderHttp` sends a request the way its client would (base URL, headers, timeouts, the
transport the client picks for that URL, `auth` applied) without `AsyncClient.send`."""

from __future__ import annotations

import base64

import httpx
import pytest

from adapters.providers.http import ProviderHttp
from application.errors import ProviderUnavailable


class Recorded:
    """A transport answering 200 with a JSON body and keeping the requests it was given."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.requests: list[httpx.Request] = []

    def transport(self) -> httpx.MockTransport:
        def answer(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return httpx.Response(200, json={"by": self.name})

        return httpx.MockTransport(answer)


async def test_the_request_is_built_by_the_client_and_read_whole() -> None:
    own = Recorded("own")
    timeout = httpx.Timeout(connect=1.0, read=2.0, write=3.0, pool=4.0)
    client = httpx.AsyncClient(
        base_url="https://provider.test/api", transport=own.transport(), timeout=timeout
    )
    response = await ProviderHttp("wave", client).request(
        "status", "GET", "v1/sessions/cos-1", headers={"Authorization": "Bearer k"}
    )

    assert response.json() == {"by": "own"}
    assert response.is_closed
    assert response.request is own.requests[0]
    sent = own.requests[0]
    assert str(sent.url) == "https://provider.test/api/v1/sessions/cos-1"
    assert sent.headers["Authorization"] == "Bearer k"
    assert sent.extensions["timeout"] == timeout.as_dict()


async def test_the_transport_is_the_one_the_client_picks_for_the_url() -> None:
    own, mounted = Recorded("own"), Recorded("mounted")
    client = httpx.AsyncClient(
        transport=own.transport(), mounts={"https://mounted.test": mounted.transport()}
    )
    http = ProviderHttp("wave", client)

    assert (await http.request("a", "GET", "https://mounted.test/x")).json() == {"by": "mounted"}
    assert (await http.request("b", "GET", "https://other.test/x")).json() == {"by": "own"}


async def test_auth_is_applied() -> None:
    own = Recorded("own")
    client = httpx.AsyncClient(transport=own.transport())

    await ProviderHttp("orange_money", client).request(
        "token", "POST", "https://provider.test/token", auth=("id", "secret")
    )

    expected = "Basic " + base64.b64encode(b"id:secret").decode()
    assert own.requests[0].headers["Authorization"] == expected


async def test_a_timeout_is_an_unknown_outcome() -> None:
    def late(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("late", request=request)

    client = httpx.AsyncClient(transport=httpx.MockTransport(late))

    with pytest.raises(ProviderUnavailable, match="timed out"):
        await ProviderHttp("wave", client).request("status", "GET", "https://provider.test/x")
