"""Apply the SQL migrations in `migrations/` with yoyo, under yoyo's lock."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from yoyo import get_backend, read_migrations

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
LOCK_TIMEOUT_SECONDS = 60


def apply_migrations(database_url: str) -> list[str]:
    """Apply the pending migrations; return their ids (empty when the schema is current).

    Safe to run twice and from several processes at once: yoyo's lock row serialises them
    and the pending list is read only once the lock is held.
    """
    backend = get_backend(yoyo_url(database_url))
    try:
        with backend.lock(timeout=LOCK_TIMEOUT_SECONDS):
            pending = backend.to_apply(read_migrations(str(MIGRATIONS_DIR)))
            backend.apply_migrations(pending)
            return [migration.id for migration in pending]
    finally:
        backend.connection.close()


def yoyo_url(database_url: str) -> str:
    """`postgresql://...` (or `postgres://`) as yoyo's psycopg 3 backend wants it.

    The rest is kept as is: yoyo passes query parameters such as `host=/socket/dir` (the
    embedded server's socket) to `psycopg.connect` as keyword arguments.
    """
    parts = urlsplit(database_url)
    if parts.scheme not in ("postgresql", "postgres", "postgresql+psycopg"):
        raise ValueError(f"not a PostgreSQL URL: scheme {parts.scheme!r}")
    return urlunsplit(parts._replace(scheme="postgresql+psycopg"))


def pending_migrations(database_url: str) -> list[str]:
    """The ids of the migrations not applied yet (nothing is applied)."""
    backend = get_backend(yoyo_url(database_url))
    try:
        return [
            migration.id for migration in backend.to_apply(read_migrations(str(MIGRATIONS_DIR)))
        ]
    finally:
        backend.connection.close()
