"""The public API calls `payments trigger` drives the sandbox with, printing each step.

Rules: every call goes through the store's API exactly as a storefront's would (no database,
no shortcut); a refusal stops the scenario with the service's problem code; waiting for an
outcome polls the object until it is final, at most `WAIT_SECONDS`."""

from __future__ import annotations

import secrets
import time
from typing import IO, Any

import httpx

from entrypoints.developer.connection import problem

WAIT_SECONDS = 30.0
POLL_SECONDS = 0.5
#: A Côte d'Ivoire number without its last two digits, which choose the sandbox's outcome.
PHONE_PREFIX = "+22507000000"


class StepRefused(Exception):
    """The service refused a step; the message is the step and the problem."""


class SandboxCalls:
    def __init__(self, client: httpx.Client, out: IO[str]) -> None:
        self._client, self._out = client, out

    def say(self, text: str) -> None:
        print(text, file=self._out, flush=True)

    def create_order(self, event: str, amount: int = 5000) -> dict[str, Any]:
        reference = f"trigger-{secrets.token_hex(4)}"
        body = {
            "reference": reference,
            "amount": amount,
            "currency": "XOF",
            "description": f"payments trigger {event}",
        }
        order = self._post("create an order", "/api/v1/orders", body)
        self.say(f"order {order['id']} created ({amount} XOF, reference {reference})")
        return order

    def cancel_order(self, order: dict[str, Any]) -> dict[str, Any]:
        cancelled = self._post("cancel the order", f"/api/v1/orders/{order['id']}/cancel", None)
        self.say(f"order {order['id']} {cancelled['status']}")
        return cancelled

    def start_payment(self, order: dict[str, Any], ending: str, what: str) -> dict[str, Any]:
        phone = PHONE_PREFIX + ending
        body = {"provider": "sandbox", "phone": phone}
        payment = self._post(
            "start a sandbox payment", f"/api/v1/orders/{order['id']}/payments", body
        )
        self.say(
            f"payment {payment['id']} started with the sandbox, phone ending {ending} ({what})"
        )
        return payment

    def refund(self, payment: dict[str, Any], amount: int, what: str) -> dict[str, Any]:
        path = f"/api/v1/payments/{payment['id']}/refunds"
        refund = self._post("refund the payment", path, {"amount": amount, "reason": "trigger"})
        self.say(f"refund {refund['id']} of {amount} {refund['currency']} asked ({what})")
        return refund

    def wait(self, kind: str, obj: dict[str, Any], final: frozenset[str]) -> dict[str, Any]:
        """The object once its status is one of `final`; raises `StepRefused` after the wait."""
        deadline = time.monotonic() + WAIT_SECONDS
        current = obj
        while current["status"] not in final:
            if time.monotonic() > deadline:
                raise StepRefused(
                    f"{kind} {obj['id']} is still {current['status']} after {WAIT_SECONDS:.0f} s"
                )
            time.sleep(POLL_SECONDS)
            current = self._get(f"/api/v1/{kind}s/{obj['id']}")
        self.say(f"{kind} {obj['id']} {current['status']}")
        return current

    def _post(self, step: str, path: str, body: dict[str, Any] | None) -> dict[str, Any]:
        response = self._client.post(path, json=body)
        if response.status_code >= 300:
            raise StepRefused(f"{step}: {problem(response)}")
        answer: dict[str, Any] = response.json()
        return answer

    def _get(self, path: str) -> dict[str, Any]:
        response = self._client.get(path)
        if response.status_code >= 300:
            raise StepRefused(f"read {path}: {problem(response)}")
        answer: dict[str, Any] = response.json()
        return answer
