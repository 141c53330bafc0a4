"""Litestar dependencies: tiny functions that ask the container."""

from __future__ import annotations

from typing import Any

from dependency_injector import providers
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.di import Provide
from litestar.handlers import BaseRouteHandler

from domain.operator import Actor
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


async def admin_guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Operator routes carry `Authorization: Bearer <token>`: an operator's named token, or
    the bootstrap `PAYMENTS_ADMIN_TOKEN` (401 otherwise). The operator is kept for the route
    (`operator`), so that its actions are audited under its name."""
    authenticate = await resolve(container_of(connection).authenticate_operator)
    signed_in = await authenticate(bearer(connection))
    connection.state.operator = signed_in.actor


async def provide_operator(request: Request[Any, Any, Any]) -> Actor:
    """The operator `admin_guard` signed in."""
    actor: Actor = request.state.operator
    return actor
