"""The dashboard's stats and the payments list on 1,000,000 payments across 1,000 stores.

The data is made with SQL (`generate_series`) once and kept in the database `bench_queries`
(made again when its row count is not the expected one). Stores are skewed like real
marketplaces: store 1 holds about 10 % of everything (~100,000 payments), the median store
about 500. Each query is the service's own SQL (`adapters.postgres.stats`, the payments
repository's page query), timed by EXPLAIN ANALYZE (planning + execution, median of 5 warm
runs), without the indexes of migration 0004 (dropped inside a transaction rolled back) and
with them.
"""

from __future__ import annotations

import statistics
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from adapters.postgres import stats
from adapters.postgres.embedded import create_database, database_url_for, drop_database
from adapters.postgres.migrate import apply_migrations
from adapters.postgres.paging import page_params, page_query
from adapters.postgres.payments import SELECT_ALL
from application.shared.ports import PageRequest

PAYMENTS = 1_000_000
STORES = 1_000
#: The indexes migration 0004 adds (dropped for the "before" figures).
NEW_INDEXES = (
    "payments_store_created_idx",
    "payments_store_succeeded_idx",
    "orders_store_created_idx",
)

# u in [0, 1) from g (a multiplicative hash), the store is 1 + floor(1000 u^3).
_U = "((g::bigint * 2654435761) %% 4294967296)::float8 / 4294967296"
_STORE = f"'sto_q' || lpad((1 + floor({STORES} * ({_U})^3))::int::text, 5, '0')"
_PICK = "((g::bigint * 40503) %% 100)"  # outcome bucket 0..99
_CREATED = f"%(start)s::timestamptz + make_interval(secs => g * {31_536_000 / PAYMENTS})"

GENERATE = [
    f"""
    INSERT INTO stores (id, name, api_key_hash, api_key_prefix, webhook_secret, created_at,
                        updated_at)
    SELECT 'sto_q' || lpad(s::text, 5, '0'), 'Store ' || s, md5('key' || s), 'sk_q',
           'whsec_q', %(start)s, %(start)s
    FROM generate_series(1, {STORES}) s
    """,
    f"""
    INSERT INTO orders (id, store_id, reference, status, amount, currency, items, metadata,
                        created_at, updated_at, expires_at, paid_at, version)
    SELECT 'ord_q' || lpad(g::text, 22, '0'), {_STORE}, 'R-' || g,
           CASE WHEN {_PICK} < 70 THEN 'paid' WHEN {_PICK} < 95 THEN 'expired'
                ELSE 'pending_payment' END,
           500 + (g %% 200) * 100, 'XOF', '[]', '{{}}', {_CREATED}, {_CREATED},
           {_CREATED} + interval '1 day',
           CASE WHEN {_PICK} < 70 THEN {_CREATED} + interval '30 seconds' END, 1
    FROM generate_series(1, {PAYMENTS}) g
    """,
    f"""
    INSERT INTO payments (id, order_id, store_id, provider, status, amount, currency, phone,
                          provider_reference, provider_data, failure_code, created_at,
                          updated_at, succeeded_at, expires_at, version)
    SELECT 'pay_q' || lpad(g::text, 22, '0'), 'ord_q' || lpad(g::text, 22, '0'), {_STORE},
           (ARRAY['orange_money', 'mtn_momo', 'wave', 'moov_money'])[1 + g %% 4],
           CASE WHEN {_PICK} < 70 THEN 'succeeded' WHEN {_PICK} < 85 THEN 'failed'
                WHEN {_PICK} < 95 THEN 'expired' ELSE 'pending' END,
           500 + (g %% 200) * 100, 'XOF', '+22507' || lpad((g %% 100000000)::text, 8, '0'),
           'ref_' || g, '{{}}',
           CASE WHEN {_PICK} BETWEEN 70 AND 84 THEN 'insufficient_funds' END,
           {_CREATED}, {_CREATED},
           CASE WHEN {_PICK} < 70 THEN {_CREATED} + interval '30 seconds' END,
           {_CREATED} + interval '30 minutes', 2
    FROM generate_series(1, {PAYMENTS}) g
    """,
]


