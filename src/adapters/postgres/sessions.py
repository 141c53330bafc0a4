"""Sign-in sessions in Postgres (`sign_in_sessions`). The id given to the browser is 256
random bits; the table keeps its SHA-256 only, so reading the table signs no one in. Each
statement stands alone (autocommit): a session is not part of any other change."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from typing import Any

from psycopg_pool import AsyncConnectionPool

from application.stores.sign_in_sessions import SessionKind

#: Expired sessions are deleted a day after their end, when someone signs in.
KEEP_EXPIRED = timedelta(days=1)

OPEN = """
INSERT INTO sign_in_sessions (id_hash, kind, subject_id, created_at, last_seen_at, expires_at)
VALUES (%(id_hash)s, %(kind)s, %(subject_id)s, %(at)s, %(at)s, %(until)s)
"""
PURGE = "DELETE FROM sign_in_sessions WHERE expires_at < %(before)s"
TOUCH = """
UPDATE sign_in_sessions SET last_seen_at = %(at)s
WHERE id_hash = %(id_hash)s AND kind = %(kind)s AND revoked_at IS NULL
  AND expires_at > %(at)s
  AND (%(seen_after)s::timestamptz IS NULL OR last_seen_at > %(seen_after)s)
RETURNING subject_id
"""
REVOKE = """
UPDATE sign_in_sessions SET revoked_at = %(at)s
WHERE id_hash = %(id_hash)s AND revoked_at IS NULL
"""
REVOKE_ALL = """
UPDATE sign_in_sessions SET revoked_at = %(at)s
WHERE kind = %(kind)s AND subject_id = %(subject_id)s AND revoked_at IS NULL
"""


def _hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


class PostgresSessionStore:
    def __init__(self, pool: AsyncConnectionPool[Any]) -> None:
        self._pool = pool

    async def open(self, kind: SessionKind, subject_id: str, at: datetime, until: datetime) -> str:
        session_id = secrets.token_urlsafe(32)
        params = {"id_hash": _hash(session_id), "kind": str(kind), "subject_id": subject_id}
        async with self._pool.connection() as conn:
            await conn.execute(PURGE, {"before": at - KEEP_EXPIRED})
            await conn.execute(OPEN, {**params, "at": at, "until": until})
        return session_id

    async def touch(
        self, kind: SessionKind, session_id: str, at: datetime, seen_after: datetime | None
    ) -> str | None:
        params = {"id_hash": _hash(session_id), "kind": str(kind), "at": at}
        async with self._pool.connection() as conn:
            cursor = await conn.execute(TOUCH, {**params, "seen_after": seen_after})
            row = await cursor.fetchone()
        return str(row[0]) if row else None

    async def revoke(self, session_id: str, at: datetime) -> None:
        async with self._pool.connection() as conn:
            await conn.execute(REVOKE, {"id_hash": _hash(session_id), "at": at})

    async def revoke_all(self, kind: SessionKind, subject_id: str, at: datetime) -> int:
        params = {"kind": str(kind), "subject_id": subject_id, "at": at}
        async with self._pool.connection() as conn:
            cursor = await conn.execute(REVOKE_ALL, params)
            revoked: int = cursor.rowcount
            return revoked
