"""A vendor refunds from the payment's history page (the API's rules, in French first) and
the dashboard counts what was given back."""

from __future__ import annotations

from typing import Any

from psycopg_pool import AsyncConnectionPool
from tests.integration.conftest import StoreKeys
from tests.integration.refunds.helpers import settle_now, succeeded_payment
from tests.integration.test_pages import csrf_of, sign_in


async def refund_from_page(client: Any, payment_id: str, **form: str) -> Any:
    page = await client.get(f"/payments/{payment_id}/")
    assert page.status_code == 200
    return await client.post(
        f"/payments/{payment_id}/refunds",
        data={**form, "_csrf_token": csrf_of(page)},
        follow_redirects=False,
    )


async def test_a_vendor_refunds_partly_then_fully_from_the_payment_page(
    client: Any, store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    payment = await succeeded_payment(client, store, pool)
    await sign_in(client, store)
    page = await client.get(f"/payments/{payment['id']}/")
    assert "Remboursements" in page.text and "Aucun remboursement pour ce paiement." in page.text
    assert 'id="refund-form"' in page.text

    answer = await refund_from_page(client, payment["id"], amount="2 000", reason="Taille")
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/payments/{payment['id']}/?refund=ok#refunds"
    shown = await client.get(answer.headers["location"].split("#")[0])
    assert "Remboursement demandé." in shown.text
    assert 'data-status="pending"' in shown.text and "2 000 FCFA" in shown.text
    assert "Reste remboursable : 3 000 FCFA" in shown.text

    too_much = await refund_from_page(client, payment["id"], amount="4000")
    location = too_much.headers["location"]
    assert "refund_error=refund_exceeds_payment" in location
    refused = await client.get(location.split("#")[0])
    assert 'data-code="refund_exceeds_payment"' in refused.text
    assert "Ce montant dépasse ce qu" in refused.text
    bad = await refund_from_page(client, payment["id"], amount="deux mille")
    assert "refund_error=validation_failed" in bad.headers["location"]

    rest = await refund_from_page(client, payment["id"])  # empty: all that is left
    assert rest.headers["location"].endswith("?refund=ok#refunds")
    full = await client.get(f"/payments/{payment['id']}/")
    assert full.text.count('data-status="pending"') == 2
    assert 'id="refund-form"' not in full.text  # nothing left to refund
    listed = await client.get(f"/api/v1/payments/{payment['id']}/refunds", headers=store.headers)
    assert sorted(r["amount"] for r in listed.json()["data"]) == [2000, 3000]


async def test_another_stores_payment_cannot_be_refunded_from_the_page(
    client: Any, store: StoreKeys, other_store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    payment = await succeeded_payment(client, store, pool)
    await sign_in(client, other_store)
    dashboard = await client.get("/store/dashboard/")
    answer = await client.post(
        f"/payments/{payment['id']}/refunds",
        data={"amount": "1000", "_csrf_token": csrf_of(dashboard)},
        follow_redirects=False,
    )
    assert answer.status_code == 404
    listed = await client.get(f"/api/v1/payments/{payment['id']}/refunds", headers=store.headers)
    assert listed.json()["data"] == []


async def test_the_dashboard_and_stats_count_refunded_amounts(
    client: Any, store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> None:
    payment = await succeeded_payment(client, store, pool)
    refund = (
        await client.post(
            f"/api/v1/payments/{payment['id']}/refunds",
            json={"amount": 1500},
            headers=store.headers,
        )
    ).json()
    await settle_now(pool, "sandbox_refunds", "refund_id", refund["id"])
    await client.post(f"/api/v1/refunds/{refund['id']}/verify", headers=store.headers)
    stats = await client.get("/api/v1/stats", headers=store.headers)
    assert stats.json()["refunded"] == [{"currency": "XOF", "amount": 1500}]
    await sign_in(client, store)
    dashboard = await client.get("/store/dashboard/")
    section = dashboard.text.split('id="refunded"', 1)[1].split("</section>", 1)[0]
    assert "Remboursé" in dashboard.text and "1 500 FCFA" in section
