"""respx for the providers' own transport (`adapters.providers.transport.StreamTransport`):
`respx.mock(using="stream")` answers the provider clients' requests from respx routes at that
transport's door, while the test client's in-process ASGI requests go by untouched. A request
no route matches raises `AllMockedAssertionError`: it never reaches the network."""

from __future__ import annotations

from typing import Any

import httpx
from respx.mocks import AbstractRequestMocker


class StreamTransportMocker(AbstractRequestMocker):
    name = "stream"
    targets = ["adapters.providers.transport.StreamTransport"]
    target_methods = ["handle_async_request"]

    @classmethod
    def to_httpx_request(cls, **kwargs: Any) -> httpx.Request:
        request: httpx.Request = kwargs["request"]
        return request

    @classmethod
    async def from_async_httpx_response(
        cls, httpx_response: httpx.Response, target: Any, **kwargs: Any
    ) -> httpx.Response:
        return httpx_response
