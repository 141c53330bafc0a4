"""Wave Checkout as reference/providers.md section 3 documents it: sessions (`cos-...`),
search by client_reference, `/refund` of a completed session (empty 2xx, whole session),
`Wave-Signature` webhooks."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import httpx
import respx
from tests.integration.providers.kit import Callback, ProviderFake

API_KEY = "wave_sn_prod_contract-key"
SECRET = "wave_sn_WHS_contract0123456789abcdef"


class FakeWave(ProviderFake):
    name = "wave"
    base_url = "https://wave.test"
    env = {"WAVE_API_KEY": API_KEY, "WAVE_WEBHOOK_SECRET": SECRET, "WAVE_BASE_URL": base_url}
    refunds = "full"
    refusal_code = "request-validation-error"
    refund_refusal_code = "checkout-refund-failed"

    def __init__(self, router: respx.MockRouter) -> None:
        super().__init__(router)
        self.sessions: dict[str, dict[str, Any]] = {}
        self.refunded: set[str] = set()
        sessions = r"^/v1/checkout/sessions/(?P<sid>cos-\w+)"
        router.post("/v1/checkout/sessions").mock(side_effect=self._create)
        router.get("/v1/checkout/sessions/search").mock(side_effect=self._search)
        router.get(path__regex=sessions + "$").mock(side_effect=self._get)
        router.post(path__regex=sessions + "/refund$").mock(side_effect=self._refund)

    def _denied(self, request: httpx.Request) -> httpx.Response | None:
        if request.headers.get("Authorization") != f"Bearer {API_KEY}":
            return httpx.Response(401, json={"code": "no-matching-api-key"})
        return None

    def _create(self, request: httpx.Request) -> httpx.Response:
        self.calls["start"] += 1
        if denied := self._denied(request):
            return denied
        body = json.loads(request.content)
        if self.start_mode == "refuse":
            return httpx.Response(400, json={"code": self.refusal_code, "message": "bad"})
        sid = f"cos-{len(self.sessions) + 1:04d}"
        self.sessions[sid] = {
            "id": sid,
            "amount": body["amount"],
            "currency": body["currency"],
            "checkout_status": "open",
            "payment_status": "processing",
            "client_reference": body["client_reference"],
            "last_payment_error": None,
            "wave_launch_url": f"https://pay.wave.com/c/{sid}",
            "when_created": "2026-11-24T10:00:00Z",
        }
        if self.start_mode == "timeout":
            self.start_mode = "ok"
            return self.timeout(request)
        return httpx.Response(200, json=self.sessions[sid])

    def _search(self, request: httpx.Request) -> httpx.Response:
        reference = request.url.params["client_reference"]
        found = [s for s in self.sessions.values() if s["client_reference"] == reference]
        return httpx.Response(200, json={"result": found})

    def _get(self, request: httpx.Request, sid: str) -> httpx.Response:
        if self.status_down:
            return httpx.Response(503, json={"code": "service-unavailable"})
        if sid not in self.sessions:
            return httpx.Response(404, json={"code": "checkout-session-not-found"})
        return httpx.Response(200, json=self.sessions[sid])

    def _refund(self, request: httpx.Request, sid: str) -> httpx.Response:
        self.calls["refund"] += 1
        if denied := self._denied(request):
            return denied
        if self.refund_mode == "timeout":
            return self.timeout(request)
        session = self.sessions.get(sid)
        paid = session and session["checkout_status"] == "complete"
        if self.refund_mode == "refuse" or not paid or sid in self.refunded:
            return httpx.Response(400, json={"code": "checkout-refund-failed", "message": "no"})
        self.refunded.add(sid)
        return httpx.Response(200)

    def _session_of(self, payment: dict[str, Any]) -> dict[str, Any]:
        return next(s for s in self.sessions.values() if s["client_reference"] == payment["id"])

    def settle(self, payment: dict[str, Any], amount: int | None = None) -> None:
        self._session_of(payment).update(
            checkout_status="complete",
            payment_status="succeeded",
            amount=str(amount or payment["amount"]),
            transaction_id="TRG7XHH6UNR2SOACI",
        )

    def callback(self, payment: dict[str, Any]) -> Callback:
        session = self._session_of(payment)
        event = {"id": f"AE_{session['id']}", "type": "checkout.session.completed"}
        body = json.dumps({**event, "data": session}).encode()
        return Callback("/payment/webhook/wave/", body, {"Wave-Signature": _signature(body)})

    def forged_callback(self, payment: dict[str, Any]) -> Callback:
        real = self.callback(payment)
        forged = _signature(real.body, secret="wave_sn_WHS_not-the-portal-secret")
        return Callback(real.path, real.body, {"Wave-Signature": forged})


def _signature(body: bytes, secret: str = SECRET) -> str:
    """HMAC-SHA256 over the timestamp immediately followed by the raw body (3.4)."""
    t = str(int(time.time()))
    digest = hmac.new(secret.encode(), t.encode() + body, hashlib.sha256).hexdigest()
    return f"t={t},v1={digest}"
