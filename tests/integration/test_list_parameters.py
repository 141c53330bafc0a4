"""List parameters exactly as API.md says: `limit` an integer from 1 to 100, a cursor that is
an id of the listed kind, filters within their documented values; anything else is 422."""

from __future__ import annotations

from typing import Any

import pytest
from tests.integration.conftest import ADMIN, StoreKeys
from tests.integration.helpers import ORDER, problem

LISTS = ["/api/v1/orders", "/api/v1/payments", "/api/v1/events", "/api/v1/admin/stores"]


def _headers(path: str, store: StoreKeys) -> dict[str, str]:
    return ADMIN if "/admin/" in path else store.headers


@pytest.mark.parametrize("path", LISTS)
@pytest.mark.parametrize(
    "limit",
    ["1e2", "10.0", "+5", "05", "0", "101", "-1", "", "ten", "%205", "99999999999999999999"],
)
async def test_a_limit_that_is_not_an_integer_from_1_to_100_is_refused(
    client: Any, store: StoreKeys, path: str, limit: str
) -> None:
    response = await client.get(f"{path}?limit={limit}", headers=_headers(path, store))
    body = problem(response, 422, "validation_failed")
    assert body["errors"][0]["field"] == "limit"


@pytest.mark.parametrize("path", LISTS)
async def test_limits_1_and_100_are_accepted_and_a_second_limit_is_refused(
    client: Any, store: StoreKeys, path: str
) -> None:
    headers = _headers(path, store)
    assert (await client.get(f"{path}?limit=1", headers=headers)).status_code == 200
    assert (await client.get(f"{path}?limit=100", headers=headers)).status_code == 200
    twice = await client.get(f"{path}?limit=5&limit=500", headers=headers)
    problem(twice, 422, "validation_failed")


@pytest.mark.parametrize(
    ("path", "cursor"),
    [
        ("/api/v1/orders", "pay_01M8NEP0EF584T1Q16TEQFKG5P"),
        ("/api/v1/orders", "ord_lower"),
        ("/api/v1/orders", "' OR 1=1 --"),
        ("/api/v1/payments", "ord_01M8NEP0EF584T1Q16TEQFKG5P"),
        ("/api/v1/events", "pay_01M8NEP0EF584T1Q16TEQFKG5P"),
        ("/api/v1/admin/stores", "ord_01M8NEP0EF584T1Q16TEQFKG5P"),
    ],
)
async def test_a_cursor_that_is_not_an_id_of_the_listed_kind_is_refused(
    client: Any, store: StoreKeys, path: str, cursor: str
) -> None:
    response = await client.get(
        path, params={"starting_after": cursor}, headers=_headers(path, store)
    )
    body = problem(response, 422, "validation_failed")
    assert body["errors"][0]["field"] == "starting_after"


async def test_a_cursor_naming_no_item_of_the_caller_is_invalid_cursor_whoever_owns_it(
    client: Any, store: StoreKeys, other_store: StoreKeys
) -> None:
    """Unknown and foreign cursors get one answer (no existence leak), 400 `invalid_cursor`,
    never the first page again (a client paginating with a stale cursor would loop)."""
    mine = []
    for n in range(3):
        created = await client.post(
            "/api/v1/orders", json={**ORDER, "reference": f"M{n}"}, headers=store.headers
        )
        mine.append(created.json()["id"])
    theirs = await client.post("/api/v1/orders", json=ORDER, headers=other_store.headers)
    foreign = theirs.json()["id"]
    unknown = foreign[:-1] + ("0" if foreign[-1] != "0" else "1")
    with_foreign = await client.get(
        f"/api/v1/orders?starting_after={foreign}", headers=store.headers
    )
    with_unknown = await client.get(
        f"/api/v1/orders?starting_after={unknown}", headers=store.headers
    )
    assert problem(with_foreign, 400, "invalid_cursor") == problem(
        with_unknown, 400, "invalid_cursor"
    )
    own = await client.get(f"/api/v1/orders?starting_after={mine[1]}", headers=store.headers)
    assert [o["id"] for o in own.json()["data"]] == [mine[0]]


@pytest.mark.parametrize(
    ("path", "prefix"),
    [
        ("/api/v1/orders", "ord"),
        ("/api/v1/payments", "pay"),
        ("/api/v1/events", "evt"),
        ("/api/v1/refunds", "rfd"),
        ("/api/v1/admin/stores", "str"),
        ("/api/v1/admin/audit", "aud"),
        ("/api/v1/balance/entries", "le"),
    ],
)
async def test_every_list_refuses_an_unknown_cursor(
    client: Any, store: StoreKeys, path: str, prefix: str
) -> None:
    unknown = f"{prefix}_01M8NEP0EF584T1Q16TEQFKG5P"
    response = await client.get(
        path, params={"starting_after": unknown}, headers=_headers(path, store)
    )
    problem(response, 400, "invalid_cursor")


@pytest.mark.parametrize(
    ("path", "query", "field"),
    [
        ("/api/v1/orders", "status=stolen", "status"),
        ("/api/v1/orders", "reference=" + "R" * 256, "reference"),
        ("/api/v1/orders", "reference=", "reference"),
        ("/api/v1/payments", "status=paid", "status"),
        ("/api/v1/payments", "provider=paypal", "provider"),
        ("/api/v1/payments", "provider=Wave", "provider"),
        ("/api/v1/payments", "order_id=pay_01M8NEP0EF584T1Q16TEQFKG5P", "order_id"),
        ("/api/v1/payments", "order_id=1", "order_id"),
        ("/api/v1/stats", "from=yesterday", "from"),
        ("/api/v1/stats", "to=2025-13-45", "to"),
    ],
)
async def test_filters_outside_their_documented_values_are_refused(
    client: Any, store: StoreKeys, path: str, query: str, field: str
) -> None:
    response = await client.get(f"{path}?{query}", headers=store.headers)
    assert problem(response, 422, "validation_failed")["errors"][0]["field"] == field
