"""Delivering notifications to stores over HTTP, signed with `Payments-Signature`."""

from __future__ import annotations

import time

import httpx

from adapters.signing import HmacSignatureScheme
from application.ports import Clock, DeliveryAttempt

SIGNATURE_HEADER = "Payments-Signature"
TIMEOUT = httpx.Timeout(10.0)


class HttpNotificationSender:
    """POST with `Payments-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(webhook_secret,
    "<t>.<raw body>")>` (docs/api.md). A store that does not answer 2xx within 10 s is a failed
    attempt; nothing here raises for what the store's server does."""

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
        except httpx.HTTPError as error:
            return DeliveryAttempt(at, url, None, _describe(error), _ms(started))
        return DeliveryAttempt(at, url, response.status_code, None, _ms(started))


def _ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)


def _describe(error: httpx.HTTPError) -> str:
    if isinstance(error, httpx.TimeoutException):
        return "timeout"
    return f"{type(error).__name__}: {error}"[:500]
