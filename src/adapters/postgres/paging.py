"""Newest-first pages: ids sort by creation time, so `id < cursor` continues a list."""

from __future__ import annotations

from typing import Any, TypeVar

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
