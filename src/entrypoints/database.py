"""Which database, as which role (docs/production.md, two roles).

- The service (`serve`, `worker`, the other commands) connects with `DATABASE_URL`; without it,
  to the embedded PostgreSQL as `payments_service`, a role that owns nothing.
- The migrations run as the owner of the tables: `MIGRATION_DATABASE_URL`, else `DATABASE_URL`
  (one role, as before), else the embedded server's superuser. After them the owner grants the
  service's role what it needs (adapters/postgres/roles.py), when the two roles differ.
- At start, a command migrates when it knows the owner (`MIGRATION_DATABASE_URL` set, or the
  embedded server); with `DATABASE_URL` alone it migrates only when a migration is pending (a
  service role that owns nothing then fails, and says to run `payments migrate`)."""

from __future__ import annotations

from adapters.postgres.embedded import embedded_database_url
from adapters.postgres.migrate import apply_migrations, pending_migrations
from adapters.postgres.roles import (
    create_role,
    grant_service_role,
    may_migrate,
    role_of,
    with_role,
)
from entrypoints.settings import Settings

#: The role the service uses on the embedded server (made by the first migration run).
EMBEDDED_SERVICE_ROLE = "payments_service"


def database_url(settings: Settings) -> str:
    """What the service connects with: DATABASE_URL, or the embedded server as its role."""
    if settings.database_url:
        return settings.database_url
    return with_role(_embedded(settings), EMBEDDED_SERVICE_ROLE)


def owner_url(settings: Settings) -> str:
    """What the migrations run with."""
    return settings.migration_database_url or settings.database_url or _embedded(settings)


def migrate(settings: Settings) -> list[str]:
    """Apply the pending migrations as the owner, then grant the service's role; the ids applied."""
    owner, service = owner_url(settings), database_url(settings)
    applied = apply_migrations(owner)
    role = role_of(service)
    if role and role != role_of(owner):
        if not settings.database_url:
            create_role(owner, role)
        grant_service_role(owner, role)
    return applied


class MigrationsPending(Exception):
    """Migrations are pending and DATABASE_URL's role may not apply them."""


def prepare(settings: Settings) -> None:
    """What a command does before it starts (see the module's rules)."""
    if settings.migration_database_url or not settings.database_url:
        migrate(settings)
    elif pending := pending_migrations(settings.database_url):
        if not may_migrate(settings.database_url):
            raise MigrationsPending(
                f"{len(pending)} migrations are pending ({', '.join(pending)}) and DATABASE_URL's "
                "role may not apply them: run `payments migrate` with MIGRATION_DATABASE_URL "
                "set to the owner's URL"
            )
        apply_migrations(settings.database_url)


def _embedded(settings: Settings) -> str:
    return embedded_database_url(settings.data_dir / "pg")
