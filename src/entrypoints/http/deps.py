"""Litestar dependencies: tiny functions that ask the container."""

from __future__ import annotations

import hmac
from typing import Any

from dependency_injector import providers
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.handlers import BaseRouteHandler

from application.errors import Unauthorized
from domain.store import Store
from entrypoints.container import resolve as resolve  # re-exported for the routes


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
    """The store whose API key signs this request (401 otherwise)."""
    authenticate = await resolve(container_of(request).authenticate_store)
    store: Store = await authenticate(bearer(request))
    return store


def admin_guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Operator routes carry `Authorization: Bearer <PAYMENTS_ADMIN_TOKEN>`."""
    expected = container_of(connection).settings().admin_token
    token = bearer(connection) or ""
    if not hmac.compare_digest(token.encode(), expected.encode()):
        raise Unauthorized("invalid admin token")
