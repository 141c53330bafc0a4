"""The fakes behave like the adapters where a use case could notice (mypy checks that each
fake is its port: see `test_the_fakes_are_the_ports`)."""

from datetime import timedelta

import pytest
from tests.fakes import (
    ConcurrentUpdate,
    FakeClock,
    FakeCredentials,
    FakePhoneNormalizer,
    FakeProvider,
    FakeRegistry,
    FakeWebhookAuthenticator,
    InMemoryUnitOfWorkFactory,
    RecordingPaymentLog,
    SequentialIds,
)

from application.errors import ProviderNotAvailable, ProviderUnavailable, WebhookRejected
from application.payments.ports import (
    PaymentFilter,
    PhoneNormalizer,
    ProviderRegistry,
    WebhookAuthenticator,
)
from application.shared.ports import Clock, IdGenerator, PageRequest, PaymentLog, StoredResponse
from application.stores.ports import Credentials
from application.unit_of_work import UnitOfWorkFactory
from domain.errors import InvalidPhone
from domain.events import Source
from domain.money import Currency, Money
from domain.order import Order
from domain.payment import Payment
from domain.provider_report import ProviderReport, ReportedStatus

CLOCK = FakeClock()


def an_order(order_id: str = "ord_0001") -> Order:
    amount = Money(5000, Currency.XOF)
    return Order.create(
        id=order_id, store_id="str_1", reference="R1", amount=amount, at=CLOCK.now()
    )


def a_payment(payment_id: str, store_id: str = "str_1") -> Payment:
    return Payment.create(
        id=payment_id,
        order_id="ord_0001",
        store_id=store_id,
        provider="wave",
        amount=Money(5000, Currency.XOF),
        at=CLOCK.now(),
    )


def test_the_fakes_are_the_ports() -> None:
    clock: Clock = FakeClock()
    ids: IdGenerator = SequentialIds()
    credentials: Credentials = FakeCredentials()
    phones: PhoneNormalizer = FakePhoneNormalizer()
    log: PaymentLog = RecordingPaymentLog()
    uow: UnitOfWorkFactory = InMemoryUnitOfWorkFactory()
    registry: ProviderRegistry = FakeRegistry(FakeProvider("wave"))
    authenticator: WebhookAuthenticator = FakeWebhookAuthenticator()
    assert [ids.new("pay"), ids.new("pay"), ids.new("ord")] == ["pay_0001", "pay_0002", "ord_0001"]
    assert all((clock, credentials, phones, log, uow, registry, authenticator))


async def test_leaving_without_commit_rolls_back() -> None:
    uow = InMemoryUnitOfWorkFactory()
    async with uow() as tx:
        await tx.orders.add(an_order("ord_0001"))
    with pytest.raises(RuntimeError):
        async with uow() as tx:
            await tx.orders.add(an_order("ord_0002"))
            await tx.commit()
            await tx.orders.add(an_order("ord_0003"))
            raise RuntimeError("boom")

    async with uow() as tx:
        found = [await tx.orders.get("str_1", f"ord_000{n}") for n in (1, 2, 3)]
    assert [order.id if order else None for order in found] == [None, "ord_0002", None]


async def test_an_unsaved_change_is_lost_and_events_get_ids() -> None:
    uow = InMemoryUnitOfWorkFactory()
    payment = a_payment("pay_0001")
    async with uow() as tx:
        await tx.payments.add(payment)
        loaded = await tx.payments.get("pay_0001")
        assert loaded is not None
        loaded.mark_pending(CLOCK.advance(seconds=5), Source.API)  # never saved
        await tx.commit()
    assert payment.events == []

    async with uow() as tx:
        stored = await tx.payments.get("pay_0001")
        history = await tx.payments.history("pay_0001")
        assert await tx.payments.get_for_store("another_store", "pay_0001") is None
    assert stored is not None and stored.status == "created" and stored.events == []
    assert [(e.id, e.event.type) for e in history] == [("evt_000001", "payment.created")]


