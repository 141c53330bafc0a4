"""Payouts, their event history, their destinations and the stores' payout schedules."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from psycopg import AsyncConnection
from psycopg.rows import dict_row

from adapters.postgres.batch import write
from adapters.postgres.events import append_events, to_recorded_event
from adapters.postgres.paging import check_cursor, page_params, page_query, to_page
from adapters.postgres.rows import fetch_all, fetch_one
from adapters.postgres.schedule import UNPLANNED, claim_due_checks, plan_check
from adapters.postgres.versioned import guarded
from application.payouts.ports import PayoutSchedule
from application.shared.ports import Change, IdGenerator, Page, PageRequest, RecordedEvent
from domain.money import Currency, Money
from domain.payout import Payout, PayoutStatus
from domain.payout_destination import PayoutDestination

_COLUMNS = """
    id, store_id, destination_id, provider, country, phone, name, status, amount, currency,
    reference, description, provider_reference, provider_fee, failure_code, failure_message,
    schedule_key, created_at, updated_at, succeeded_at, version
"""

INSERT = f"""
INSERT INTO payouts ({_COLUMNS}, next_check_at, check_attempts)
VALUES (%(id)s, %(store_id)s, %(destination_id)s, %(provider)s, %(country)s, %(phone)s,
        %(name)s, %(status)s, %(amount)s, %(currency)s, %(reference)s, %(description)s,
        %(provider_reference)s, %(provider_fee)s, %(failure_code)s, %(failure_message)s,
        %(schedule_key)s, %(created_at)s, %(updated_at)s, %(succeeded_at)s, %(version)s,
        %(next_check_at)s, %(check_attempts)s)
"""

UPDATE = guarded(
    """
UPDATE payouts
SET status = %(status)s, provider_reference = %(provider_reference)s,
    provider_fee = %(provider_fee)s, failure_code = %(failure_code)s,
    failure_message = %(failure_message)s, updated_at = %(updated_at)s,
    succeeded_at = %(succeeded_at)s, version = version + 1
WHERE id = %(id)s AND version = %(version)s
""",
    "payouts",
)

SELECT = f"SELECT {_COLUMNS} FROM payouts WHERE id = %(id)s"
SELECT_ALL = f"SELECT {_COLUMNS} FROM payouts"

CLAIM = """
UPDATE payouts po
SET next_check_at = %(lease_until)s
FROM (
    SELECT id FROM payouts
    WHERE next_check_at <= %(now)s AND status = 'pending'
    ORDER BY next_check_at
    LIMIT %(limit)s
    FOR UPDATE SKIP LOCKED
) due
WHERE po.id = due.id
RETURNING po.id, po.check_attempts
"""
SCHEDULED = "SELECT 1 FROM payouts WHERE schedule_key = %(key)s"

INSERT_EVENT = """
INSERT INTO payout_events (id, payout_id, type, from_status, to_status, source, data,
                           created_at)
VALUES (%(id)s, %(subject_id)s, %(type)s, %(from_status)s, %(to_status)s, %(source)s,
        %(data)s, %(created_at)s)
