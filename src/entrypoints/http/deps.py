"""Litestar dependencies: tiny functions that ask the container."""

from __future__ import annotations

import hmac
from typing import Any

import structlog
from dependency_injector import providers
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.handlers import BaseRouteHandler

from application.errors import Unauthorized
from domain.store import Store
from entrypoints.container import resolve as resolve  # re-exported for the routes
from entrypoints.http import throttle

log = structlog.get_logger(__name__)


def container_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Any:
    return connection.app.state.container


def use(provider: providers.Provider[Any]) -> Provide:
    """A Litestar dependency asking the container for `provider`."""

    async def provide() -> Any:
        return await resolve(provider)

    return Provide(provide)


def bearer(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def provide_store(request: Request[Any, Any, Any]) -> Store:
    """The store whose API key signs this request (401 otherwise). Rate limited per API key,
    and per client address for wrong keys: an address that guessed too many is refused (429)
    whatever key it sends, until its room is back."""
    limits, client = throttle.limits_of(request), throttle.address_of(request)
    throttle.refuse_while_blocked(limits.login, client, "key guesses per address", client)
    authenticate = await resolve(container_of(request).authenticate_store)
    try:
        store: Store = await authenticate(bearer(request))
    except Unauthorized:
        log.warning("api.unauthorized", client=client)
        limits.login.take(client)
        raise
    throttle.take(limits.api, store.id, "API requests per key")
    return store


def admin_guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Operator routes carry `Authorization: Bearer <PAYMENTS_ADMIN_TOKEN>` (wrong tokens
    count as key guesses of the client's address, like wrong API keys)."""
    limits, client = throttle.limits_of(connection), throttle.address_of(connection)
    throttle.refuse_while_blocked(limits.login, client, "key guesses per address", client)
    expected = container_of(connection).settings().admin_token
    token = bearer(connection) or ""
    if not hmac.compare_digest(token.encode(), expected.encode()):
        log.warning("admin.unauthorized", client=client)
        limits.login.take(client)
        raise Unauthorized("invalid admin token")