async def test_saving_a_stale_copy_raises() -> None:
    uow = InMemoryUnitOfWorkFactory()
    async with uow() as tx:
        await tx.payments.add(a_payment("pay_0001"))
        first, second = await tx.payments.get("pay_0001"), await tx.payments.get("pay_0001")
        assert first is not None and second is not None
        first.mark_pending(CLOCK.now(), Source.API)
        await tx.payments.save(first)
        second.mark_failed(CLOCK.now(), Source.API, code="declined")

        with pytest.raises(ConcurrentUpdate):
            await tx.payments.save(second)
    assert first.version == 1


async def test_a_lost_update_between_two_transactions_raises() -> None:
    uow = InMemoryUnitOfWorkFactory()
    async with uow() as tx:
        await tx.payments.add(a_payment("pay_0001"))
        await tx.commit()
    async with uow() as slow, uow() as fast:
        stale = await slow.payments.get("pay_0001")
        fresh = await fast.payments.get("pay_0001")
        assert stale is not None and fresh is not None
        fresh.mark_pending(CLOCK.now(), Source.WEBHOOK)
        await fast.payments.save(fresh)
        await fast.commit()

        stale.mark_failed(CLOCK.now(), Source.API, code="declined")
        with pytest.raises(ConcurrentUpdate):
            await slow.payments.save(stale)


async def test_search_pages_newest_first() -> None:
    uow = InMemoryUnitOfWorkFactory()
    async with uow() as tx:
        for n in range(1, 6):
            await tx.payments.add(a_payment(f"pay_000{n}"))
        await tx.payments.add(a_payment("pay_0009", store_id="str_2"))
        await tx.commit()
        first = await tx.payments.search("str_1", PaymentFilter(), PageRequest(limit=2))
        last = await tx.payments.search("str_1", PaymentFilter(), PageRequest(2, "pay_0002"))

    assert [p.id for p in first.data] == ["pay_0005", "pay_0004"]
    assert (first.has_more, first.next_cursor) == (True, "pay_0004")
    assert ([p.id for p in last.data], last.has_more) == (["pay_0001"], False)


async def test_idempotency_keys_and_webhook_deliveries_are_claimed_once() -> None:
    uow, auth = InMemoryUnitOfWorkFactory(), FakeWebhookAuthenticator("wave")
    delivery = await auth.authenticate(*auth.signed("e1", "pay_0001"), {})
    async with uow() as tx:
        assert await tx.idempotency.claim("str_1", "k", "h", CLOCK.now()) is None
        await tx.idempotency.complete("str_1", "k", StoredResponse(201, b"{}"))
        again = await tx.idempotency.claim("str_1", "k", "h", CLOCK.now())
        later = await tx.idempotency.claim("str_1", "k", "h2", CLOCK.now() + timedelta(days=1))
        assert await tx.webhooks.record(delivery, CLOCK.now()) is not None
        assert await tx.webhooks.record(delivery, CLOCK.now()) is None
    assert again is not None and again.response == StoredResponse(201, b"{}")
    assert later is None
    with pytest.raises(WebhookRejected):
        await auth.authenticate(b"{}", {"X-Signature": "forged"}, {})


async def test_the_provider_answers_in_order_and_the_last_answer_repeats() -> None:
    provider = FakeProvider("wave")
    payment = a_payment("pay_0001")
    succeeded = ProviderReport(ReportedStatus.SUCCEEDED)
    with pytest.raises(ProviderUnavailable):
        await provider.fetch_status(payment)
    provider.queue(ProviderUnavailable("down"), succeeded)

    with pytest.raises(ProviderUnavailable):
        await provider.fetch_status(payment)
    assert [await provider.fetch_status(payment) for _ in range(2)] == [succeeded, succeeded]
    assert provider.fetch_calls == 4
    with pytest.raises(ProviderNotAvailable):
        FakeRegistry(provider).get("orange")


@pytest.mark.parametrize("raw", ["0700000001", "+1234567", "+1234567890123456", "+225 07x"])
def test_the_phone_normalizer_wants_an_international_number(raw: str) -> None:
    assert FakePhoneNormalizer().normalize("+225 07 00 00 00 01", "CI") == "+2250700000001"
    with pytest.raises(InvalidPhone):
        FakePhoneNormalizer().normalize(raw, "CI")
