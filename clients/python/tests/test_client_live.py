"""Every call of the client against a real service process (sandbox, embedded PostgreSQL)."""

from __future__ import annotations

import http.server
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from entrypoints.local_service import LocalService
from payments_client import (
    AsyncPaymentsClient,
    InvalidPhone,
    InvalidTransition,
    NotFound,
    NotSettled,
    Order,
    PaymentInProgress,
    PaymentsClient,
    PhoneRequired,
    ProviderNotAvailable,
    Unauthorized,
    ValidationFailed,
    verify_notification,
)

PENDING = "+2250700000003"  # the sandbox never settles it
SUCCEEDS = "+2250700000001"  # succeeds after about 2 s, webhook and all


def new_order(client: PaymentsClient, reference: str = "CMD-1", **extra: Any) -> Order:
    return client.orders.create(reference=reference, amount=5000, currency="XOF", **extra)


def test_orders(client: PaymentsClient) -> None:
    order = new_order(client, customer_reference="cus_awa", return_url="https://shop.test/o/1")
    assert order.id.startswith("ord_") and order.status == "pending_payment"
    assert order.checkout_url and order.customer_reference == "cus_awa"
    assert client.orders.get(order.id) == order
    others = [new_order(client, f"CMD-{n}") for n in range(2, 5)]
    listed = [o.id for o in client.orders.list(page_size=2)]  # two pages and a half
    assert listed == [o.id for o in reversed([order, *others])]
    assert [o.id for o in client.orders.list(customer_reference="cus_awa")] == [order.id]
    assert [o.id for o in client.orders.list(reference="CMD-3")] == [others[1].id]
    cancelled = client.orders.cancel(others[0].id)
    assert cancelled.status == "cancelled"
    with pytest.raises(InvalidTransition):
        client.orders.cancel(others[0].id)


def test_a_creating_call_replays_with_its_key(client: PaymentsClient) -> None:
    first = new_order(client, idempotency_key="order-CMD-1")
    again = new_order(client, idempotency_key="order-CMD-1")
    assert again.id == first.id
    assert new_order(client).id != first.id


def test_payments(client: PaymentsClient) -> None:
    order = new_order(client, customer_reference="cus_awa")
    payment = client.payments.create(order.id, provider="sandbox", phone=PENDING)
    assert payment.status == "pending" and payment.amount == 5000
    assert client.payments.get(payment.id).id == payment.id
    with pytest.raises(PaymentInProgress):
        client.payments.create(order.id, provider="sandbox", phone=PENDING)
    assert [p.id for p in client.payments.list(customer_reference="cus_awa")] == [payment.id]
    assert [p.id for p in client.payments.list(order_id=order.id, status="pending")] == [payment.id]
    assert client.payments.verify(payment.id).status == "pending"
    history = client.payments.events(payment.id)
    assert [e.type for e in history][:2] == ["payment.created", "payment.pending"]
    assert client.orders.get(order.id).payments[0].id == payment.id


def test_errors_carry_the_problem(client: PaymentsClient, service: LocalService) -> None:
    order = new_order(client)
    with pytest.raises(InvalidPhone) as raised:
        client.payments.create(order.id, provider="sandbox", phone="12345678")
    assert raised.value.status == 422 and raised.value.request_id
    with pytest.raises(ProviderNotAvailable):
        client.payments.create(order.id, provider="wave")
    with pytest.raises(NotFound):
        client.orders.get("ord_nope")
    with pytest.raises(ValidationFailed) as invalid:
        client.orders.create(reference="CMD-9", amount=0, currency="XOF")
    assert invalid.value.errors
    with PaymentsClient("sk_wrong", service.url) as stranger, pytest.raises(Unauthorized):
        stranger.orders.get(order.id)
    assert PhoneRequired.code == "phone_required"


def test_stats_and_events(client: PaymentsClient) -> None:
    order = new_order(client)
    client.orders.cancel(order.id)
    stats = client.stats.get()
    assert stats.orders.by_status.get("cancelled") == 1 and stats.start < stats.end
    events = list(client.events.list(page_size=1))
    assert [e.type for e in events] == ["order.cancelled"]
    assert isinstance(events[0].data.object, Order) and events[0].delivery is not None
    assert client.events.redeliver(events[0].id).state == "pending"