def ensure_data(server: str, name: str, end: datetime) -> str:
    url = database_url_for(server, name)
    try:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT count(*) FROM payments").fetchone()
            if row is not None and row[0] == PAYMENTS:
                return url
    except psycopg.OperationalError:
        pass
    drop_database(server, name)
    create_database(server, name)
    apply_migrations(url)
    start = end - timedelta(days=365)
    print("generating 1,000,000 orders and payments ...", flush=True)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SET synchronous_commit = off")
        for statement in GENERATE:
            conn.execute(statement, {"start": start})  # type: ignore[arg-type]
        conn.execute("VACUUM ANALYZE")
    return url


def _store_sizes(conn: psycopg.Connection[Any]) -> dict[str, tuple[str, int]]:
    rows = conn.execute(
        "SELECT store_id, count(*) FROM payments GROUP BY store_id ORDER BY count(*) DESC"
    ).fetchall()
    largest, median = rows[0], rows[len(rows) // 2]
    return {"largest": (largest[0], largest[1]), "median": (median[0], median[1])}


def _queries(store_id: str, end: datetime) -> list[tuple[str, str, dict[str, Any]]]:
    params = {"store_id": store_id, "start": end - timedelta(days=30), "end": end}
    first = PageRequest(limit=20)
    found: list[tuple[str, str, dict[str, Any]]] = [
        ("stats.revenue", stats.REVENUE, params),
        ("stats.orders_by_status", stats.ORDERS_BY_STATUS, params),
        ("stats.payments_by_status", stats.PAYMENTS_BY_STATUS, params),
        ("stats.payments_by_provider", stats.PAYMENTS_BY_PROVIDER, params),
        ("stats.daily_revenue", stats.DAILY_REVENUE, params),
        (
            "list.first_page",
            page_query(SELECT_ALL, ["store_id = %(store_id)s"], first),
            page_params(first, store_id=store_id),
        ),
        (
            "list.status_failed",
            page_query(SELECT_ALL, ["store_id = %(store_id)s", "status = %(status)s"], first),
            page_params(first, store_id=store_id, status="failed"),
        ),
    ]
    return found


def _time(conn: psycopg.Connection[Any], sql: str, params: dict[str, Any]) -> tuple[float, str]:
    timings, plan = [], ""
    for _ in range(6):
        rows = conn.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}", params).fetchall()  # type: ignore[arg-type]
        text = "\n".join(row[0] for row in rows)
        planning = float(text.split("Planning Time: ")[1].split(" ms")[0])
        execution = float(text.split("Execution Time: ")[1].split(" ms")[0])
        timings.append(planning + execution)
        plan = text
    return round(statistics.median(timings[1:]), 2), plan


def _deeper_page(conn: psycopg.Connection[Any], store_id: str) -> tuple[str, str, dict[str, Any]]:
    """The 50th page: the cursor is the last id of the 49th."""
    row = conn.execute(
        "SELECT id FROM payments WHERE store_id = %s ORDER BY id DESC OFFSET 979 LIMIT 1",
        (store_id,),
    ).fetchone()
    page = PageRequest(limit=20, starting_after=row[0] if row else None)
    sql = page_query(SELECT_ALL, ["store_id = %(store_id)s"], page)
    return "list.page_50", sql, page_params(page, store_id=store_id)


def run(server: str, name: str = "bench_queries") -> list[dict[str, Any]]:
    end = datetime.now(UTC).replace(microsecond=0)
    url = ensure_data(server, name, end)
    results = []
    with psycopg.connect(url) as conn:
        sizes = _store_sizes(conn)
        for label, (store_id, size) in sizes.items():
            queries = [*_queries(store_id, end), _deeper_page(conn, store_id)]
            for name, sql, params in queries:
                with conn.transaction(force_rollback=True):
                    for index in NEW_INDEXES:
                        conn.execute(f"DROP INDEX IF EXISTS {index}")
                    before, before_plan = _time(conn, sql, params)
                after, after_plan = _time(conn, sql, params)
                results.append(
                    {
                        "name": f"{name} ({label} store, {size} payments)",
                        "before_ms": before,
                        "after_ms": after,
                        "before_plan": before_plan,
                        "after_plan": after_plan,
                    }
                )
                print(f"{results[-1]['name']}: {before} ms -> {after} ms", flush=True)
            total_before = sum(r["before_ms"] for r in results[-8:-3])
            total_after = sum(r["after_ms"] for r in results[-8:-3])
            results.append(
                {
                    "name": f"stats, all five queries ({label} store)",
                    "before_ms": round(total_before, 2),
                    "after_ms": round(total_after, 2),
                }
            )
    return results
