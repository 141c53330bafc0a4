"""The store's new events, read from `GET /api/v1/events` (newest first, paginated).

Rules: events that exist when the feed starts are never returned (like Stripe's `listen`, only
what happens from now on is forwarded); each event is returned once, oldest first; an event
committed late with an id older than one already seen is still returned (ids are compared with
the set of ids seen, not with the newest one); paging stops at the first page whose events were
all seen already."""

from __future__ import annotations

import uuid
from typing import Any

import httpx

from entrypoints.developer.connection import problem

PAGE = 100
#: The polls' request ids start with it, so that `payments logs` can leave them out.
POLL_REQUEST_ID = "payments-listen-"


class FeedRefused(Exception):
    """The service refused the request (a wrong key, a suspended store...): polling again
    would not help."""


class EventFeed:
    def __init__(self, client: httpx.Client, wanted: frozenset[str] = frozenset()) -> None:
        self._client = client
        self._wanted = wanted
        self._seen: set[str] = set()
        self._started = False

    def start(self) -> None:
        """Mark every event that exists now as seen."""
        self._pages()
        self._started = True

    def new_events(self) -> list[dict[str, Any]]:
        """The events created since the last call, oldest first (those of `wanted` types only
        when it is not empty)."""
        if not self._started:
            self.start()
        fresh = self._pages()
        return [e for e in reversed(fresh) if not self._wanted or e["type"] in self._wanted]

    def _pages(self) -> list[dict[str, Any]]:
        fresh: list[dict[str, Any]] = []
        cursor: str | None = None
        while True:
            page = self._page(cursor)
            unseen = [e for e in page["data"] if e["id"] not in self._seen]
            fresh += unseen
            self._seen.update(e["id"] for e in unseen)
            cursor = page.get("next_cursor")
            if not unseen or not page.get("has_more") or not cursor:
                return fresh

    def _page(self, cursor: str | None) -> dict[str, Any]:
        params: dict[str, str | int] = {"limit": PAGE}
        if cursor:
            params["starting_after"] = cursor
        request_id = {"X-Request-ID": f"{POLL_REQUEST_ID}{uuid.uuid4().hex}"}
        response = self._client.get("/api/v1/events", params=params, headers=request_id)
        if response.status_code in (401, 403):
            raise FeedRefused(problem(response))
        response.raise_for_status()
        body: dict[str, Any] = response.json()
        return body
