"""Two database roles: the owner of the tables runs the migrations; the service (`serve`,
`worker`) connects as a role that owns nothing and holds only the grants below.

Rules (granted by the owner after every migration, so tables added later get them too, and
by default for the tables the owner creates afterwards):
- every table: SELECT, INSERT, UPDATE, DELETE; sequences: USAGE, SELECT, UPDATE; functions:
  EXECUTE. Never TRUNCATE, REFERENCES or TRIGGER.
- the append-only tables (those guarded by a `refuse_..._change()` trigger: the event
  histories, the audit log, the ledger): SELECT and INSERT only, and UPDATE of
  `payment_events.data` and `payout_events.data` for the masking of personal data, which the
  trigger restricts to masking (migration 0013).
- yoyo's own tables: SELECT only (the service checks that no migration is pending).
As the service owns no table it cannot ALTER one, so it cannot disable a trigger either, and
it cannot set `session_replication_role` (superusers only), which would skip them."""

from __future__ import annotations

from urllib.parse import quote, unquote, urlsplit, urlunsplit

import psycopg
from psycopg import sql

APPEND_ONLY_TABLES = """
SELECT DISTINCT c.relname
FROM pg_trigger t
JOIN pg_class c ON c.oid = t.tgrelid
JOIN pg_namespace n ON n.oid = c.relnamespace
JOIN pg_proc p ON p.oid = t.tgfoid
WHERE p.proname LIKE 'refuse\\_%\\_change' AND n.nspname = current_schema() AND NOT t.tgisinternal
ORDER BY c.relname
"""
YOYO_TABLES = """
SELECT tablename FROM pg_tables
WHERE schemaname = current_schema() AND (tablename LIKE '\\_yoyo%' OR tablename = 'yoyo_lock')
"""
MAY_TAKE_THE_LOCK = """
SELECT to_regclass('yoyo_lock') IS NULL OR has_table_privilege('yoyo_lock', 'INSERT')
"""
ROLE_EXISTS = "SELECT 1 FROM pg_roles WHERE rolname = %(role)s"
GRANTS = [
    "GRANT USAGE ON SCHEMA {schema} TO {role}",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {role}",
    "REVOKE TRUNCATE, REFERENCES, TRIGGER ON ALL TABLES IN SCHEMA {schema} FROM {role}",
    "GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {role}",
    "GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA {schema} TO {role}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema}"
    " GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {role}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema}"
    " GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {role}",
    "ALTER DEFAULT PRIVILEGES IN SCHEMA {schema} GRANT EXECUTE ON FUNCTIONS TO {role}",
]
APPEND_ONLY = "REVOKE UPDATE, DELETE ON {table} FROM {role}"
READ_ONLY = "REVOKE INSERT, UPDATE, DELETE ON {table} FROM {role}"
#: The phone-retention pass masks numbers in payment and payout events
#: (adapters/postgres/phone_archive.py, payout_archive.py).
MASKABLE = "GRANT UPDATE (data) ON payment_events, payout_events TO {role}"


def may_migrate(url: str) -> bool:
    """Whether the role of `url` may take yoyo's lock (the service's role may not: yoyo would
    wait for a lock it can never take)."""
    with psycopg.connect(url) as conn:
        row = conn.execute(MAY_TAKE_THE_LOCK).fetchone()
    return bool(row and row[0])


def role_of(url: str) -> str:
    """The user a PostgreSQL URL connects as (empty when it names none)."""
    return unquote(urlsplit(url).username or "")


def with_role(url: str, role: str) -> str:
    """The same URL, connecting as `role` without a password (the embedded server trusts local
    connections)."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    return urlunsplit(parts._replace(netloc=f"{quote(role, safe='')}@{host}"))


def create_role(owner_url: str, role: str) -> None:
    """Make `role` a login role that owns nothing, unless it exists (embedded mode)."""
    with psycopg.connect(owner_url, autocommit=True) as conn:
        if conn.execute(ROLE_EXISTS, {"role": role}).fetchone() is None:
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))


def grant_service_role(owner_url: str, role: str) -> None:
    """Give `role` what the service needs, and nothing more, on the owner's schema (see the
    module's rules). Run as the owner, after the migrations; repeating it is harmless."""
    with psycopg.connect(owner_url) as conn:
        schema = conn.execute("SELECT current_schema()").fetchone()
        names = {"schema": sql.Identifier(schema[0] if schema else "public")}
        names["role"] = sql.Identifier(role)
        for statement in GRANTS:
            conn.execute(sql.SQL(statement).format(**names))
        for (table,) in conn.execute(APPEND_ONLY_TABLES).fetchall():
            conn.execute(sql.SQL(APPEND_ONLY).format(table=sql.Identifier(table), **names))
        for (table,) in conn.execute(YOYO_TABLES).fetchall():
            conn.execute(sql.SQL(READ_ONLY).format(table=sql.Identifier(table), **names))
        conn.execute(sql.SQL(MASKABLE).format(**names))
        conn.commit()
