"""The service's own response time on /metrics: a histogram by route template (never the raw
path), method and status class."""

from __future__ import annotations

from typing import Any

from litestar.testing import AsyncTestClient
from prometheus_client.parser import text_string_to_metric_families
from tests.integration.conftest import StoreKeys


def counts(text: str) -> dict[tuple[str, str, str], float]:
    return {
        (s.labels["route"], s.labels["method"], s.labels["status"]): s.value
        for family in text_string_to_metric_families(text)
        if family.name == "payments_http_request_seconds"
        for s in family.samples
        if s.name.endswith("_count")
    }


async def test_requests_are_timed_by_route_template(
    client: AsyncTestClient[Any], store: StoreKeys
) -> None:
    before = counts((await client.get("/metrics")).text)
    for order_id in ("ord_missing_1", "ord_missing_2"):
        response = await client.get(f"/api/v1/orders/{order_id}", headers=store.headers)
        assert response.status_code == 404
    assert (await client.get("/health")).status_code == 200
    after = counts((await client.get("/metrics")).text)

    key = ("/api/v1/orders/{order_id}", "GET", "4xx")
    assert after.get(key, 0) - before.get(key, 0) == 2, sorted(after)
    assert after.get(("/health", "GET", "2xx"), 0) - before.get(("/health", "GET", "2xx"), 0) == 1
    assert not any("ord_missing" in route for route, _, _ in after)
