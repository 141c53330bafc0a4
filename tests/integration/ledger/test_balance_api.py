"""The store's money over HTTP: the fee an operator sets, a sale and a refund booked with
their status changes, the balance and its entries (pages, filters, CSV), adjustments."""

from __future__ import annotations

import csv
import io
from typing import Any

from psycopg_pool import AsyncConnectionPool
from tests.integration.conftest import ADMIN, StoreKeys
from tests.integration.helpers import problem
from tests.integration.refunds.helpers import refund, succeeded_payment


async def set_fee(client: Any, store: StoreKeys, fee_bps: int | None) -> Any:
    return await client.patch(
        f"/api/v1/admin/stores/{store.id}", json={"fee_bps": fee_bps}, headers=ADMIN
    )


async def balance(client: Any, store: StoreKeys) -> Any:
    answer = await client.get("/api/v1/balance", headers=store.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def entries(client: Any, store: StoreKeys, query: str = "") -> Any:
    answer = await client.get(f"/api/v1/balance/entries{query}", headers=store.headers)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def test_a_sale_less_its_fee_then_a_refund_make_the_balance(
    client: Any, store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    changed = await set_fee(client, store, 250)
    assert changed.status_code == 200, changed.text
    assert changed.json()["fee_bps"] == 250
    audit = await client.get(f"/api/v1/admin/audit?subject_id={store.id}", headers=ADMIN)
    assert audit.json()["data"][0]["action"] == "store.fee_changed"

    payment = await succeeded_payment(client, store, pool, amount=10000)
    assert (payment["fee"], payment["net"]) == (250, 9750)
    assert await balance(client, store) == {
        "object": "balance",
        "balances": [{"currency": "XOF", "available": 9750, "pending": 0}],
    }
    listed = await entries(client, store)
    seen = [(e["type"], e["amount"], e["balance_after"]) for e in listed["data"]]
    assert seen == [("fee", -250, 9750), ("payment", 10000, 10000)]
    assert all(e["payment_id"] == payment["id"] for e in listed["data"])
    assert listed["data"][0]["id"].startswith("le_")
    assert listed["data"][0]["object"] == "ledger_entry"

    await set_fee(client, store, 0)  # a later rate leaves a succeeded sale's fee alone
    again = await client.get(f"/api/v1/payments/{payment['id']}", headers=store.headers)
    assert (again.json()["fee"], again.json()["net"]) == (250, 9750)

    made = await refund(client, store, payment["id"], amount=4000)
    assert made.status_code == 201, made.text
    assert (await balance(client, store))["balances"][0]["available"] == 5750
    first = await entries(client, store, "?limit=1")
    assert first["has_more"] is True and first["data"][0]["type"] == "refund"
    rest = await entries(client, store, f"?limit=5&starting_after={first['next_cursor']}")
    assert [e["type"] for e in rest["data"]] == ["fee", "payment"]
    assert rest["has_more"] is False
    fees = await entries(client, store, "?type=fee")
    assert [e["amount"] for e in fees["data"]] == [-250]
    by_payment = await entries(client, store, f"?payment_id={payment['id']}&currency=XOF")
    assert len(by_payment["data"]) == 3


async def test_a_pending_payment_shows_no_fee_and_other_stores_see_nothing(
    client: Any, store: StoreKeys, other_store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    await succeeded_payment(client, store, pool)
    assert (await balance(client, other_store))["balances"] == []
    assert (await entries(client, other_store))["data"] == []


async def test_the_entries_as_csv_for_the_accountant(
    client: Any, store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    await set_fee(client, store, 100)
    for _ in range(3):
        await succeeded_payment(client, store, pool, amount=2000)
    answer = await client.get("/api/v1/balance/entries?format=csv", headers=store.headers)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text)))
    assert len(rows) == 6  # every entry, not one page
    assert [r["type"] for r in rows[:2]] == ["fee", "payment"]
    assert rows[0]["balance_after"] == "5940" and rows[0]["amount"] == "-20"
    only_fees = await client.get(
        "/api/v1/balance/entries?format=csv&type=fee", headers=store.headers
    )
    assert len(list(csv.DictReader(io.StringIO(only_fees.text)))) == 3


async def test_an_operator_adjusts_a_balance_with_a_reason(client: Any, store: StoreKeys) -> None:
    url = f"/api/v1/admin/stores/{store.id}/adjustments"
    made = await client.post(
        url, json={"amount": 1500, "currency": "XOF", "reason": "geste commercial"}, headers=ADMIN
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert body["id"].startswith("adj_") and body["object"] == "adjustment"
    assert (body["amount"], body["reason"]) == (1500, "geste commercial")
    assert (await balance(client, store))["balances"][0]["available"] == 1500
    [entry] = (await entries(client, store, "?type=adjustment"))["data"]
    assert entry["adjustment_id"] == body["id"]
    audit = await client.get(f"/api/v1/admin/audit?subject_id={store.id}", headers=ADMIN)
    assert audit.json()["data"][0]["action"] == "ledger.adjusted"
    reasonless = {"amount": 5, "currency": "XOF", "reason": " "}
    problem(await client.post(url, json=reasonless, headers=ADMIN), 422, "reason_required")
    zero = {"amount": 0, "currency": "XOF", "reason": "x"}
    problem(await client.post(url, json=zero, headers=ADMIN), 422, "validation_failed")
    problem(await client.post(url, json={**zero, "amount": 5}, headers=store.headers), 401,
            "unauthorized")  # fmt: skip
    missing = await client.post(
        "/api/v1/admin/stores/str_NOPE/adjustments",
        json={"amount": 5, "currency": "XOF", "reason": "x"}, headers=ADMIN,
    )  # fmt: skip
    problem(missing, 404, "not_found")


async def test_bad_fee_and_entry_queries_get_problems(client: Any, store: StoreKeys) -> None:
    problem(await set_fee(client, store, 10001), 422, "validation_failed")
    problem(await set_fee(client, store, -1), 422, "validation_failed")
    for query in ("?type=nope", "?currency=EUR", "?limit=0", "?starting_after=pay_1"):
        answer = await client.get(f"/api/v1/balance/entries{query}", headers=store.headers)
        assert answer.status_code in (400, 422), (query, answer.text)
    reset = await set_fee(client, store, None)
    assert reset.status_code == 200 and reset.json()["fee_bps"] is None
