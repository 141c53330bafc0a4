"""The desk's and the vendor's forms, given hostile input (NUL and control characters, bytes
that are not UTF-8, huge values, numbers `int()` cannot read, a field sent twice, malformed
URLs), answer a clear 4xx page (or the vendor's page again with its error), never a 500, and
write nothing: every business table is compared before and after."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
from psycopg_pool import AsyncConnectionPool
from tests.integration.conftest import StoreKeys
from tests.integration.desk_helpers import flag, open_payment
from tests.integration.refunds.helpers import succeeded_payment
from tests.integration.test_pages import csrf_of
from tests.integration.test_pages import sign_in as vendor_sign_in

from entrypoints.settings import SANDBOX_ADMIN_TOKEN

TABLES = (
    "stores", "orders", "order_events", "payments", "payment_events", "refunds", "refund_events",
    "review_resolutions", "audit_log", "operators", "notifications", "notification_attempts",
    "idempotency_keys", "webhook_deliveries", "sandbox_transactions", "sandbox_refunds",
)  # fmt: skip
FORM = {"Content-Type": "application/x-www-form-urlencoded"}

#: Amounts a person could not have meant: `isdigit()` says yes to the first three.
BAD_AMOUNTS = ["²", "¹²³", "٥٠٠", "9" * 5000, "-5", "1e3", "2.5", "0", "\x00", "12\x0034"]


async def fingerprint(pool: AsyncConnectionPool[Any]) -> dict[str, tuple[int, str | None]]:
    found = {}
    async with pool.connection() as conn:
        for table in TABLES:
            cursor = await conn.execute(
                f"SELECT count(*), md5(string_agg(t::text, '|' ORDER BY t::text)) FROM {table} t"
            )
            row = await cursor.fetchone()
            assert row is not None
            found[table] = (int(row[0]), row[1])
    return found


@dataclass
class Desk:
    """A store with a double payment in the operators' queue and a succeeded payment, an
    operator and its vendor signed in, and the CSRF tokens of their pages."""

    store: StoreKeys
    flagged: str
    paid: str
    desk_csrf: str
    vendor_csrf: str


@pytest.fixture
async def world(
    client: Any, store: StoreKeys, pool: AsyncConnectionPool[Any]
) -> AsyncIterator[Desk]:
    client.cookies.clear()
    flagged = await open_payment(client, store.headers, "CMD-H1")
    await flag(pool, flagged, "needs_refund")
    paid = (await succeeded_payment(client, store, pool))["id"]
    login = await client.get("/admin/login/")
    signed = await client.post(
        "/admin/login/", data={"token": SANDBOX_ADMIN_TOKEN, "_csrf_token": csrf_of(login)}
    )
    assert signed.status_code == 200, signed.text  # followed to the queue
    desk_csrf = csrf_of(await client.get("/admin/queue/"))
    await vendor_sign_in(client, store)
    vendor_csrf = csrf_of(await client.get(f"/payments/{paid}/"))
    yield Desk(store, flagged, paid, desk_csrf, vendor_csrf)
    client.cookies.clear()


async def post(client: Any, path: str, csrf: str, body: bytes) -> Any:
    content = body + b"&_csrf_token=" + csrf.encode()
    return await client.post(path, content=content, headers=FORM, follow_redirects=False)


def field(name: str, value: str | bytes) -> bytes:
    from urllib.parse import quote_from_bytes

    raw = value.encode("utf-8", "surrogatepass") if isinstance(value, str) else value
    return name.encode() + b"=" + quote_from_bytes(raw).encode()


async def refused(client: Any, pool: Any, path: str, csrf: str, body: bytes) -> Any:
    before = await fingerprint(pool)
    answer = await post(client, path, csrf, body)
    assert await fingerprint(pool) == before, f"{path} {body[:80]!r} changed the database"
    assert answer.status_code < 500, (path, body[:80], answer.text[:300])
    return answer


@pytest.mark.parametrize("amount", BAD_AMOUNTS)
async def test_the_queue_refuses_an_amount_it_cannot_read(
    client: Any, pool: Any, world: Desk, amount: str
) -> None:
    path = f"/admin/queue/{world.flagged}/resolve/"
    body = b"action=refund&" + field("amount", amount)
    answer = await refused(client, pool, path, world.desk_csrf, body)
    assert answer.status_code == 422 and answer.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("amount", BAD_AMOUNTS)
async def test_the_vendor_refund_form_refuses_an_amount_it_cannot_read(
    client: Any, pool: Any, world: Desk, amount: str
) -> None:
    path = f"/payments/{world.paid}/refunds/"
    answer = await refused(client, pool, path, world.vendor_csrf, field("amount", amount))
    if answer.status_code == 303:  # back to the payment's page, which shows the error
        assert "refund_error=validation_failed" in answer.headers["location"]
    else:  # a control character or a value longer than any form field: the error page
        assert answer.status_code == 422 and answer.headers["content-type"].startswith("text/")


@pytest.mark.parametrize(
    "url",
    [
        "http://[::1/x", "https://8.8.8.8:99999/", "https://shop.example:-1/", "http://[::1]x/",
        "https://[zz::1]/", "https://\x00.example/", "https://shop.example/" + "a" * 5000,
        "javascript:alert(1)",
    ],
)  # fmt: skip
async def test_the_store_page_refuses_a_notification_url_it_cannot_use(
    client: Any, pool: Any, world: Desk, url: str
) -> None:
    path = f"/admin/stores/{world.store.id}/notification-url/"
    answer = await refused(client, pool, path, world.desk_csrf, field("notification_url", url))
    assert answer.status_code == 422 and answer.headers["content-type"].startswith("text/html")


def hostile_fields(names: list[str]) -> list[tuple[str, bytes]]:
    """(description, form body) pairs: control characters, invalid UTF-8, a huge value, a
    field given twice, for each of the form's fields."""
    cases = []
    for name in names:
        cases += [
            (f"{name} NUL", field(name, "a\x00b")),
            (f"{name} escape", field(name, "\x1b[2J\x7f")),
            (f"{name} not UTF-8", field(name, b"\xff\xfe\xc3")),
            (f"{name} huge", field(name, "A" * 200_000)),
            (f"{name} twice", field(name, "a") + b"&" + field(name, "b")),
        ]
    return cases


