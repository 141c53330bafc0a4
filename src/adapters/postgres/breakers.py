"""The providers' circuit breakers in one small table: read whole (once a second per process),
changed under a row lock so that processes change a breaker one after the other."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from psycopg_pool import AsyncConnectionPool

from adapters.postgres.rows import fetch_all, fetch_one
from domain.provider_health import Breaker, BreakerState

SELECT_ALL = "SELECT provider, state, failures, changed_at, probes, probe_at FROM provider_breakers"

ENSURE = """
INSERT INTO provider_breakers (provider, state) VALUES (%(provider)s, 'closed')
ON CONFLICT (provider) DO NOTHING
"""

LOCK = SELECT_ALL + " WHERE provider = %(provider)s FOR UPDATE"

UPDATE = """
UPDATE provider_breakers
SET state = %(state)s, failures = %(failures)s, changed_at = %(changed_at)s,
    probes = %(probes)s, probe_at = %(probe_at)s
WHERE provider = %(provider)s
"""


class PostgresBreakerStore:
    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        self._pool = pool

    async def all(self) -> dict[str, Breaker]:
        async with self._pool.connection() as conn:
            rows = await fetch_all(conn, SELECT_ALL, {}, _named)
        return dict(rows)

    async def change(self, provider: str, change: Callable[[Breaker], Breaker]) -> Breaker:
        params = {"provider": provider}
        async with self._pool.connection() as conn, conn.transaction():
            await conn.execute(ENSURE, params)
            stored = await fetch_one(conn, LOCK, params, _named)
            breaker = change(stored[1] if stored else Breaker())
            await conn.execute(
                UPDATE,
                {
                    "provider": provider,
                    "state": breaker.state.value,
                    "failures": breaker.failures,
                    "changed_at": breaker.changed_at,
                    "probes": breaker.probes,
                    "probe_at": breaker.probe_at,
                },
            )
        return breaker


def _named(row: dict[str, Any]) -> tuple[str, Breaker]:
    return row["provider"], Breaker(
        state=BreakerState(row["state"]),
        failures=row["failures"],
        changed_at=row["changed_at"],
        probes=row["probes"],
        probe_at=row["probe_at"],
    )
