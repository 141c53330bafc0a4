"""The ledger's migration brings what already happened into the ledger: a service upgraded
with money already collected starts with true balances (no fee was charged before)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import psycopg
import pytest
from yoyo import get_backend, read_migrations

from adapters.postgres.embedded import create_database, drop_database
from adapters.postgres.ledger_check import ledger_problems
from adapters.postgres.migrate import MIGRATIONS_DIR, apply_migrations, yoyo_url

LEDGER = "0017a_ledger"

BEFORE = """
INSERT INTO stores (id, name, api_key_hash, api_key_prefix, webhook_secret, created_at,
                    updated_at)
VALUES ('str_A', 'Awa', 'h1', 'sk_a', 'whsec', now(), now()),
       ('str_B', 'Koffi', 'h2', 'sk_b', 'whsec', now(), now());
INSERT INTO orders (id, store_id, reference, status, amount, currency, created_at, updated_at)
VALUES ('ord_1', 'str_A', 'R1', 'paid', 10000, 'XOF', now(), now()),
       ('ord_2', 'str_A', 'R2', 'paid', 3000, 'XOF', now(), now()),
       ('ord_3', 'str_B', 'R3', 'pending_payment', 700, 'XOF', now(), now());
INSERT INTO payments (id, order_id, store_id, provider, status, amount, currency, created_at,
                      updated_at, succeeded_at)
VALUES ('pay_1', 'ord_1', 'str_A', 'wave', 'succeeded', 10000, 'XOF', now(), now(), now()),
       ('pay_2', 'ord_2', 'str_A', 'mtn_momo', 'succeeded', 3000, 'XOF', now(), now(), now()),
       ('pay_3', 'ord_3', 'str_B', 'wave', 'pending', 700, 'XOF', now(), now(), NULL);
INSERT INTO refunds (id, payment_id, order_id, store_id, provider, status, amount, currency,
                     created_at, updated_at)
VALUES ('rfd_1', 'pay_1', 'ord_1', 'str_A', 'wave', 'succeeded', 4000, 'XOF', now(), now()),
       ('rfd_2', 'pay_2', 'ord_2', 'str_A', 'mtn_momo', 'failed', 3000, 'XOF', now(), now()),
       ('rfd_3', 'pay_2', 'ord_2', 'str_A', 'mtn_momo', 'pending', 1000, 'XOF', now(), now());
"""


@pytest.fixture
def upgraded(database_url: str) -> Iterator[str]:
    """A database at the schema before the ledger, with money in it, then upgraded."""
    name = f"test_backfill_{uuid.uuid4().hex[:12]}"
    url = create_database(database_url, name)
    try:
        backend = get_backend(yoyo_url(url))
        try:
            before = read_migrations(str(MIGRATIONS_DIR)).filter(
                lambda m: m.id < LEDGER and not m.id.startswith("0017")
            )
            with backend.lock():
                backend.apply_migrations(backend.to_apply(before))
        finally:
            backend.connection.close()
        with psycopg.connect(url) as conn:
            conn.execute(BEFORE)
        assert LEDGER in apply_migrations(url)
        yield url
    finally:
        drop_database(database_url, name)


def test_the_migration_books_past_sales_and_refunds(upgraded: str) -> None:
    with psycopg.connect(upgraded) as conn:
        balances = conn.execute(
            "SELECT store_id, sum(amount) FROM ledger_entries WHERE account = 'store'"
            " GROUP BY store_id ORDER BY store_id"
        ).fetchall()
        kinds = conn.execute(
            "SELECT type, count(*) FROM ledger_entries WHERE account = 'store'"
            " GROUP BY type ORDER BY type"
        ).fetchall()
        clearing = conn.execute(
            "SELECT provider, -sum(amount) FROM ledger_entries WHERE account = 'clearing'"
            " GROUP BY provider ORDER BY provider"
        ).fetchall()
        problems = ledger_problems(conn)
    # 10000 + 3000 sold; 4000 refunded, 3000 refused (given back), 1000 under way
    assert balances == [("str_A", 8000)]
    assert kinds == [("payment", 2), ("refund", 3), ("refund_reversal", 1)]
    assert clearing == [("mtn_momo", 2000), ("wave", 6000)]
    assert problems == []


def test_the_check_names_a_sale_the_ledger_missed(upgraded: str) -> None:
    with psycopg.connect(upgraded) as conn:
        conn.execute(
            "UPDATE payments SET status = 'succeeded', succeeded_at = now() WHERE id = 'pay_3'"
        )
        problems = ledger_problems(conn)
    assert problems[0] == "1 succeeded payments not booked: pay_3"
    assert problems[-1].startswith("1 store balances that differ") and "str_B XOF" in problems[-1]
