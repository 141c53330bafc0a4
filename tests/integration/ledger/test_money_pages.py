"""The money pages through the in-process app: the vendor's balance (entries with their
running balance, CSV), payout numbers and payouts; the desk's payouts page (approving a
number, an adjustment). The browser test drives the same pages in Chromium."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from psycopg_pool import AsyncConnectionPool
from tests.integration.conftest import SANDBOX_ADMIN_TOKEN, StoreKeys
from tests.integration.refunds.helpers import succeeded_payment
from tests.integration.test_pages import csrf_of, sign_in


@pytest.fixture
async def pages(client: Any) -> AsyncIterator[Any]:
    client.cookies.clear()
    yield client
    client.cookies.clear()


async def post_form(client: Any, page_path: str, path: str, **fields: str) -> Any:
    page = await client.get(page_path)
    return await client.post(path, data={**fields, "_csrf_token": csrf_of(page)},
                             follow_redirects=False)  # fmt: skip


async def test_a_vendor_sees_the_balance_adds_a_number_and_is_paid(
    pages: Any, store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    await succeeded_payment(pages, store, pool, amount=10000)
    await sign_in(pages, store)
    balance = await pages.get("/store/balance/")
    assert balance.status_code == 200
    assert "10 000 FCFA" in balance.text and "Vente" in balance.text
    assert ">entry_" not in balance.text  # every type in the filter is named, none left raw
    csv = await pages.get("/store/balance/entries.csv")
    assert csv.text.splitlines()[0].startswith("id,created_at,type,amount")

    added = await post_form(pages, "/store/payouts/", "/store/payout-destinations/",
                            provider="sandbox", phone="+2250700000001", name="Awa")  # fmt: skip
    assert added.headers["location"] == "/store/payouts/?done=destination"
    refused = await post_form(pages, "/store/payouts/", "/store/payout-destinations/",
                              provider="orange_money", phone="+2250700000001")  # fmt: skip
    assert refused.headers["location"] == "/store/payouts/?error=payouts_not_supported"
    page = await pages.get("/store/payouts/")
    assert 'data-status="pending"' in page.text and 'id="send-payout"' not in page.text

    pages.cookies.clear()  # the operator approves it from the desk
    login = await pages.get("/admin/login/")
    await pages.post("/admin/login/", data={"token": SANDBOX_ADMIN_TOKEN,
                     "_csrf_token": csrf_of(login)}, follow_redirects=False)  # fmt: skip
    desk = await pages.get("/admin/payouts/")
    assert 'id="waiting-destinations"' in desk.text
    [destination_id] = [line.split('"')[1] for line in desk.text.split("data-destination=")[1:]]
    approved = await post_form(pages, "/admin/payouts/",
                               f"/admin/payouts/destinations/{destination_id}/approve")  # fmt: skip
    assert approved.headers["location"] == "/admin/payouts/?done=1"
    adjusted = await post_form(pages, "/admin/payouts/", "/admin/payouts/adjustments",
                               store_id=store.id, amount="-500", currency="XOF",
                               reason="frais de dossier")  # fmt: skip
    assert adjusted.headers["location"] == "/admin/payouts/?done=1"

    pages.cookies.clear()
    await sign_in(pages, store)
    too_much = await post_form(pages, "/store/payouts/", "/store/payouts/", amount="9600",
                               currency="XOF", destination_id=destination_id)  # fmt: skip
    assert too_much.headers["location"] == "/store/payouts/?error=insufficient_balance"
    paid = await post_form(pages, "/store/payouts/", "/store/payouts/", amount="9000",
                           currency="XOF", destination_id=destination_id)  # fmt: skip
    assert paid.headers["location"] == "/store/payouts/?done=payout"
    page = await pages.get("/store/payouts/")
    assert "9 000 FCFA" in page.text and 'data-status="pending"' in page.text
    balance = await pages.get("/store/balance/")
    assert "500 FCFA" in balance.text  # 10 000 - 500 - 9 000
