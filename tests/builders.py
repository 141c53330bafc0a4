"""Domain objects for tests, with sensible defaults, and deterministic id generators."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime

from domain.money import Money
from domain.order import Customer, Order, OrderItem
from domain.payment import Payment
from domain.store import Store

NOW = datetime(2025, 1, 15, 10, 0, tzinfo=UTC)


class SequentialIds:
    """`ord_000001`, `ord_000002`, ...: ids that sort in creation order, like real ones."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def new(self, prefix: str) -> str:
        return f"{prefix}_{next(self._counter):012d}"


class CountdownIds:
    """Ids that sort in the reverse of their creation order."""

    def __init__(self) -> None:
        self._counter = itertools.count(10**9, -1)

    def new(self, prefix: str) -> str:
        return f"{prefix}_{next(self._counter):012d}"


_ids = SequentialIds()


def make_store(*, id: str | None = None, name: str = "Boutique Awa") -> Store:
    store_id = id or _ids.new("sto")
    return Store(
        id=store_id,
        name=name,
        api_key_hash=f"hash-{store_id}",
        api_key_prefix="sk_test_abc",
        webhook_secret="whsec_test",
        created_at=NOW,
        notification_url="https://shop.example/notify",
    )


def make_order(
    store: Store, *, reference: str = "CMD-1", amount: int = 5000, currency: str = "XOF"
) -> Order:
    return Order.create(
        id=_ids.new("ord"),
        store_id=store.id,
        reference=reference,
        amount=Money.of(amount, currency),
        at=NOW,
    )


def make_detailed_order(store: Store) -> Order:
    """An order with every optional field filled."""
    return Order.create(
        id=_ids.new("ord"),
        store_id=store.id,
        reference="CMD-42",
        amount=Money.of(7500, "XOF"),
        at=NOW,
        description="Tissu wax et sandales",
        customer=Customer(name="Awa Diop", phone="+221771234567", email=None),
        items=(OrderItem("Tissu wax", 2, 2500), OrderItem("Sandales", 1, 2500)),
        metadata={"cart": "c-981", "channel": "whatsapp"},
        country="SN",
    )


def make_payment(order: Order, *, provider: str = "wave", phone: str | None = None) -> Payment:
    return Payment.create(
        id=_ids.new("pay"),
        order_id=order.id,
        store_id=order.store_id,
        provider=provider,
        amount=order.amount,
        at=NOW,
        phone=phone,
    )