def test_wait_until_settled_refunds_and_limits(client: PaymentsClient) -> None:
    """The calls a script needs: a payment waited for until settled, its refund verified
    and followed, lists cut at `limit`, the providers' health."""
    order = new_order(client)
    payment = client.payments.create(order.id, provider="sandbox", phone=SUCCEEDS)
    settled = client.payments.wait_until_settled(payment.id, timeout=30)
    assert settled.status == "succeeded"
    refund = client.refunds.create(payment.id, amount=1000)
    assert [r.id for r in client.refunds.for_payment(payment.id)] == [refund.id]
    assert client.refunds.verify(refund.id).id == refund.id
    assert [e.type for e in client.refunds.events(refund.id)][0] == "refund.created"
    for n in range(3):
        new_order(client, f"CMD-L{n}")
    assert len(list(client.orders.list(limit=2))) == 2
    assert len(list(client.orders.list(limit=3, page_size=1))) == 3
    assert len(list(client.payments.list(limit=1))) == 1
    assert "sandbox" in {p.provider for p in client.providers.list()}
    stuck = client.payments.create(new_order(client, "CMD-W").id, provider="sandbox", phone=PENDING)
    with pytest.raises(NotSettled) as waited:
        client.payments.wait_until_settled(stuck.id, timeout=1, interval=0.2)
    assert waited.value.payment.status == "pending"


async def test_the_async_client_waits_too(aclient: AsyncPaymentsClient) -> None:
    order = await aclient.orders.create(reference="CMD-A1", amount=5000, currency="XOF")
    payment = await aclient.payments.create(order.id, provider="sandbox", phone=SUCCEEDS)
    settled = await aclient.payments.wait_until_settled(payment.id, timeout=30)
    assert settled.status == "succeeded"
    listed = [o.id async for o in aclient.orders.list(limit=1)]
    assert listed == [order.id]
    assert "sandbox" in {p.provider for p in await aclient.providers.list()}


def test_stores(admin: PaymentsClient) -> None:
    created = admin.stores.create(name="Chez Koffi", notification_url="https://koffi.test/n")
    assert created.api_key and created.webhook_secret.startswith("whsec_")
    assert created.id in {s.id for s in admin.stores.list(page_size=2)}
    assert admin.stores.get(created.id).id == created.id
    rotated = admin.stores.rotate_key(created.id)
    assert rotated.api_key != created.api_key


class Receiver(http.server.BaseHTTPRequestHandler):
    deliveries: list[tuple[bytes, dict[str, str]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.deliveries.append((body, dict(self.headers.items())))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    Receiver.deliveries = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/notifications/"
    server.shutdown()


def test_a_real_notification_is_verified(service: LocalService, receiver: str) -> None:
    store = service.create_store("Boutique notifiée", notification_url=receiver)
    with PaymentsClient(store["api_key"], service.url) as client:
        order = new_order(client)
        client.payments.create(order.id, provider="sandbox", phone=SUCCEEDS)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        events = [
            verify_notification(b, h, store["webhook_secret"]) for b, h in Receiver.deliveries
        ]
        paid = [e for e in events if e.type == "order.paid"]
        if paid:
            break
        time.sleep(0.3)
    assert paid, [e.type for e in events]
    assert isinstance(paid[0].data.object, Order) and paid[0].data.object.id == order.id
    assert paid[0].data.object.status == "paid"


async def test_the_async_client(aclient: AsyncPaymentsClient, service: LocalService) -> None:
    order = await aclient.orders.create(
        reference="CMD-A", amount=7500, currency="XOF", customer_reference="cus_a"
    )
    assert (await aclient.orders.get(order.id)).amount == 7500
    payment = await aclient.payments.create(order.id, provider="sandbox", phone=PENDING)
    assert (await aclient.payments.get(payment.id)).status == "pending"
    assert (await aclient.payments.verify(payment.id)).id == payment.id
    assert [e.type for e in await aclient.payments.events(payment.id)][0] == "payment.created"
    assert [p.id async for p in aclient.payments.list(customer_reference="cus_a")] == [payment.id]
    assert [o.id async for o in aclient.orders.list(customer_reference="cus_a")] == [order.id]
    other = await aclient.orders.create(reference="CMD-B", amount=100, currency="XOF")
    assert (await aclient.orders.cancel(other.id)).status == "cancelled"
    assert [e.type async for e in aclient.events.list()][0] == "order.cancelled"
    assert (await aclient.stats.get()).orders.by_status["pending_payment"] == 1
    first = [e async for e in aclient.events.list()][0]
    assert (await aclient.events.redeliver(first.id)).id == first.id
    async with AsyncPaymentsClient(service.admin_token, service.url) as admin:
        store = await admin.stores.create(name="Chez Fatou")
        assert store.id in [s.id async for s in admin.stores.list()]
        assert (await admin.stores.rotate_key(store.id)).api_key != store.api_key
