"""Orders over HTTP: creation, validation, store isolation, listing, cancellation."""

from __future__ import annotations

from typing import Any

import pytest
from tests.integration.conftest import StoreKeys
from tests.integration.helpers import ORDER, count, problem


async def test_create_read_and_list_an_order(client: Any, store: StoreKeys) -> None:
    body = {
        **ORDER,
        "customer": {"name": "Awa", "phone": "+2250700000001"},
        "items": [{"name": "Pagne", "quantity": 2, "unit_amount": 2500}],
        "metadata": {"cart": "42"},
        "country": "CI",
    }
    created = await client.post("/api/v1/orders", json=body, headers=store.headers)
    assert created.status_code == 201, created.text
    order = created.json()
    assert order["id"].startswith("ord_")
    assert order["status"] == "pending_payment"
    assert order["amount"] == 5000 and order["currency"] == "XOF"
    assert order["items"] == [{"name": "Pagne", "quantity": 2, "unit_amount": 2500}]
    assert "/order/" + order["id"] + "/payment/?token=" in order["checkout_url"]

    read = await client.get(f"/api/v1/orders/{order['id']}", headers=store.headers)
    assert read.json() == order

    listed = await client.get("/api/v1/orders", headers=store.headers)
    assert [o["id"] for o in listed.json()["data"]] == [order["id"]]


async def test_orders_are_paginated_newest_first(client: Any, store: StoreKeys) -> None:
    ids = []
    for n in range(5):
        response = await client.post(
            "/api/v1/orders", json={**ORDER, "reference": f"R{n}"}, headers=store.headers
        )
        ids.append(response.json()["id"])
    first = (await client.get("/api/v1/orders?limit=2", headers=store.headers)).json()
    assert [o["id"] for o in first["data"]] == ids[::-1][:2]
    assert first["has_more"] is True
    cursor = first["next_cursor"]
    rest = (
        await client.get(f"/api/v1/orders?limit=10&starting_after={cursor}", headers=store.headers)
    ).json()
    assert [o["id"] for o in rest["data"]] == ids[::-1][2:]
    assert rest["has_more"] is False and rest["next_cursor"] is None
    by_reference = await client.get("/api/v1/orders?reference=R3", headers=store.headers)
    assert [o["reference"] for o in by_reference.json()["data"]] == ["R3"]


@pytest.mark.parametrize(
    ("body", "status", "code", "field"),
    [
        (b"{not json", 400, "invalid_json", None),
        (
            b'{"reference": "A", "amount": "5000", "currency": "XOF"}',
            422,
            "validation_failed",
            "amount",
        ),
        (
            b'{"reference": "A", "amount": 50.5, "currency": "XOF"}',
            422,
            "validation_failed",
            "amount",
        ),
        (b'{"reference": "A", "amount": 0, "currency": "XOF"}', 422, "validation_failed", "amount"),
        (
            b'{"reference": "A", "amount": -5, "currency": "XOF"}',
            422,
            "validation_failed",
            "amount",
        ),
        (
            b'{"reference": "A", "amount": 5, "currency": "XOF", "x": 1}',
            422,
            "validation_failed",
            "x",
        ),
        (b'{"reference": "A", "amount": 5}', 422, "validation_failed", "currency"),
        (b"[]", 400, "invalid_json", None),
        (b'{"reference": "A", "amount": 5, "currency": "EUR"}', 422, "unsupported_currency", None),
        (
            b'{"reference": "A", "amount": 5, "currency": "xof"}',
            422,
            "validation_failed",
            "currency",
        ),
        (
            b'{"reference": "A", "amount": 5000, "currency": "XOF",'
            b' "items": [{"name": "x", "quantity": 1, "unit_amount": 10}]}',
            422,
            "items_total_mismatch",
            None,
        ),
        (
            b'{"reference": "A", "amount": 5000, "currency": "XOF",'
            b' "items": [{"name": "x", "quantity": "1", "unit_amount": 5000}]}',
            422,
            "validation_failed",
            "items[0].quantity",
        ),
    ],
)
async def test_bad_orders_get_a_clear_error_and_change_nothing(
    client: Any, store: StoreKeys, pool: Any, body: bytes, status: int, code: str, field: str | None
) -> None:
    response = await client.post(
        "/api/v1/orders",
        content=body,
        headers={**store.headers, "Content-Type": "application/json"},
    )
    answer = problem(response, status, code)
    if field:
        assert answer["errors"][0]["field"] == field
    assert "Traceback" not in response.text
    assert await count(pool, "orders") == 0


async def test_a_huge_body_is_refused(client: Any, store: StoreKeys, pool: Any) -> None:
    huge = {**ORDER, "description": "x" * (2 * 1024 * 1024)}
    response = await client.post("/api/v1/orders", json=huge, headers=store.headers)
    problem(response, 413, "payload_too_large")
    assert await count(pool, "orders") == 0


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer sk_sandbox_wrong"}, {"Authorization": "Basic abc"}],
)
async def test_store_routes_need_a_valid_key(client: Any, headers: dict[str, str]) -> None:
    response = await client.post("/api/v1/orders", json=ORDER, headers=headers)
    problem(response, 401, "unauthorized")
    problem(await client.get("/api/v1/orders", headers=headers), 401, "unauthorized")


async def test_another_stores_order_is_not_found(
    client: Any, store: StoreKeys, other_store: StoreKeys
) -> None:
    order = (await client.post("/api/v1/orders", json=ORDER, headers=store.headers)).json()
    path = f"/api/v1/orders/{order['id']}"
    problem(await client.get(path, headers=other_store.headers), 404, "not_found")
    problem(await client.post(f"{path}/cancel", headers=other_store.headers), 404, "not_found")
    payment = {"provider": "sandbox", "phone": "+2250700000001"}
    response = await client.post(f"{path}/payments", json=payment, headers=other_store.headers)
    problem(response, 404, "not_found")
    listed = await client.get("/api/v1/orders", headers=other_store.headers)
    assert listed.json()["data"] == []
    assert (await client.get(path, headers=store.headers)).json()["status"] == "pending_payment"


async def test_cancel_an_unpaid_order_once(client: Any, store: StoreKeys) -> None:
    order = (await client.post("/api/v1/orders", json=ORDER, headers=store.headers)).json()
    path = f"/api/v1/orders/{order['id']}/cancel"
    cancelled = await client.post(path, headers=store.headers)
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    problem(await client.post(path, headers=store.headers), 409, "invalid_transition")
    payment = {"provider": "sandbox", "phone": "+2250700000001"}
    response = await client.post(
        f"/api/v1/orders/{order['id']}/payments", json=payment, headers=store.headers
    )
    problem(response, 409, "order_not_payable")


async def test_bad_query_parameters_are_refused(client: Any, store: StoreKeys) -> None:
    problem(
        await client.get("/api/v1/orders?limit=0", headers=store.headers), 422, "validation_failed"
    )
    problem(
        await client.get("/api/v1/orders?limit=101", headers=store.headers),
        422,
        "validation_failed",
    )
    problem(
        await client.get("/api/v1/orders?status=lost", headers=store.headers),
        422,
        "validation_failed",
    )


async def test_unknown_routes_answer_problem_json(client: Any) -> None:
    problem(await client.get("/api/v1/nothing-here"), 404, "not_found")
