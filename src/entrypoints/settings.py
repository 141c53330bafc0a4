"""Configuration from the environment (API.md, Configuration). `.env` is read when present."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from dotenv import dotenv_values

from adapters.providers import catalog
from application.notifications import FIRST_RETRY
from application.timeouts import DEFAULT_PAYMENT_TTL, TimeToLive

SANDBOX_SECRET = "sandbox-insecure-secret-key-change-me"  # noqa: S105 - sandbox only
SANDBOX_ADMIN_TOKEN = "sandbox-admin-token"  # noqa: S105 - sandbox only


class SettingsError(Exception):
    """The configuration cannot run; the message names the variable."""


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
    #: A provider's callback is processed before its answer, not right after it.
    settle_webhooks_inline: bool = False

    @property
    def is_sandbox(self) -> bool:
        return self.environment == "sandbox"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, env_file: str = ".env") -> Settings:
        """Read the environment; in production, refuse weak or missing secrets."""
        values = {**dotenv_values(env_file), **(env if env is not None else os.environ)}

        def get(name: str) -> str | None:
            return (values.get(name) or "").strip() or None

        environment = get("PAYMENT_ENVIRONMENT") or "sandbox"
        if environment not in ("sandbox", "production"):
            raise SettingsError("PAYMENT_ENVIRONMENT must be 'sandbox' or 'production'")
        host, port = get("HOST") or "127.0.0.1", _port(get("PORT"))
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
            pool_min_size=int(get("DATABASE_POOL_MIN") or 2),
            pool_max_size=int(get("DATABASE_POOL_MAX") or 10),
            providers={k: v for k, v in values.items() if _is_provider_var(k) and v},
            ttl=_ttl(get),
            notification_first_retry=_seconds(get, "NOTIFICATION_RETRY_SECONDS") or FIRST_RETRY,
            lease=_seconds(get, "LEASE_SECONDS"),
            settle_webhooks_inline=get("WEBHOOK_SETTLE_INLINE") in ("1", "true", "yes"),
        )
        if not settings.is_sandbox:
            _check_production(settings)
        return settings


_PROVIDER_PREFIXES = ("ORANGE_MONEY_", "MTN_MOMO_", "WAVE_", "MOOV_MONEY_")


def _is_provider_var(name: str) -> bool:
    return name.startswith(_PROVIDER_PREFIXES)


def _ttl(get: Callable[[str], str | None]) -> TimeToLive:
    """`PAYMENT_TTL_SECONDS_<PROVIDER>` (e.g. `..._MTN_MOMO`) and `ORDER_TTL_SECONDS`."""
    payments = dict(DEFAULT_PAYMENT_TTL)
    for provider in payments:
        seconds = _seconds(get, f"PAYMENT_TTL_SECONDS_{provider.upper()}")
        if seconds is not None:
            payments[provider] = seconds
    order = _seconds(get, "ORDER_TTL_SECONDS")
    return TimeToLive(payments=payments, order=order or TimeToLive().order)


def _seconds(get: Callable[[str], str | None], name: str) -> timedelta | None:
    raw = get(name)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number of seconds") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive")
    return timedelta(seconds=value)


def _port(raw: str | None) -> int:
    try:
        return int(raw or 8000)
    except ValueError:
        raise SettingsError("PORT must be a number") from None


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