"""

SELECT_HISTORY = """
SELECT id, payout_id, type, from_status, to_status, source, data, created_at
FROM payout_events WHERE payout_id = %(payout_id)s ORDER BY seq
"""


class PostgresPayoutRepository:
    def __init__(self, conn: AsyncConnection[Any], ids: IdGenerator, changes: list[Change]) -> None:
        self._conn, self._ids, self._changes = conn, ids, changes

    async def add(self, payout: Payout) -> None:
        await write(self._conn, INSERT, _to_params(payout) | UNPLANNED, ("payouts", payout.id))
        await self._append_events(payout)

    async def get(self, payout_id: str, *, for_update: bool = False) -> Payout | None:
        query = f"{SELECT} FOR UPDATE" if for_update else SELECT
        return await fetch_one(self._conn, query, {"id": payout_id}, _to_payout)

    async def get_for_store(self, store_id: str, payout_id: str) -> Payout | None:
        found = await self.get(payout_id)
        return found if found is not None and found.store_id == store_id else None

    async def save(self, payout: Payout) -> None:
        await write(self._conn, UPDATE, _to_params(payout), ("payouts", payout.id))
        payout.version += 1
        await self._append_events(payout)

    async def _append_events(self, payout: Payout) -> None:
        await append_events(self._conn, INSERT_EVENT, self._ids, payout, self._changes)

    async def search(
        self, store_id: str | None, status: PayoutStatus | None, page: PageRequest
    ) -> Page[Payout]:
        await check_cursor(self._conn, "payouts", page, store_id)
        conditions = []
        if store_id is not None:
            conditions.append("store_id = %(store_id)s")
        if status is not None:
            conditions.append("status = %(status)s")
        params = page_params(page, store_id=store_id, status=status.value if status else None)
        found = await fetch_all(self._conn, page_query(SELECT_ALL, conditions, page), params,
                                _to_payout)  # fmt: skip
        return to_page(found, page)

    async def history(self, payout_id: str) -> list[RecordedEvent]:
        async with self._conn.cursor(row_factory=dict_row) as cur:
            await cur.execute(SELECT_HISTORY, {"payout_id": payout_id})
            return [to_recorded_event(row, "payout_id") for row in await cur.fetchall()]

    async def plan(self, payout_id: str, at: datetime | None, attempts: int) -> None:
        await plan_check(self._conn, "payouts", payout_id, at, attempts)

    async def claim_due(
        self, now: datetime, lease_until: datetime, limit: int
    ) -> list[tuple[str, int]]:
        return await claim_due_checks(self._conn, CLAIM, now, lease_until, limit)

    async def scheduled(self, schedule_key: str) -> bool:
        cur = await self._conn.execute(SCHEDULED, {"key": schedule_key})
        return await cur.fetchone() is not None


def _to_params(payout: Payout) -> dict[str, Any]:
    return {
        "id": payout.id,
        "store_id": payout.store_id,
        "destination_id": payout.destination_id,
        "provider": payout.provider,
        "country": payout.country,
        "phone": payout.phone,
        "name": payout.name,
        "status": payout.status.value,
        "amount": payout.amount.amount,
        "currency": payout.amount.currency.value,
        "reference": payout.reference,
        "description": payout.description,
        "provider_reference": payout.provider_reference,
        "provider_fee": payout.provider_fee,
        "failure_code": payout.failure_code,
        "failure_message": payout.failure_message,
        "schedule_key": payout.schedule_key,
        "created_at": payout.created_at,
        "updated_at": payout.updated_at,
        "succeeded_at": payout.succeeded_at,
        "version": payout.version,
    }


def _to_payout(row: dict[str, Any]) -> Payout:
    return Payout(
        id=row["id"],
        store_id=row["store_id"],
        destination_id=row["destination_id"],
        provider=row["provider"],
        country=row["country"],
        phone=row["phone"],
        name=row["name"],
        status=PayoutStatus(row["status"]),
        amount=Money(row["amount"], Currency(row["currency"])),
        reference=row["reference"],
        description=row["description"],
        provider_reference=row["provider_reference"],
        provider_fee=row["provider_fee"],
        failure_code=row["failure_code"],
        failure_message=row["failure_message"],
        schedule_key=row["schedule_key"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
        succeeded_at=row["succeeded_at"],
        version=row["version"],
    )


# -- destinations ------------------------------------------------------------------------------

_DESTINATION_COLUMNS = """
    id, store_id, provider, phone, name, country, created_at, active_from, approved_at,
    approved_by, disabled_at
"""

INSERT_DESTINATION = f"""
INSERT INTO payout_destinations ({_DESTINATION_COLUMNS})
VALUES (%(id)s, %(store_id)s, %(provider)s, %(phone)s, %(name)s, %(country)s, %(created_at)s,
        %(active_from)s, %(approved_at)s, %(approved_by)s, %(disabled_at)s)
"""

UPDATE_DESTINATION = """
UPDATE payout_destinations
SET active_from = %(active_from)s, approved_at = %(approved_at)s,
    approved_by = %(approved_by)s, disabled_at = %(disabled_at)s
