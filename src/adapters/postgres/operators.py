"""Operators (named operator tokens) in Postgres."""

from __future__ import annotations

from typing import Any

from psycopg import AsyncConnection
from psycopg.errors import UniqueViolation

from adapters.postgres.rows import fetch_all, fetch_one
from application.errors import OperatorNameRefused
from domain.operator import Operator

_COLUMNS = "id, name, token_hash, token_prefix, created_at, revoked_at"

INSERT = """
INSERT INTO operators (id, name, token_hash, token_prefix, created_at, revoked_at)
VALUES (%(id)s, %(name)s, %(token_hash)s, %(token_prefix)s, %(created_at)s, %(revoked_at)s)
"""
SELECT_BY_ID = f"SELECT {_COLUMNS} FROM operators WHERE id = %(value)s"
SELECT_BY_NAME = f"SELECT {_COLUMNS} FROM operators WHERE name = %(value)s"
SELECT_BY_TOKEN = f"SELECT {_COLUMNS} FROM operators WHERE token_hash = %(value)s"
SELECT_ALL = f"SELECT {_COLUMNS} FROM operators ORDER BY id"
UPDATE = "UPDATE operators SET revoked_at = %(revoked_at)s WHERE id = %(id)s"


class PostgresOperatorRepository:
    def __init__(self, conn: AsyncConnection[Any]) -> None:
        self._conn = conn

    async def add(self, operator: Operator) -> None:
        try:
            await self._conn.execute(INSERT, _params(operator))
        except UniqueViolation as error:
            raise OperatorNameRefused(f"an operator is already named {operator.name!r}") from error

    async def by_token_hash(self, token_hash: str) -> Operator | None:
        return await fetch_one(self._conn, SELECT_BY_TOKEN, {"value": token_hash}, _to_operator)

    async def by_name(self, name: str) -> Operator | None:
        return await fetch_one(self._conn, SELECT_BY_NAME, {"value": name}, _to_operator)

    async def get(self, operator_id: str) -> Operator | None:
        return await fetch_one(self._conn, SELECT_BY_ID, {"value": operator_id}, _to_operator)

    async def all(self) -> list[Operator]:
        return await fetch_all(self._conn, SELECT_ALL, {}, _to_operator)

    async def save(self, operator: Operator) -> None:
        await self._conn.execute(UPDATE, _params(operator))


def _params(operator: Operator) -> dict[str, Any]:
    return {
        "id": operator.id,
        "name": operator.name,
        "token_hash": operator.token_hash,
        "token_prefix": operator.token_prefix,
        "created_at": operator.created_at,
        "revoked_at": operator.revoked_at,
    }


def _to_operator(row: dict[str, Any]) -> Operator:
    return Operator(
        id=row["id"],
        name=row["name"],
        token_hash=row["token_hash"],
        token_prefix=row["token_prefix"],
        created_at=row["created_at"],
        revoked_at=row["revoked_at"],
    )
