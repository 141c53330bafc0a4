"""Refunds nobody could confirm go to a person, who records what was done by hand."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest
from psycopg_pool import AsyncConnectionPool
from tests.fakes import FakeClock
from tests.integration.conftest import StoreKeys
from tests.integration.helpers import problem
from tests.integration.refunds.helpers import refund, succeeded_payment

from application.refunds.queries import AwaitingAction
from application.refunds.reconcile_refunds import ReconcileRefunds
from application.refunds.record_manual_refund import (
    RecordManualRefund,
    RecordManualRefundCommand,
)
from application.refunds.schedule import FOLLOW_UP
from domain.refund import ManualReferenceRequired, RefundNotPending
from entrypoints.container import Container, resolve


async def test_an_unconfirmed_refund_is_handed_to_a_person_then_recorded_by_hand(
    client: Any, store: StoreKeys, pool: AsyncConnectionPool[Any], container: Container
) -> None:
    payment = await succeeded_payment(client, store, pool)
    created = (await refund(client, store, payment["id"], amount=1003)).json()  # never settles
    uow = await resolve(container.uow)
    verify = await resolve(container.verify_refund)
    clock = FakeClock()
    reconcile = ReconcileRefunds(uow, verify, clock)

    clock.set(_parse(created["created_at"]) + timedelta(minutes=1))
    assert await reconcile.check(created["id"], 0) == "pending"
    clock.set(_parse(created["created_at"]) + FOLLOW_UP)
    assert await reconcile.check(created["id"], 1) == "requires_action"

    awaiting = await AwaitingAction(uow)()
    assert [r.id for r in awaiting.data] == [created["id"]]
    record = RecordManualRefund(uow, clock)
    with pytest.raises(ManualReferenceRequired):
        await record(RecordManualRefundCommand(created["id"], " ", "awa@ops"))
    done = await record(RecordManualRefundCommand(created["id"], "MP2503.1200.A1", "awa@ops"))
    assert (done.status.value, done.provider_reference) == ("succeeded", "MP2503.1200.A1")
    with pytest.raises(RefundNotPending):
        await record(RecordManualRefundCommand(created["id"], "again", "awa@ops"))

    events = await client.get(f"/api/v1/refunds/{created['id']}/events", headers=store.headers)
    history = [(e["type"], e["to_status"]) for e in events.json()["data"]]
    assert history == [
        ("refund.created", "pending"),
        ("refund.requires_action", "requires_action"),
        ("refund.succeeded", "succeeded"),
    ]
    assert events.json()["data"][-1]["data"]["operator"] == "awa@ops"
    assert (await AwaitingAction(uow)()).data == []
    late = await client.post(f"/api/v1/refunds/{created['id']}/verify", headers=store.headers)
    assert late.json()["status"] == "succeeded"  # settled: no provider call reopens it
    problem(
        await client.post("/api/v1/refunds/rfd_missing/verify", headers=store.headers),
        404,
        "not_found",
    )


def _parse(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
