"""Authentication over HTTP (entrypoints/http/authentication.py): guesses checked in
parallel still meet the limit, a right key is served whatever wrong ones did, and a page
session is a server-side row that signing out, revoking the operator or rotating the key
ends (a copied cookie is refused afterwards); the bootstrap token can be switched off."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from dependency_injector import providers
from tests.fakes import FakeClock
from tests.integration.conftest import ADMIN, StoreKeys
from tests.integration.test_desk_pages import sign_in as desk_sign_in
from tests.integration.test_pages import sign_in
from tests.limits import HIGH_LIMITS

from adapters.postgres.sessions import PostgresSessionStore
from adapters.rate_limits import RateLimits
from application.stores.sign_in_sessions import SessionKind, SessionPolicies, SignInSessions
from entrypoints.container import Container, resolve
from entrypoints.settings import Settings


class FrozenMonotonic:
    def __call__(self) -> float:
        return 1000.0


@pytest.fixture
def ten_a_minute(container: Container) -> Iterator[None]:
    """Ten wrong keys a minute per address, on a clock that does not move."""
    limits = RateLimits(replace(HIGH_LIMITS, login_per_minute=10), now=FrozenMonotonic())
    with container.rate_limits.override(providers.Object(limits)):
        yield


@pytest.fixture
def cookies(client: Any) -> Iterator[None]:
    client.cookies.clear()
    yield
    client.cookies.clear()


async def test_right_keys_use_no_room_and_are_served_once_it_is_gone(
    client: Any, store: StoreKeys, ten_a_minute: None
) -> None:
    for _ in range(30):  # a busy store: far more right keys than the room holds
        assert (await client.get("/api/v1/orders", headers=store.headers)).status_code == 200
    wrong = {"Authorization": "Bearer sk_test_rotated_long_ago"}
    codes = [(await client.get("/api/v1/orders", headers=wrong)).status_code for _ in range(12)]
    assert codes == [401] * 10 + [429] * 2
    assert (await client.get("/api/v1/orders", headers=store.headers)).status_code == 200


async def test_a_vendor_cookie_copied_before_signing_out_is_refused_after(
    client: Any, store: StoreKeys, cookies: None
) -> None:
    await sign_in(client, store)
    copied = dict(client.cookies)
    assert (await client.get("/store/dashboard/")).status_code == 200
    page = await client.get("/store/dashboard/")
    token = page.text.split('name="_csrf_token" value="')[1].split('"')[0]
    await client.post("/store/logout/", data={"_csrf_token": token}, follow_redirects=False)
    client.cookies.clear()
    for name, value in copied.items():
        client.cookies.set(name, value)
    replayed = await client.get("/store/dashboard/", follow_redirects=False)
    assert replayed.status_code == 303 and replayed.headers["location"] == "/store/login/"


async def test_an_operator_cookie_copied_before_signing_out_is_refused_after(
    client: Any, cookies: None
) -> None:
    assert (await desk_sign_in(client, "sandbox-admin-token")).status_code == 303
    copied = dict(client.cookies)
    page = await client.get("/admin/queue/")
    assert page.status_code == 200
    token = page.text.split('name="_csrf_token" value="')[1].split('"')[0]
    await client.post("/admin/logout/", data={"_csrf_token": token}, follow_redirects=False)
    client.cookies.clear()
    for name, value in copied.items():
        client.cookies.set(name, value)
    replayed = await client.get("/admin/queue/", follow_redirects=False)
    assert replayed.status_code == 303 and replayed.headers["location"] == "/admin/login/"


async def test_revoking_an_operator_or_rotating_a_key_ends_their_sessions_rows(
    client: Any, store: StoreKeys, container: Container, pool: Any, cookies: None
) -> None:
    new = await (await resolve(container.create_operator))("Aminata")
    assert (await desk_sign_in(client, new.token)).status_code == 303
    client.cookies.clear()
    await sign_in(client, store)
    await (await resolve(container.revoke_operator))("Aminata")
    rotated = await client.post(f"/api/v1/admin/stores/{store.id}/rotate-key", headers=ADMIN)
    assert rotated.status_code in (200, 201), rotated.text
    async with pool.connection() as conn:
        cursor = await conn.execute(
            "SELECT kind, revoked_at IS NOT NULL FROM sign_in_sessions ORDER BY kind"
        )
        assert await cursor.fetchall() == [("operator", True), ("vendor", True)]


async def test_the_bootstrap_token_can_be_switched_off(
    client: Any, container: Container, settings: Settings
) -> None:
    named = await (await resolve(container.create_operator))("Aminata")
    assert (await client.get("/api/v1/admin/queue", headers=ADMIN)).status_code == 200
    with container.settings.override(replace(settings, admin_token_disabled=True)):
        container.authenticate_operator.reset()
        try:
            refused = await client.get("/api/v1/admin/queue", headers=ADMIN)
            named_in = {"Authorization": f"Bearer {named.token}"}
            served = await client.get("/api/v1/admin/queue", headers=named_in)
        finally:
            container.authenticate_operator.reset()
    assert (refused.status_code, served.status_code) == (401, 200)
    assert (await client.get("/api/v1/admin/queue", headers=ADMIN)).status_code == 200


async def test_an_operator_session_idles_out_and_any_session_ends_with_its_lifetime(
    pool: Any, clean_db: None
) -> None:
    clock = FakeClock(datetime(2026, 3, 2, 9, 0, tzinfo=UTC))
    sessions = SignInSessions(PostgresSessionStore(pool), clock, SessionPolicies())
    operator = await sessions.open(SessionKind.OPERATOR, "opr_1")
    vendor = await sessions.open(SessionKind.VENDOR, "sto_1")
    for _ in range(3):  # used every 29 minutes: kept alive
        clock.advance(timedelta(minutes=29))
        assert await sessions.subject(SessionKind.OPERATOR, operator) == "opr_1"
    assert await sessions.subject(SessionKind.VENDOR, operator) is None  # not a vendor's
    clock.advance(timedelta(minutes=31))
    assert await sessions.subject(SessionKind.OPERATOR, operator) is None  # idled out
    assert await sessions.subject(SessionKind.VENDOR, vendor) == "sto_1"  # vendors: 12 h
    clock.advance(timedelta(hours=11))
    assert await sessions.subject(SessionKind.VENDOR, vendor) is None


def _plant(client: Any, token: str) -> None:
    """The browser's `csrftoken` cookie is `token`, and only it."""
    client.cookies.delete("csrftoken")
    client.cookies.set("csrftoken", token)


def _token_of(page: Any) -> str:
    token: str = page.text.split('name="_csrf_token" value="')[1].split('"')[0]
    return token


async def test_a_csrf_token_minted_anonymously_is_refused_with_a_victims_session(
    client: Any, store: StoreKeys, cookies: None
) -> None:
    anonymous = await client.get("/store/login/")  # the attacker's own visit, no session
    planted = (_token_of(anonymous), client.cookies["csrftoken"])
    await sign_in(client, store)  # the victim's browser
    victims = _token_of(await client.get("/store/dashboard/"))
    own_cookie = client.cookies["csrftoken"]
    _plant(client, planted[1])  # the attacker's token, cookie and form alike
    forged = await client.post(
        "/store/logout/", data={"_csrf_token": planted[0]}, follow_redirects=False
    )
    assert forged.status_code == 403
    assert (await client.get("/store/dashboard/", follow_redirects=False)).status_code == 200
    assert victims != planted[0]  # signing in gave the session a token of its own
    _plant(client, own_cookie)
    done = await client.post(
        "/store/logout/", data={"_csrf_token": victims}, follow_redirects=False
    )
    assert done.status_code == 303
