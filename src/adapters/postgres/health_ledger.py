"""Reading the shared tallies and keeping the incidents, with the store notifications they
cause written in the same transaction (the outbox), once per incident."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import msgspec
from psycopg import AsyncConnection
from psycopg_pool import AsyncConnectionPool

from adapters.postgres.health_recorder import TALLY_COLUMNS
from adapters.postgres.notifications import INSERT as INSERT_NOTIFICATION
from adapters.postgres.rows import fetch_all, fetch_one
from adapters.snapshots import maybe_timestamp, timestamp
from application.health.ports import Incident
from application.shared.ports import IdGenerator
from domain.accounts import AccountId
from domain.provider_health import Tally

SELECT_TALLIES = f"""
SELECT provider, minute, {", ".join(TALLY_COLUMNS)} FROM provider_health_minutes
WHERE minute >= %(since)s
"""

SELECT_INCIDENTS = """
SELECT id, provider, status, started_at, ended_at FROM provider_incidents
WHERE ended_at IS NULL OR ended_at >= %(since)s
ORDER BY started_at
"""

OPEN = """
INSERT INTO provider_incidents (id, provider, status, started_at)
VALUES (%(id)s, %(provider)s, %(status)s, %(at)s)
ON CONFLICT (provider) WHERE ended_at IS NULL DO NOTHING
RETURNING id, provider, status, started_at, ended_at
"""

WORSEN = """
UPDATE provider_incidents SET status = 'down'
WHERE provider = %(provider)s AND ended_at IS NULL AND %(status)s = 'down'
"""

CLOSE = """
UPDATE provider_incidents SET ended_at = %(at)s
WHERE provider = %(provider)s AND ended_at IS NULL
RETURNING id, provider, status, started_at, ended_at
"""

#: The stores told about an account's incidents: those with a payment through it in 24 hours
#: (an incident's `provider` is the account's key: `mtn_momo`, or `mtn_momo:CM`).
STORES_USING = """
SELECT s.id FROM stores s
WHERE EXISTS (SELECT 1 FROM payments p
              WHERE p.store_id = s.id AND p.provider = %(provider)s
                AND p.country IS NOT DISTINCT FROM %(country)s AND p.created_at >= %(since)s)
ORDER BY s.id
"""

USED_WITHIN = timedelta(hours=24)


class PostgresHealthLedger:
    def __init__(self, pool: AsyncConnectionPool[Any], ids: IdGenerator) -> None:
        self._pool, self._ids = pool, ids

    async def tallies(self, since: datetime) -> list[Tally]:
        async with self._pool.connection() as conn:
            return await fetch_all(conn, SELECT_TALLIES, {"since": since}, _tally)

    async def incidents(self, since: datetime) -> list[Incident]:
        async with self._pool.connection() as conn:
            return await fetch_all(conn, SELECT_INCIDENTS, {"since": since}, _incident)

    async def begin_incident(
        self, provider: str, status: str, at: datetime, announce: Mapping[str, Any]
    ) -> bool:
        params = {"id": self._ids.new("inc"), "provider": provider, "status": status, "at": at}
        async with self._pool.connection() as conn, conn.transaction():
            opened = await fetch_one(conn, OPEN, params, _incident)
            if opened is None:
                await conn.execute(WORSEN, params)
                return False
            await self._announce(conn, "provider.degraded", opened, announce, at)
        return True

    async def end_incident(self, provider: str, at: datetime, announce: Mapping[str, Any]) -> bool:
        async with self._pool.connection() as conn, conn.transaction():
            closed = await fetch_one(conn, CLOSE, {"provider": provider, "at": at}, _incident)
            if closed is None:
                return False
            await self._announce(conn, "provider.recovered", closed, announce, at)
        return True

    async def _announce(
        self,
        conn: AsyncConnection[Any],
        kind: str,
        incident: Incident,
        health: Mapping[str, Any],
        at: datetime,
    ) -> None:
        account = AccountId.parse(incident.provider)
        params = {
            "provider": account.provider,
            "country": account.country,
            "since": at - USED_WITHIN,
        }
        stores = await fetch_all(conn, STORES_USING, params, lambda row: str(row["id"]))
        obj = {
            "object": "provider_incident",
            "id": incident.id,
            **health,
            "started_at": timestamp(incident.started_at),
            "ended_at": maybe_timestamp(incident.ended_at),
        }
        rows = []
        for store_id in stores:
            event_id = self._ids.new("evt")
            body = {
                "id": event_id,
                "type": kind,
                "created_at": timestamp(at),
                "data": {"object": obj},
            }
            rows.append(
                {
                    "id": event_id,
                    "store_id": store_id,
                    "type": kind,
                    "subject_id": incident.id,
                    "body": msgspec.json.encode(body),
                    "created_at": at,
                }
            )
        if rows:
            async with conn.cursor() as cur:
                await cur.executemany(INSERT_NOTIFICATION, rows)


def _tally(row: dict[str, Any]) -> Tally:
    values: dict[str, Any] = {
        c: tuple(row[c]) if isinstance(row[c], list) else row[c] for c in TALLY_COLUMNS
    }
    return Tally(row["provider"], row["minute"], **values)


def _incident(row: dict[str, Any]) -> Incident:
    return Incident(
        id=row["id"],
        provider=row["provider"],
        status=row["status"],
        started_at=row["started_at"],
        ended_at=row["ended_at"],
    )
