"""Rate limits at the HTTP edge (README, Limits on use): per API key, per client address for
key guesses and for callbacks that fail authentication, per payment for `verify`. Over the
limit the answer is 429 `rate_limited` with `Retry-After` (`RateLimited`)."""

from __future__ import annotations

from typing import Any

import structlog
from litestar.connection import ASGIConnection

from adapters.rate_limits import Limit, RateLimits
from application.errors import RateLimited
from entrypoints.http.client_address import client_address

log = structlog.get_logger(__name__)


def limits_of(connection: ASGIConnection[Any, Any, Any, Any]) -> RateLimits:
    limits: RateLimits = connection.app.state.container.rate_limits()
    return limits


def address_of(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    settings = connection.app.state.container.settings()
    return client_address(connection, settings.trusted_proxies)


async def take(limit: Limit, key: str, what: str, client: str | None = None) -> None:
    """Count one request for `key`; `RateLimited` when there is no room left."""
    _refuse(await limit.take(key), what, client)


def refuse_when_out(wait: int | None, what: str, client: str | None = None) -> None:
    """`RateLimited` when the `take` that answered `wait` found no room."""
    _refuse(wait, what, client)


def _refuse(wait: int | None, what: str, client: str | None) -> None:
    if wait is not None:
        log.warning("rate_limited", limit=what, retry_after=wait, client=client)
        raise RateLimited(what, wait)
