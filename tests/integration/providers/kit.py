"""The shared kit of the provider tests: one app per provider, configured from its fake's
variables and answered by the fake's respx routes; a store; a started payment; the calls a
storefront makes; and the shape every provider's fake has (`ProviderFake`).

Fakes are written from reference/providers.md, never with the service's own code: each
keeps the provider's state (transactions, refunds) and can be told to misbehave the
documented ways (a lost answer, a refusal, an outage)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx
import respx
from tests.integration.conftest import StoreKeys
from tests.integration.provider_app import order_and_payment, payment_state


@dataclass(frozen=True)
class Callback:
    """A callback as the provider would send it to the service."""

    path: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    method: str = "POST"


class ProviderFake:
    """What the contract test asks of every provider's fake.

    Modes (set by a test before the call): `start_mode` `ok` | `timeout` (the request is
    lost, once) | `refuse` (a 4xx); `status_down` (status queries answer 5xx);
    `refund_mode` `ok` | `refuse` | `timeout` (every refund request times out)."""

    name: str
    base_url: str
    env: dict[str, str]
    phone: str | None = None
    #: `full`, `partial` or `manual`, as the adapter must declare it
    refunds: str
    #: the payment's `failure_code` when the provider refuses a start with a 4xx
    refusal_code: str
    #: the refund's `failure_code` when the provider refuses a refund
    refund_refusal_code: str = ""

    def __init__(self, router: respx.MockRouter) -> None:
        self.router = router
        self.start_mode = "ok"
        self.status_down = False
        self.refund_mode = "ok"
        self.calls: Counter[str] = Counter()

    def settle(self, payment: dict[str, Any], amount: int | None = None) -> None:
        """The customer paid (`amount` XOF, default: the payment's)."""
        raise NotImplementedError

    def callback(self, payment: dict[str, Any]) -> Callback:
        """The provider's authenticated callback announcing the payment's outcome."""
        raise NotImplementedError

    def forged_callback(self, payment: dict[str, Any]) -> Callback:
        """The same callback with authentication that is not the provider's."""
        raise NotImplementedError

    def settle_refunds(self) -> None:
        """Every refund the provider accepted is now done."""

    def timeout(self, request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("the answer was lost", request=request)


@dataclass
class Kit:
    client: Any
    store: StoreKeys
    fake: ProviderFake

    @property
    def container(self) -> Any:
        return self.client.app.state.container

    async def start(self) -> dict[str, Any]:
        """A payment of 5,000 XOF started with the fake's provider (201 expected)."""
        _, response = await order_and_payment(
            self.client, self.store, self.fake.name, phone=self.fake.phone
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    async def paid(self, amount: int | None = None) -> dict[str, Any]:
        """A started payment the provider then confirmed (verified through the API)."""
        payment = await self.start()
        self.fake.settle(payment, amount)
        verified = await self.verify(payment["id"])
        assert verified.status_code == 200, verified.text
        body: dict[str, Any] = verified.json()
        return body

    async def verify(self, payment_id: str) -> Any:
        return await self.client.post(
            f"/api/v1/payments/{payment_id}/verify", headers=self.store.headers
        )

    async def state(self, payment_id: str) -> dict[str, Any]:
        return await payment_state(self.client, self.store, payment_id)

    async def deliver(self, callback: Callback) -> Any:
        return await self.client.request(
            callback.method, callback.path, content=callback.body, headers=callback.headers
        )

    async def refund(self, payment_id: str, **body: Any) -> Any:
        return await self.client.post(
            f"/api/v1/payments/{payment_id}/refunds", json=body, headers=self.store.headers
        )

    async def verify_refund(self, refund_id: str) -> dict[str, Any]:
        response = await self.client.post(
            f"/api/v1/refunds/{refund_id}/verify", headers=self.store.headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body
