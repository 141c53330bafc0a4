"""Every route reaches its collaborators through the container, by its typed attributes: a
test that swaps an adapter overrides the container's provider, and the next request sees it."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dependency_injector import providers

from entrypoints.container import Container


class DownProbe:
    async def __call__(self) -> bool:
        return False


class FixedAges:
    def __init__(self) -> None:
        self.asked_at: list[datetime] = []

    async def __call__(self, now: datetime) -> dict[str, int]:
        self.asked_at.append(now)
        return {"lt_1m": 7}


async def test_a_database_probe_swapped_in_makes_ready_answer_503(
    client: Any, container: Container
) -> None:
    with container.database_probe.override(providers.Object(DownProbe())):
        response = await client.get("/ready")
    assert response.status_code == 503
    assert response.json()["code"] == "database_unavailable"
    assert (await client.get("/ready")).status_code == 200  # the override is gone


async def test_the_pending_ages_reader_swapped_in_feeds_the_metrics(
    client: Any, container: Container
) -> None:
    ages = FixedAges()
    with container.pending_ages.override(providers.Object(ages)):
        text = (await client.get("/metrics")).text
    assert 'payments_pending{age="lt_1m"} 7.0' in text
    assert len(ages.asked_at) == 1
