"""Delivering notifications to stores over HTTP, signed with `Payments-Signature`."""

from __future__ import annotations

import ssl
import time

import httpx
import structlog

from adapters.outbound import BlockedAddress
from adapters.signing import HmacSignatureScheme
from application.shared.ports import Clock
from application.stores.ports import DeliveryAttempt

log = structlog.get_logger(__name__)

SIGNATURE_HEADER = "Payments-Signature"
TIMEOUT = httpx.Timeout(10.0)


class HttpNotificationSender:
    """POST with `Payments-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(webhook_secret,
    "<t>.<raw body>")>` (docs/api.md). A store that does not answer 2xx within 10 s is a failed
    attempt; nothing here raises for what the store's server does.

    The store sees a coarse failure category, never the network's error text:
    `connection_failed` for every failure before an answer (no connection, refused, timed out
    while connecting, TLS, the host did not resolve, an address production's outbound rules
    refuse, the connection broke): one word for all of them, so that the recorded attempts are
    no port or network scanner; `timeout` (connected, no answer within 10 s), `http_<status>`
    (an answer other than 2xx; redirects are not followed). The precise reason is logged for
    the operators (`notification.delivery_failed`)."""

    def __init__(self, client: httpx.AsyncClient, clock: Clock) -> None:
        self._client, self._clock = client, clock

    async def send(self, url: str, body: bytes, secret: str) -> DeliveryAttempt:
        signer = HmacSignatureScheme(secret.encode(), separator=b".", clock=self._clock)
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "payments-notifications/1",
            SIGNATURE_HEADER: signer.sign(body),
        }
        at, started = self._clock.now(), time.perf_counter()
        try:
            response = await self._client.post(url, content=body, headers=headers, timeout=TIMEOUT)
        except (httpx.HTTPError, httpx.InvalidURL) as error:
            return DeliveryAttempt(at, url, None, failure_category(error), _ms(started))
        status = response.status_code
        category = None if 200 <= status < 300 else f"http_{status}"
        return DeliveryAttempt(at, url, status, category, _ms(started))


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


CONNECTION_FAILED = "connection_failed"


def failure_category(error: httpx.HTTPError | httpx.InvalidURL) -> str:
    """What the store sees: `timeout` once a request was sent, else `connection_failed`."""
    log.info("notification.delivery_failed", reason=_reason(error))
    sent = isinstance(error, httpx.TimeoutException) and not isinstance(
        error, httpx.ConnectTimeout | httpx.PoolTimeout
    )
    return "timeout" if sent else CONNECTION_FAILED


def _reason(error: httpx.HTTPError | httpx.InvalidURL) -> str:
    """The precise reason, for the operators' log only."""
    if isinstance(error, BlockedAddress):
        return "blocked_address"
    if isinstance(error, httpx.TimeoutException):
        return "timeout"
    if _caused_by_tls(error):
        return "tls_error"
    if isinstance(error, httpx.ConnectError):
        return "connection_refused"
    return "connection_error"


def _caused_by_tls(error: BaseException) -> bool:
    seen: BaseException | None = error
    for _ in range(10):
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLError | ssl.CertificateError):
            return True
        if "SSL" in type(seen).__name__ or "CERTIFICATE" in str(seen).upper():
            return True
        seen = seen.__cause__ or seen.__context__
    return False
