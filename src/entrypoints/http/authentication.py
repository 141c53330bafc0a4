"""Authentication at the HTTP edge: the four kinds of credential, and the one throttling
policy for checking them.

The credentials:
- a store's API key (`Authorization: Bearer sk_...`) on the JSON API (`provide_store`);
- an operator token, a named operator's or the bootstrap `PAYMENTS_ADMIN_TOKEN` (refused
  when `ADMIN_TOKEN_DISABLED` is set), on the operators' API (`admin_guard`);
- a vendor session and an operator session on the hosted pages: the pages' signed,
  encrypted cookie names a server-side session (`SignInSessions`), opened by signing in
  with one of the two above (`sign_in`), ended by signing out (`sign_out`), by rotating the
  store's key or revoking the operator, and by its lifetime (operators: also idle time).

The throttling policy (`checked`), per client address, `RATE_LIMIT_LOGIN_PER_MINUTE`:
- one token of the address's room is taken *before* the credential is checked, so that
  parallel guesses cannot all be checked against the same room;
- a wrong credential keeps its token: 401 while the room lasted, 429 with `Retry-After`
  once it is used up;
- a right credential gives its token back: right keys never use up the room. On the API a
  right key is served even when the room is empty (stores behind one address with a
  guesser, or a process left with a rotated key, keep selling); on the sign-in pages, where
  people type, an empty room refuses every attempt, right or wrong, before any check.
A page's session cookie is not throttled: it is checked against its server-side row.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import structlog
from litestar import Request
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler

from application.errors import RateLimited, Unauthorized
from application.stores.sign_in_sessions import SessionKind, SignInSessions
from domain.operator import Actor
from domain.store import Store
from entrypoints.container import Container, resolve
from entrypoints.http import throttle

log = structlog.get_logger(__name__)

T = TypeVar("T")
Connection = ASGIConnection[Any, Any, Any, Any]


@dataclass(frozen=True, slots=True)
class Door:
    """Where a credential is checked: its log events, and whether people use it."""

    refused: str  # logged for each wrong credential
    limited: str  # logged for each attempt refused for want of room
    people: bool = False


API_KEY = Door("api.unauthorized", "rate_limited")
OPERATOR_TOKEN = Door("admin.unauthorized", "rate_limited")
VENDOR_SIGN_IN = Door("login.failed", "login.rate_limited", people=True)
DESK_SIGN_IN = Door("desk.login_failed", "desk.login_rate_limited", people=True)
ROOM = "key guesses per address"


def _container(connection: Connection) -> Container:
    return cast(Container, connection.app.state.container)


async def checked(connection: Connection, door: Door, check: Callable[[], Awaitable[T]]) -> T:
    """`check()`'s answer under the throttling policy (module docstring): `Unauthorized`
    for a wrong credential with room left, `RateLimited` once the room is used up."""
    limits, client = throttle.limits_of(connection), throttle.address_of(connection)
    wait = await limits.login.take(client)
    if wait is not None and door.people:
        log.warning(door.limited, limit=ROOM, client=client, retry_after=wait)
        raise RateLimited(ROOM, wait)
    try:
        found = await check()
    except Unauthorized:
        log.warning(door.refused, client=client)
        if wait is None:
            raise
        log.warning(door.limited, limit=ROOM, client=client, retry_after=wait)
        raise RateLimited(ROOM, wait) from None
    except BaseException:  # a right key of a suspended store, a database fault: not a guess
        if wait is None:
            await limits.login.give_back(client)
        raise
    if wait is None:
        await limits.login.give_back(client)
    return found


def bearer(connection: Connection) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


async def provide_store(request: Request[Any, Any, Any]) -> Store:
    """The store whose API key signs this request (401, or 429 for an address that sent too
    many wrong keys). Then rate limited per API key."""
    authenticate = await resolve(_container(request).authenticate_store)
    store: Store = await checked(request, API_KEY, lambda: authenticate(bearer(request)))
    await throttle.take(throttle.limits_of(request).api, store.id, "API requests per key")
    return store


async def admin_guard(connection: Connection, _: BaseRouteHandler) -> None:
    """Operator routes carry `Authorization: Bearer <token>`: an operator's named token, or
    the bootstrap `PAYMENTS_ADMIN_TOKEN` (401 otherwise; wrong tokens count as key guesses of
    the client's address, like wrong API keys). The operator is kept for the route
    (`operator`), so that its actions are audited under its name."""
    authenticate = await resolve(_container(connection).authenticate_operator)
    signed_in = await checked(connection, OPERATOR_TOKEN, lambda: authenticate(bearer(connection)))
    connection.state.operator = signed_in.actor


async def provide_operator(request: Request[Any, Any, Any]) -> Actor:
    """The operator `admin_guard` signed in."""
    actor: Actor = request.state.operator
    return actor


# -- the pages' sessions ---------------------------------------------------------------------


async def _sessions(connection: Connection) -> SignInSessions:
    sessions: SignInSessions = await resolve(_container(connection).sign_in_sessions)
    return sessions


async def sign_in(
    request: Request[Any, Any, Any], kind: SessionKind, subject_id: str, **kept: str
) -> None:
    """A new server-side session for `subject_id`, named in the cookie with what is `kept`."""
    session_id = await (await _sessions(request)).open(kind, subject_id)
    request.set_session({**kept, "sid": session_id})


async def session_subject(request: Request[Any, Any, Any], kind: SessionKind) -> str | None:
    """Whose the cookie's session is while it is good (renewing its idle time); None, and
    the cookie cleared, otherwise."""
    session = request.session or {}
    subject = await (await _sessions(request)).subject(kind, session.get("sid"))
    if subject is None:
        request.clear_session()
    return subject


async def sign_out(request: Request[Any, Any, Any]) -> None:
    """The session ends on the server: a copy of the cookie is refused from now on."""
    session = request.session or {}
    await (await _sessions(request)).close(session.get("sid"))
    request.clear_session()
