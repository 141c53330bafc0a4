"""What every provider client shares: explicit timeouts, the time of each call measured,
transport failures translated into `ProviderUnavailable` (outcome unknown), and the small
readers every adapter needs: a JSON body, a header, refused credentials."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any, Protocol

import httpx
import structlog

from adapters.providers.transport import StreamTransport
from application.errors import ProviderRejected, ProviderUnavailable

log = structlog.get_logger(__name__)

#: connect, read, write and pool timeouts of a provider client, in seconds (a provider's
#: `Config.timeout` unless it needs others).
DEFAULT_TIMEOUT = httpx.Timeout(connect=5.0, read=15.0, write=10.0, pool=5.0)

#: `failure_code` of a payment the provider refused because it refused our credentials.
CREDENTIALS_REJECTED = "provider_credentials_rejected"


class CallObserver(Protocol):
    def observe(self, provider: str, operation: str, seconds: float, outcome: str) -> None:
        """One provider call: `outcome` is the HTTP status, `timeout` or `network_error`."""
        ...


class LogObserver:
    """Writes each call's duration to the logs (metrics subscribe here later)."""

    def observe(self, provider: str, operation: str, seconds: float, outcome: str) -> None:
        log.info(
            "provider.call",
            provider=provider,
            operation=operation,
            duration_ms=round(seconds * 1000, 1),
            outcome=outcome,
        )


class ProviderHttp:
    """One provider's HTTP client. Every request is timed and observed; a timeout or a
    connection error raises `ProviderUnavailable`, never a failure of the payment."""

    def __init__(
        self, provider: str, client: httpx.AsyncClient, observer: CallObserver | None = None
    ) -> None:
        self.provider = provider
        self._client = client
        self._observer = observer or LogObserver()

    async def request(self, operation: str, method: str, url: str, **kwargs: Any) -> httpx.Response:
        started = time.perf_counter()
        try:
            response = await self._send(method, url, **kwargs)
        except httpx.TimeoutException as error:
            self._observe(operation, started, "timeout")
            raise ProviderUnavailable(f"{self.provider} {operation} timed out") from error
        except httpx.TransportError as error:
            self._observe(operation, started, "network_error")
            raise ProviderUnavailable(f"{self.provider} {operation}: network error") from error
        self._observe(operation, started, str(response.status_code))
        return response

    async def _send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        """The request built by the client (its base URL, headers and timeouts) and handed to
        the transport the client would choose for it (its own, or a proxy's from the
        environment), the answer read whole.

        What `AsyncClient.send` adds around that is left out: redirects (never followed
        here), event hooks and cookies (never used with a provider), the answer's timer:
        about 75 µs of CPU a call, a quarter of a status query's (docs/benchmarks.md). A
        call with `auth` (the token requests, once an hour) goes through `send`, which
        applies it."""
        if "auth" in kwargs:
            return await self._client.request(method, url, **kwargs)
        request = self._client.build_request(method, url, **kwargs)
        # private, but the one place the client picks a transport (mounts, proxies, respx)
        transport = self._client._transport_for_url(request.url)
        response = await transport.handle_async_request(request)
        response.request = request
        try:
            await response.aread()
        finally:
            await response.aclose()
        return response

    def _observe(self, operation: str, started: float, outcome: str) -> None:
        elapsed = time.perf_counter() - started
        self._observer.observe(self.provider, operation, elapsed, outcome)


#: Idle provider connections are closed after this many seconds: below the idle timeouts of
#: the providers' front ends (60 s and more), so a pooled connection is never a dead one.
KEEPALIVE_SECONDS = 5.0
#: Provider calls in flight per account and process: the settlements in flight (webhooks
#: settled after their answer, reconciliation's batches of ten) rarely exceed it, and a larger
#: pool only costs more per call.
MAX_CONNECTIONS = 32


@asynccontextmanager
async def provider_client(
    base_url: str, limits: httpx.Timeout, *, own_transport: bool = True
) -> AsyncIterator[httpx.AsyncClient]:
    """The one shared, long-lived `httpx.AsyncClient` of a provider account (a container
    resource), over our own transport (`StreamTransport`: a third of httpx's own CPU per call,
    docs/benchmarks.md); `own_transport=False` (PROVIDER_TRANSPORT=httpx): httpx's own, with
    the same keep-alive and pool size. Tests answer it with `respx.mock(using="stream")`."""
    transport: httpx.AsyncBaseTransport
    if own_transport:
        transport = StreamTransport(keepalive=KEEPALIVE_SECONDS, max_connections=MAX_CONNECTIONS)
    else:
        limits_ = httpx.Limits(max_connections=MAX_CONNECTIONS, keepalive_expiry=KEEPALIVE_SECONDS)
        transport = httpx.AsyncHTTPTransport(limits=limits_)
    async with httpx.AsyncClient(base_url=base_url, timeout=limits, transport=transport) as client:
        yield client


def error_body(response: httpx.Response) -> dict[str, Any]:
    """A provider's error answer as data for the payment's history (never shown raw to a
    customer): its JSON when it is JSON, else its text cut to 2,000 characters."""
    try:
        body = response.json()
    except ValueError:
        return {"status": response.status_code, "text": response.text[:2000]}
    return {"status": response.status_code, "body": body}


def json_body(response: httpx.Response) -> dict[str, Any]:
    """The answer's JSON object; `{}` when it is not JSON or not an object."""
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A request header by name, whatever its case."""
    wanted = name.lower()
    return next((value for key, value in headers.items() if key.lower() == wanted), None)


class CredentialsRejected(Exception):
    """The provider refused our credentials (bad key, user or secret, not an expired
    token). Retrying cannot help; an operator must fix the configuration."""

    def __init__(self, message: str, raw: dict[str, Any]) -> None:
        super().__init__(message)
        self.message = message
        self.raw = raw


def refused_credentials(error: CredentialsRejected) -> ProviderRejected:
    """A request the provider refused because of our credentials: nothing was created, so it
    is a refusal (`provider_credentials_rejected`), never an unknown outcome."""
    return ProviderRejected(CREDENTIALS_REJECTED, error.message, error.raw)
