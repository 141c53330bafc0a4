"""Newest-first pages: ids sort by creation time, so `id < cursor` continues a list.

A cursor must name an object of the list's owner (`check_cursor`): an unknown id and another
store's both raise `InvalidCursor`, so a client with a stale cursor is told instead of looping
over the first page, and a cursor tells nothing about other stores."""

from __future__ import annotations

from typing import Any, TypeVar

from psycopg import AsyncConnection

from application.errors import InvalidCursor
from application.shared.ports import Page, PageRequest

T = TypeVar("T")


def page_query(select_from: str, conditions: list[str], page: PageRequest) -> str:
    """`select_from` filtered by the given SQL conditions (joined with AND) and the cursor,
    newest first, one row more than the page so `has_more` can be told."""
    if page.starting_after is not None:
        conditions = [*conditions, "id < %(starting_after)s"]
    where = " AND ".join(conditions) or "true"
    return f"{select_from} WHERE {where} ORDER BY id DESC LIMIT %(limit)s"


def page_params(page: PageRequest, **filters: Any) -> dict[str, Any]:
    return {**filters, "starting_after": page.starting_after, "limit": page.limit + 1}


def to_page(items: list[T], page: PageRequest) -> Page[T]:
    return Page(data=items[: page.limit], has_more=len(items) > page.limit)


async def check_cursor(
    conn: AsyncConnection[Any], table: str, page: PageRequest, store_id: str | None = None
) -> None:
    """Raise `InvalidCursor` unless the cursor (if any) is a row of `table`, of `store_id` when
    the list is one store's (`None`: a list of every store's rows, the operators')."""
    if page.starting_after is None:
        return
    scope = "" if store_id is None else " AND store_id = %(store_id)s"
    params = {"id": page.starting_after, "store_id": store_id}
    cur = await conn.execute(f"SELECT 1 FROM {table} WHERE id = %(id)s{scope}", params)
    if await cur.fetchone() is None:
        raise InvalidCursor("starting_after names no item of this list")