DESK_FORMS = [
    ("/admin/login/", ["token"]),
    ("/admin/queue/{flagged}/resolve/", ["action", "reason", "reference", "amount"]),
    ("/admin/stores/{store}/suspend/", ["reason"]),
    ("/admin/stores/{store}/notification-url/", ["notification_url"]),
]
VENDOR_FORMS = [
    ("/store/login/", ["api_key"]),
    ("/payments/{paid}/refunds/", ["amount", "reason"]),
]
FORMS = [(p, c, True) for p, names in DESK_FORMS for c in hostile_fields(names)] + [
    (p, c, False) for p, names in VENDOR_FORMS for c in hostile_fields(names)
]


@pytest.mark.parametrize(
    ("template", "case", "desk"), FORMS, ids=[f"{p} {c[0]}" for p, c, _ in FORMS]
)
async def test_hostile_form_fields_get_a_4xx_and_change_nothing(
    client: Any, pool: Any, world: Desk, template: str, case: tuple[str, bytes], desk: bool
) -> None:
    path = template.format(flagged=world.flagged, store=world.store.id, paid=world.paid)
    if "login" in path:  # the sign-in forms' CSRF tokens are those of their own pages
        csrf = csrf_of(await client.get(path))
    else:
        csrf = world.desk_csrf if desk else world.vendor_csrf
    answer = await refused(client, pool, path, csrf, case[1])
    if answer.status_code == 303:  # the vendor's refund form shows its error on its page
        assert "refund_error=" in answer.headers["location"], answer.headers["location"]
    else:
        assert 400 <= answer.status_code < 500, answer.text[:300]
