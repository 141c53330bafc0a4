"""The audit log in Postgres: INSERT and SELECT only (a trigger refuses UPDATE and DELETE)."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.types.json import Jsonb

from adapters.postgres.paging import check_cursor, page_params, page_query, to_page
from adapters.postgres.rows import fetch_all
from application.shared.ports import Page, PageRequest
from application.stores.ports import AuditFilter
from domain.audit import AuditEntry
from domain.operator import Actor

INSERT = """
INSERT INTO audit_log (id, actor_id, actor_name, action, subject_type, subject_id, before,
                       after, reason, created_at)
VALUES (%(id)s, %(actor_id)s, %(actor_name)s, %(action)s, %(subject_type)s, %(subject_id)s,
        %(before)s, %(after)s, %(reason)s, %(created_at)s)
"""

SELECT = """
SELECT id, actor_id, actor_name, action, subject_type, subject_id, before, after, reason,
       created_at
FROM audit_log
"""


class PostgresAuditLog:
    def __init__(self, conn: AsyncConnection[Any]) -> None:
        self._conn = conn

    async def append(self, entry: AuditEntry) -> None:
        await self._conn.execute(
            INSERT,
            {
                "id": entry.id,
                "actor_id": entry.actor.id,
                "actor_name": entry.actor.name,
                "action": entry.action,
                "subject_type": entry.subject_type,
                "subject_id": entry.subject_id,
                "before": None if entry.before is None else Jsonb(entry.before),
                "after": None if entry.after is None else Jsonb(entry.after),
                "reason": entry.reason,
                "created_at": entry.at,
            },
        )

    async def search(self, filters: AuditFilter, page: PageRequest) -> Page[AuditEntry]:
        await check_cursor(self._conn, "audit_log", page)
        conditions = []
        if filters.subject_id:
            conditions.append("subject_id = %(subject_id)s")
        if filters.actor_id:
            conditions.append("actor_id = %(actor_id)s")
        params = page_params(page, subject_id=filters.subject_id, actor_id=filters.actor_id)
        rows = await fetch_all(self._conn, page_query(SELECT, conditions, page), params, _to_entry)
        return to_page(rows, page)


def _to_entry(row: dict[str, Any]) -> AuditEntry:
    return AuditEntry(
        id=row["id"],
        actor=Actor(row["actor_id"], row["actor_name"]),
        action=row["action"],
        subject_type=row["subject_type"],
        subject_id=row["subject_id"],
        at=row["created_at"],
        before=row["before"],
        after=row["after"],
        reason=row["reason"],
    )
