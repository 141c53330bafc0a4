"""MTN MoMo Disbursement as the payouts reference documents it (1.2 to 1.9): its own token
and subscription key, `POST /disbursement/v1_0/transfer` (202, 409 on a reused
X-Reference-Id), `GET /disbursement/v1_0/transfer/{ref}` (404 when it never arrived), the
balance. Written from the reference, never with the service's code.

`transfer_mode`: `ok` | `timeout_once` (the request is lost before MTN sees it) |
`lost_once` (MTN records it, the answer is lost) | `refuse` (500 PAYEE_NOT_FOUND) |
`down` (500 without a code) | `busy` (429)."""

from __future__ import annotations

import json
from typing import Any

import httpx
import respx

BASE_URL = "https://mtn.test"
KEY, USER, SECRET = "disbursement-key-456", "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d", "d-secret"
TOKEN = "jwt-disbursement"
NOT_FOUND = {"code": "RESOURCE_NOT_FOUND", "message": "Requested resource was not found."}
REFERENCE = r"(?P<reference>[0-9a-f-]{36})"


class FakeMtnDisbursement:
    def __init__(self, router: respx.MockRouter, host: str | None = None) -> None:
        """`host`: MTN's host when `router` serves several providers (no base URL)."""
        on = {"host": host} if host else {}
        self.transfers: dict[str, dict[str, Any]] = {}
        self.requests: list[httpx.Request] = []
        self.token_calls = 0
        self.transfer_mode = "ok"
        self.balance: dict[str, Any] = {"availableBalance": "1000000", "currency": "XOF"}
        router.post(path="/disbursement/token/", **on).mock(side_effect=self._token)
        router.post(path="/disbursement/v1_0/transfer", **on).mock(side_effect=self._transfer)
        router.get(path__regex=f"^/disbursement/v1_0/transfer/{REFERENCE}$", **on).mock(
            side_effect=self._status
        )
        balance = "/disbursement/v1_0/account/balance"
        router.get(path=balance, **on).mock(side_effect=self._balance)

    def settle(self, status: str = "SUCCESSFUL", reason: object = None) -> None:
        for transfer in self.transfers.values():
            transfer["status"] = status
            if reason is not None:
                transfer["reason"] = reason

    def _authorized(self, request: httpx.Request) -> bool:
        return (
            request.headers.get("Authorization") == f"Bearer {TOKEN}"
            and request.headers.get("Ocp-Apim-Subscription-Key") == KEY
            and request.headers.get("X-Target-Environment") == "mtnivorycoast"
        )

    def _token(self, request: httpx.Request) -> httpx.Response:
        self.token_calls += 1
        if request.headers.get("Ocp-Apim-Subscription-Key") != KEY:
            return httpx.Response(401, json={"statusCode": 401, "message": "Access denied"})
        expected = httpx.BasicAuth(USER, SECRET)
        built = next(expected.auth_flow(httpx.Request("POST", BASE_URL)))
        if request.headers.get("Authorization") != built.headers["Authorization"]:
            return httpx.Response(401, json={"error": "login_failed"})
        return httpx.Response(200, json={"access_token": TOKEN, "expires_in": 3600})

    def _transfer(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if not self._authorized(request):
            return httpx.Response(401, json={"error": "unauthorized"})
        mode = self.transfer_mode
        if mode.endswith("_once"):
            self.transfer_mode = "ok"
        if mode == "timeout_once":
            raise httpx.ReadTimeout("lost", request=request)
        if mode == "refuse":
            return httpx.Response(500, json={"code": "PAYEE_NOT_FOUND", "message": "Not found"})
        if mode == "down":
            return httpx.Response(500, json={"message": "Internal error"})
        if mode == "busy":
            return httpx.Response(429, json={"message": "Too many requests"})
        reference = request.headers["X-Reference-Id"]
        if reference in self.transfers:
            return httpx.Response(409, json={"code": "RESOURCE_ALREADY_EXIST"})
        self.transfers[reference] = {**json.loads(request.content), "status": "PENDING"}
        if mode == "lost_once":
            raise httpx.ReadTimeout("answer lost", request=request)
        return httpx.Response(202)

    def _status(self, request: httpx.Request, reference: str) -> httpx.Response:
        if not self._authorized(request):
            return httpx.Response(401, json={"error": "unauthorized"})
        transfer = self.transfers.get(reference)
        if transfer is None:
            return httpx.Response(404, json=NOT_FOUND)
        return httpx.Response(200, json={"financialTransactionId": "868170949", **transfer})

    def _balance(self, request: httpx.Request) -> httpx.Response:
        if not self._authorized(request):
            return httpx.Response(401, json={"error": "unauthorized"})
        return httpx.Response(200, json=self.balance)