WHERE id = %(id)s
"""

SELECT_DESTINATION = f"""
SELECT {_DESTINATION_COLUMNS} FROM payout_destinations
WHERE id = %(id)s AND (%(store_id)s::text IS NULL OR store_id = %(store_id)s)
"""

SELECT_DESTINATIONS_OF_STORE = f"""
SELECT {_DESTINATION_COLUMNS} FROM payout_destinations WHERE store_id = %(store_id)s
ORDER BY id DESC
"""

SELECT_AWAITING = f"""
SELECT {_DESTINATION_COLUMNS} FROM payout_destinations
WHERE approved_at IS NULL AND disabled_at IS NULL AND active_from > %(now)s
ORDER BY created_at
"""


class PostgresPayoutDestinationRepository:
    def __init__(self, conn: AsyncConnection[Any], ids: IdGenerator, changes: list[Change]) -> None:
        self._conn, self._ids, self._changes = conn, ids, changes

    async def add(self, destination: PayoutDestination) -> None:
        """Insert it; its `payout_destination.created` goes to the dispatch (which tells the
        store). A destination keeps no history of its own: its row says when it was
        approved or disabled, and the audit log who approved it."""
        await self._conn.execute(INSERT_DESTINATION, _destination_params(destination))
        self._changes.extend(
            Change(self._ids.new("evt"), e, destination) for e in destination.events
        )
        destination.events.clear()

    async def get(
        self, destination_id: str, *, store_id: str | None = None, for_update: bool = False
    ) -> PayoutDestination | None:
        query = f"{SELECT_DESTINATION} FOR UPDATE" if for_update else SELECT_DESTINATION
        params = {"id": destination_id, "store_id": store_id}
        return await fetch_one(self._conn, query, params, _to_destination)

    async def save(self, destination: PayoutDestination) -> None:
        await self._conn.execute(UPDATE_DESTINATION, _destination_params(destination))

    async def of_store(self, store_id: str) -> list[PayoutDestination]:
        params = {"store_id": store_id}
        return await fetch_all(self._conn, SELECT_DESTINATIONS_OF_STORE, params, _to_destination)

    async def awaiting_approval(self, now: datetime) -> list[PayoutDestination]:
        return await fetch_all(self._conn, SELECT_AWAITING, {"now": now}, _to_destination)


def _destination_params(destination: PayoutDestination) -> dict[str, Any]:
    return {
        "id": destination.id,
        "store_id": destination.store_id,
        "provider": destination.provider,
        "phone": destination.phone,
        "name": destination.name,
        "country": destination.country,
        "created_at": destination.created_at,
        "active_from": destination.active_from,
        "approved_at": destination.approved_at,
        "approved_by": destination.approved_by,
        "disabled_at": destination.disabled_at,
    }


def _to_destination(row: dict[str, Any]) -> PayoutDestination:
    return PayoutDestination(**row)  # the columns are its fields, its events aside


# -- schedules ---------------------------------------------------------------------------------

UPSERT_SCHEDULE = """
INSERT INTO payout_schedules (store_id, interval, destination_id, minimum, updated_at)
VALUES (%(store_id)s, %(interval)s, %(destination_id)s, %(minimum)s, %(updated_at)s)
ON CONFLICT (store_id) DO UPDATE
SET interval = EXCLUDED.interval, destination_id = EXCLUDED.destination_id,
    minimum = EXCLUDED.minimum, updated_at = EXCLUDED.updated_at
"""

SELECT_SCHEDULE = """
SELECT store_id, interval, destination_id, minimum, updated_at FROM payout_schedules
WHERE store_id = %(store_id)s
"""

SELECT_DAILY = """
SELECT store_id, interval, destination_id, minimum, updated_at FROM payout_schedules
WHERE interval = 'daily' ORDER BY store_id
"""


class PostgresPayoutScheduleRepository:
    def __init__(self, conn: AsyncConnection[Any]) -> None:
        self._conn = conn

    async def get(self, store_id: str) -> PayoutSchedule | None:
        return await fetch_one(self._conn, SELECT_SCHEDULE, {"store_id": store_id}, _schedule)

    async def put(self, schedule: PayoutSchedule) -> None:
        await self._conn.execute(
            UPSERT_SCHEDULE,
            {
                "store_id": schedule.store_id,
                "interval": schedule.interval,
                "destination_id": schedule.destination_id,
                "minimum": schedule.minimum,
                "updated_at": schedule.updated_at,
            },
        )

    async def daily(self) -> list[PayoutSchedule]:
        return await fetch_all(self._conn, SELECT_DAILY, {}, _schedule)


def _schedule(row: dict[str, Any]) -> PayoutSchedule:
    return PayoutSchedule(**row)
