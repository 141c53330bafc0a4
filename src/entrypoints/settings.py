"""Configuration from the environment (docs/api.md, Configuration). `.env` is read when present."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

from dotenv import dotenv_values

from adapters.providers import catalog
from application.notifications import FIRST_RETRY
from application.timeouts import DEFAULT_PAYMENT_TTL, TimeToLive
from entrypoints import legacy_env
from entrypoints.env_reader import EnvReader

SANDBOX_SECRET = "sandbox-insecure-secret-key-change-me"  # noqa: S105 - sandbox only
SANDBOX_ADMIN_TOKEN = "sandbox-admin-token"  # noqa: S105 - sandbox only


class SettingsError(Exception):
    """The configuration cannot run; the message names the variable (every faulty one, one
    per line, when there are several)."""


@dataclass(frozen=True, slots=True)
class Settings:
    environment: str = "sandbox"
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str | None = None
    data_dir: Path = Path(".data")
    public_base_url: str = "http://127.0.0.1:8000"
    secret_key: str = SANDBOX_SECRET
    admin_token: str = SANDBOX_ADMIN_TOKEN
    log_dir: Path = Path("logs")
    pool_min_size: int = 2
    pool_max_size: int = 10
    providers: Mapping[str, str] = field(default_factory=dict)
    ttl: TimeToLive = field(default_factory=TimeToLive)
    #: First step of the store notifications' backoff (doubling, at most 1 h apart).
    notification_first_retry: timedelta = FIRST_RETRY
    #: How long a process holds the rows it took (open payments, inbox deliveries,
    #: notifications) before another may take them over; None: each pass's own (1-2 min).
    lease: timedelta | None = None
    # -- going to production (logs, personal data, legacy names) --
    #: `console` (human-readable, on a terminal) or `json`; None: console on a TTY, else JSON.
    log_format: str | None = None
    log_level: str = "INFO"
    #: Full phone numbers are masked in payments and events this long after the payment.
    phone_retention: timedelta = timedelta(days=90)
    #: What the configuration reader wants said once logging is set up (legacy names...).
    warnings: tuple[str, ...] = ()

    @property
    def is_sandbox(self) -> bool:
        return self.environment == "sandbox"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, env_file: str = ".env") -> Settings:
        """Read the environment; in production, refuse weak or missing secrets."""
        given = env if env is not None else os.environ
        from_file = {k: v or "" for k, v in dotenv_values(env_file).items()}
        values, warnings = legacy_env.translate({**from_file, **given})
        read = EnvReader(values)
        get = read.get
        environment = read.choice("PAYMENT_ENVIRONMENT", "sandbox", ("sandbox", "production"))
        host, port = get("HOST") or "127.0.0.1", read.integer("PORT", 8000)
        settings = cls(
            environment=environment,
            host=host,
            port=port,
            database_url=get("DATABASE_URL"),
            data_dir=Path(get("DATA_DIR") or ".data"),
            public_base_url=(get("PUBLIC_BASE_URL") or f"http://{host}:{port}").rstrip("/"),
            secret_key=get("PAYMENTS_SECRET_KEY") or SANDBOX_SECRET,
            admin_token=get("PAYMENTS_ADMIN_TOKEN") or SANDBOX_ADMIN_TOKEN,
            log_dir=Path(get("LOG_DIR") or "logs"),
            pool_min_size=read.integer("DATABASE_POOL_MIN", 2, minimum=1),
            pool_max_size=read.integer("DATABASE_POOL_MAX", 10, minimum=1),
            providers={k: v for k, v in values.items() if _is_provider_var(k) and v},
            ttl=_ttl(read),
            notification_first_retry=read.seconds("NOTIFICATION_RETRY_SECONDS") or FIRST_RETRY,
            lease=read.seconds("LEASE_SECONDS"),
            log_format=read.choice("LOG_FORMAT", "auto", ("auto", "console", "json")),
            log_level=read.choice("LOG_LEVEL", "info", ("debug", "info", "warning")).upper(),
            phone_retention=timedelta(days=read.integer("PHONE_RETENTION_DAYS", 90, minimum=1)),
            warnings=tuple(warnings),
        )
        if settings.log_format == "auto":
            settings = replace(settings, log_format=None)
        if read.problems:
            raise SettingsError("\n".join(read.problems))
        if not settings.is_sandbox:
            _check_production(settings)
        return settings


_PROVIDER_PREFIXES = ("ORANGE_MONEY_", "MTN_MOMO_", "WAVE_", "MOOV_MONEY_")


def _is_provider_var(name: str) -> bool:
    return name.startswith(_PROVIDER_PREFIXES)


def _ttl(read: EnvReader) -> TimeToLive:
    """`PAYMENT_TTL_SECONDS_<PROVIDER>` (e.g. `..._MTN_MOMO`) and `ORDER_TTL_SECONDS`."""
    payments = dict(DEFAULT_PAYMENT_TTL)
    for provider in payments:
        seconds = read.seconds(f"PAYMENT_TTL_SECONDS_{provider.upper()}")
        if seconds is not None:
            payments[provider] = seconds
    order = read.seconds("ORDER_TTL_SECONDS")
    return TimeToLive(payments=payments, order=order or TimeToLive().order)


def _check_production(settings: Settings) -> None:
    if settings.secret_key == SANDBOX_SECRET or len(settings.secret_key) < 32:
        raise SettingsError("PAYMENTS_SECRET_KEY must be set to at least 32 random characters")
    if settings.admin_token == SANDBOX_ADMIN_TOKEN or len(settings.admin_token) < 24:
        raise SettingsError("PAYMENTS_ADMIN_TOKEN must be set to at least 24 random characters")
    if not settings.database_url:
        raise SettingsError("DATABASE_URL is required in production")
    problems = catalog.sandbox_problems(settings.providers)
    if problems:
        raise SettingsError("; ".join(problems))
