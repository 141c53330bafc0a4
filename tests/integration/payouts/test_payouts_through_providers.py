"""A vendor is paid out over HTTP through each real provider, answered by respx routes
written from the payouts reference: the store's sales (on the sandbox) make its balance, an
approved MTN / Wave / Moov destination, a payout through that provider's gateway, confirmed
by the provider; Wave's fee comes back as `provider_fee`; a refusal gives the money back."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
import respx
from litestar.testing import AsyncTestClient
from psycopg_pool import AsyncConnectionPool
from tests.integration.conftest import ADMIN, StoreKeys, create_store
from tests.integration.payouts import fake_moov_payouts, fake_mtn_disbursement, fake_wave_payouts
from tests.integration.payouts.test_mtn_payouts import ENV as MTN_ENV
from tests.integration.payouts.test_wave_payouts import ENV as WAVE_ENV
from tests.integration.provider_app import provider_app
from tests.integration.refunds.helpers import succeeded_payment

from adapters.postgres.clearing import PostgresClearingBalances
from domain.money import Money
from entrypoints.settings import Settings

PHONE = "+2250700000001"
ENV = {**MTN_ENV, **WAVE_ENV, **fake_moov_payouts.ENV}


@pytest.fixture(scope="module")
async def app(settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    async with provider_app(settings, ENV) as client:
        yield client


@pytest.fixture
def fakes() -> Iterator[dict[str, Any]]:
    """The three providers' fakes on one router (the app's clients use their own hosts),
    answering at the provider clients' own transport."""
    with respx.mock(using="stream", assert_all_called=False) as router:
        yield {
            "mtn_momo": fake_mtn_disbursement.FakeMtnDisbursement(router, "mtn.test"),
            "wave": fake_wave_payouts.FakeWavePayouts(router, "wave.test"),
            "moov_money": fake_moov_payouts.FakeMoovPayouts(router, "moov.test"),
        }


async def funded_store(app: Any, pool: AsyncConnectionPool[Any], amount: int) -> StoreKeys:
    store = await create_store(app)
    await succeeded_payment(app, store, pool, amount=amount)
    return store


async def destination(app: Any, store: StoreKeys, provider: str) -> str:
    added = await app.post(
        "/api/v1/payout-destinations",
        json={"provider": provider, "phone": PHONE, "name": "Awa"},
        headers=store.headers,
    )
    assert added.status_code == 201, added.text
    approved = await app.post(
        f"/api/v1/admin/payout-destinations/{added.json()['id']}/approve", headers=ADMIN
    )
    assert approved.status_code == 200, approved.text
    destination_id: str = added.json()["id"]
    return destination_id


async def payout(app: Any, store: StoreKeys, destination_id: str, amount: int) -> dict[str, Any]:
    made = await app.post(
        "/api/v1/payouts",
        json={"amount": amount, "currency": "XOF", "destination_id": destination_id},
        headers=store.headers,
    )
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body


async def verify(app: Any, store: StoreKeys, payout_id: str) -> dict[str, Any]:
    verified = await app.post(f"/api/v1/payouts/{payout_id}/verify", headers=store.headers)
    assert verified.status_code == 200, verified.text
    body: dict[str, Any] = verified.json()
    return body


async def available(app: Any, store: StoreKeys) -> int:
    lines = (await app.get("/api/v1/balance", headers=store.headers)).json()["balances"]
    return sum(line["available"] for line in lines)


async def test_mtn_pays_out_by_disbursement_transfer(
    app: Any, fakes: dict[str, Any], pool: AsyncConnectionPool[Any], clean_db: None
) -> None:
    mtn = fakes["mtn_momo"]
    store = await funded_store(app, pool, 10_000)
    paid = await payout(app, store, await destination(app, store, "mtn_momo"), 4_000)
    assert (paid["status"], paid["provider"]) == ("pending", "mtn_momo")
    (request,) = mtn.requests
    assert request.headers["X-Reference-Id"] == paid["provider_reference"]
    body = json.loads(request.content)
    assert (body["amount"], body["externalId"]) == ("4000", paid["id"])
    assert body["payee"] == {"partyIdType": "MSISDN", "partyId": PHONE.lstrip("+")}
    mtn.settle()
    assert (await verify(app, store, paid["id"]))["status"] == "succeeded"
    assert await available(app, store) == 6_000


async def test_wave_pays_out_at_once_and_reports_its_fee(
    app: Any, fakes: dict[str, Any], pool: AsyncConnectionPool[Any], clean_db: None
) -> None:
    store = await funded_store(app, pool, 10_000)
    paid = await payout(app, store, await destination(app, store, "wave"), 5_000)
    assert (paid["status"], paid["provider_fee"]) == ("succeeded", 50)
    assert paid["provider_reference"].startswith("pt-")
    (request,) = fakes["wave"].requests
    assert json.loads(request.content)["client_reference"] == paid["id"]
    assert await available(app, store) == 5_000  # the vendor pays the amount, not Wave's fee
    ledger = PostgresClearingBalances(pool)  # booked on the account that paid: the default
    assert await ledger.clearing_balances() == {
        ("sandbox", None): [Money.of(10_000, "XOF")],
        ("wave", None): [Money.of(-5_050, "XOF")],
    }
    assert await ledger.provider_fees() == {("wave", None): [Money.of(50, "XOF")]}


async def test_moov_pays_out_by_transfer_flooz(
    app: Any, fakes: dict[str, Any], pool: AsyncConnectionPool[Any], clean_db: None
) -> None:
    store = await funded_store(app, pool, 10_000)
    paid = await payout(app, store, await destination(app, store, "moov_money"), 3_000)
    assert paid["status"] == "succeeded"
    (call,) = fakes["moov_money"].calls
    assert (call["operation"], call["amount"], call["extendeddata"]) == (
        "transferFlooz", "3000", paid["id"],
    )  # fmt: skip


async def test_a_provider_refusal_fails_the_payout_and_gives_the_money_back(
    app: Any, fakes: dict[str, Any], pool: AsyncConnectionPool[Any], clean_db: None
) -> None:
    fakes["wave"].mode = "recipient-account-blocked"
    store = await funded_store(app, pool, 10_000)
    paid = await payout(app, store, await destination(app, store, "wave"), 5_000)
    assert (paid["status"], paid["failure_code"]) == ("failed", "recipient-account-blocked")
    assert await available(app, store) == 10_000


async def test_an_unknown_outcome_stays_pending_with_the_money_held(
    app: Any, fakes: dict[str, Any], pool: AsyncConnectionPool[Any], clean_db: None
) -> None:
    fakes["mtn_momo"].transfer_mode = "down"
    store = await funded_store(app, pool, 10_000)
    paid = await payout(app, store, await destination(app, store, "mtn_momo"), 4_000)
    assert (paid["status"], paid["failure_code"]) == ("pending", None)
    assert await available(app, store) == 6_000
