"""`payments check`: is this configuration ready to take payments? It reads the settings,
connects to PostgreSQL, says whether migrations are pending and makes one harmless
authenticated call per configured provider (`adapters.providers.probes`), then prints one row
per check with the variable to fix. Exit code 0 when everything works, 1 otherwise.
Nothing is changed: no migration is applied, no payment is made."""

from __future__ import annotations

import asyncio
import logging
import re
from typing import TextIO

import psycopg

from adapters.postgres.ledger_check import ledger_problems
from adapters.postgres.migrate import pending_migrations
from adapters.providers import catalog, probes
from adapters.providers.accounts import AccountConfig
from adapters.providers.http import provider_client
from adapters.providers.payout_gateways import payout_capability
from entrypoints.resources import database_url
from entrypoints.settings import Settings

CONNECT_TIMEOUT_SECONDS = 5
_VARIABLES = re.compile(r"[A-Z][A-Z0-9_]*(, [A-Z][A-Z0-9_]*)*")
TABLES_OWNED = """
SELECT count(*) FROM pg_tables
WHERE schemaname = current_schema() AND tableowner = current_user
"""


#: A row of the table: the checks of this module make them the way the provider probes do.
Row = probes.ProbeResult


def run_check(settings: Settings, out: TextIO) -> int:
    """The table alone: the calls' own log lines would only repeat it, out of place."""
    logging.disable(logging.CRITICAL)
    try:
        rows = _configuration(settings)
        rows.extend(_database(settings))
        rows.extend(asyncio.run(_providers(settings)))
    finally:
        logging.disable(logging.NOTSET)
    out.write(table(rows))
    return 0 if all(row.ok for row in rows) else 1


def refused_configuration(problems: str, out: TextIO) -> int:
    """The table when the settings cannot even be read: one row per faulty variable."""
    rows = [Row("configuration", False, line) for line in problems.splitlines()]
    out.write(table(rows))
    return 1


def table(rows: list[Row]) -> str:
    header = ("check", "state", "detail", "fix")
    cells = [(r.name, "ok" if r.ok else "FAILED", r.detail, advice(r.fix)) for r in rows]
    widths = [max(len(line[i]) for line in [header, *cells]) for i in range(3)]
    lines = [
        "  ".join(value.ljust(width) for value, width in zip(line[:3], widths, strict=True))
        + ("  " + line[3] if line[3] else "")
        for line in [header, *cells]
    ]
    failed = sum(not r.ok for r in rows)
    verdict = "everything works" if not failed else f"{failed} check(s) failed"
    return "\n".join([*(line.rstrip() for line in lines), "", verdict, ""])


def advice(fix: str) -> str:
    """What to do: a bare list of variables (`MTN_MOMO_API_USER, MTN_MOMO_API_KEY`) becomes
    "check ... (in .env or the environment)"; a sentence stays as it is."""
    if not _VARIABLES.fullmatch(fix):
        return fix
    return f"check {fix} (in .env or the environment)"


def _configuration(settings: Settings) -> list[Row]:
    detail = f"{settings.environment}, public address {settings.public_base_url}"
    notes = [Row("configuration", True, warning) for warning in settings.warnings]
    return [Row("configuration", True, detail), *notes]


def _database(settings: Settings) -> list[Row]:
    fix = (
        "check DATABASE_URL (host, port, user, password) and that its PostgreSQL runs"
        if settings.database_url
        else "run `payments migrate` (it starts the embedded PostgreSQL and makes its role),"
        " or `payments reset --yes` to start afresh"
    )
    try:
        url = database_url(settings)
        with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS) as conn:
            version = conn.execute("SHOW server_version").fetchone()
    except Exception as error:  # any reason the database cannot be reached is reported
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        return [Row("database", False, f"cannot connect: {reason}", fix)]
    where = "embedded" if not settings.database_url else "DATABASE_URL"
    rows = [Row("database", True, f"PostgreSQL {version[0] if version else '?'} ({where})")]
    pending = pending_migrations(url)
    if pending:
        detail = f"{len(pending)} pending: {', '.join(pending)}"
        rows.append(Row("migrations", False, detail, "run `payments migrate`"))
    else:
        rows.append(Row("migrations", True, "none pending"))
        rows.append(_ledger(url))
    rows.append(_role(url))
    return rows


def _role(url: str) -> Row:
    """Whether the service connects as a role that owns no table (docs/production.md, two
    roles). Said, not failed: a one-role installation served payments before this check."""
    with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS) as conn:
        owned = conn.execute(TABLES_OWNED).fetchone()
    if owned and owned[0]:
        detail = f"the service's role owns {owned[0]} tables: it could rewrite the history"
        return Row("database role", True, detail, "two roles: docs/production.md, section 2")
    return Row("database role", True, "the service's role owns no table")


def _ledger(url: str) -> Row:
    """The ledger's sums (adapters/postgres/ledger_check.py)."""
    with psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_SECONDS) as conn:
        problems = ledger_problems(conn)
    if problems:
        return Row("ledger", False, "; ".join(problems), "see docs/production.md, The ledger")
    return Row("ledger", True, "every movement sums to zero; balances match")


async def _providers(settings: Settings) -> list[Row]:
    rows = []
    if settings.is_sandbox:
        rows.append(Row("sandbox", True, "built-in simulated provider (sandbox mode)"))
    accounts = catalog.accounts(settings.providers)
    if not accounts:
        hint = "set a provider's credentials to offer it (.env.example)"
        rows.append(Row("providers", settings.is_sandbox, f"no real provider configured; {hint}"))
    for account in accounts:  # one line per account
        async with provider_client(account.config.base_url, account.config.timeout) as client:
            rows.append(await probes.probe_account(account, client))
    rows.extend(_payouts(accounts))
    return rows


def _payouts(accounts: list[AccountConfig]) -> list[Row]:
    """One informative line per account: what it can do for payouts (never a failure)."""
    rows = []
    for account in accounts:
        detail, fix = payout_capability(account.config, account.prefix)
        name = " ".join(filter(None, ["payouts", account.module.NAME, account.country]))
        rows.append(Row(name, True, detail, fix))
    return rows
