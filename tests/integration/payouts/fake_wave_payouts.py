"""Wave's Payout and Balance APIs as the payouts reference documents them (2.3 to 2.8),
written from the reference: `POST /v1/payout` with its mandatory `Idempotency-Key` (the same
key with the same body answers the first payout again; with another body,
`idempotency-mismatch`), `GET /v1/payout/{id}`, `GET /v1/payouts/search`, `GET /v1/balance`.

`mode`: `ok` | `processing` (created, not yet executed) | `timeout_once` (lost before Wave
sees it) | `lost_once` (created, answer lost) | an error code (`insufficient-funds`,
`service-unavailable`, `too-many-requests`, ...) answered at the top level."""

from __future__ import annotations

import json
from typing import Any

import httpx
import respx

BASE_URL = "https://wave.test"
API_KEY = "wave_ci_prod_payout_key"
ERRORS = {
    "insufficient-funds": 422,
    "country-mismatch": 400,
    "recipient-account-blocked": 422,
    "internal-server-error": 500,
    "service-unavailable": 503,
    "too-many-requests": 429,
}
FEE = "50"  # of 5000


class FakeWavePayouts:
    def __init__(self, router: respx.MockRouter, host: str | None = None) -> None:
        """`host`: Wave's host when `router` serves several providers (no base URL)."""
        on = {"host": host} if host else {}
        self.payouts: dict[str, dict[str, Any]] = {}
        self.by_key: dict[str, tuple[bytes, str]] = {}
        self.requests: list[httpx.Request] = []
        self.mode = "ok"
        self.error_key = "code"
        self.balance = {"amount": "1250000", "currency": "XOF"}
        router.post(path="/v1/payout", **on).mock(side_effect=self._create)
        router.get(path__regex=r"^/v1/payout/(?P<payout_id>pt-[a-z0-9]+)$", **on).mock(
            side_effect=self._get
        )
        router.get(path="/v1/payouts/search", **on).mock(side_effect=self._search)
        router.get(path="/v1/balance", **on).mock(side_effect=self._balance)

    def _create(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.headers.get("Authorization") != f"Bearer {API_KEY}":
            return httpx.Response(401, json={"code": "invalid-auth", "message": "Bad key"})
        key = request.headers.get("Idempotency-Key")
        if not key:
            return httpx.Response(400, json={"code": "request-validation-error"})
        mode = self.mode
        if mode.endswith("_once"):
            self.mode = "ok"
        if mode == "timeout_once":
            raise httpx.ConnectTimeout("lost", request=request)
        if mode in ERRORS:
            return httpx.Response(ERRORS[mode], json={self.error_key: mode, "message": mode})
        if key in self.by_key:
            body, payout_id = self.by_key[key]
            if body != request.content:
                return httpx.Response(409, json={"code": "idempotency-mismatch"})
            return httpx.Response(200, json=self.payouts[payout_id])
        payout = self._payout(json.loads(request.content), mode)
        self.by_key[key] = (request.content, payout["id"])
        if mode == "lost_once":
            raise httpx.ReadTimeout("answer lost", request=request)
        return httpx.Response(200, json=payout)

    def _payout(self, body: dict[str, Any], mode: str) -> dict[str, Any]:
        payout_id = f"pt-{len(self.payouts) + 1:013x}"
        status = "processing" if mode == "processing" else "succeeded"
        payout = {**body, "id": payout_id, "fee": FEE, "status": status,
                  "timestamp": "2026-12-07T01:00:00Z"}  # fmt: skip
        self.payouts[payout_id] = payout
        return payout

    def settle(self, status: str = "succeeded", error: str | None = None) -> None:
        for payout in self.payouts.values():
            payout["status"] = status
            if error:
                payout["payout_error"] = {"error_code": error, "error_message": error}

    def _get(self, request: httpx.Request, payout_id: str) -> httpx.Response:
        payout = self.payouts.get(payout_id)
        if payout is None:
            return httpx.Response(404, json={"code": "not-found"})
        return httpx.Response(200, json=payout)

    def _search(self, request: httpx.Request) -> httpx.Response:
        wanted = request.url.params.get("client_reference")
        found = [p for p in self.payouts.values() if p.get("client_reference") == wanted]
        return httpx.Response(200, json={"result": found})

    def _balance(self, request: httpx.Request) -> httpx.Response:
        if request.headers.get("Authorization") != f"Bearer {API_KEY}":
            return httpx.Response(401, json={"code": "invalid-auth"})
        return httpx.Response(200, json=self.balance)
