"""Configuration from the environment (docs/api.md, Configuration). `.env` is read when present."""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from pathlib import Path

from dotenv import dotenv_values

from adapters.providers import catalog
from adapters.rate_limits import LimitSettings
from application.shared.timeouts import DEFAULT_PAYMENT_TTL, TimeToLive
from application.stores.notifications import FIRST_RETRY
from application.stores.sign_in_sessions import SessionPolicies, SessionPolicy
from domain.ledger import MAX_BPS
from domain.provider_health import BreakerPolicy
from entrypoints import legacy_env
from entrypoints.env_reader import EnvReader
from entrypoints.production_checks import (
    SANDBOX_ADMIN_TOKEN,
    SANDBOX_SECRET,
    production_problems,
    sandbox_listen_problem,
)


@dataclass(frozen=True, slots=True)
class MoneySettings:
    """The marketplace's money (docs/api.md, Balance and payouts): the platform's fee on every
    store without its own rate, and how long sales stay pending before they are available."""

    platform_fee_bps: int = 0
    balance_hold: timedelta = timedelta(0)
    #: how long a new payout destination waits before it can be paid (unless approved)
    destination_hold: timedelta = timedelta(hours=24)


class SettingsError(Exception):
    """The configuration cannot run; the message names the variable (every faulty one, one
    per line, when there are several)."""


@dataclass(frozen=True, slots=True)
class Settings:
    environment: str = "sandbox"
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str | None = None
    #: the owner of the tables, for the migrations (`MIGRATION_DATABASE_URL`); None: DATABASE_URL
    migration_database_url: str | None = None
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
    #: How long the process that stored a provider callback has to process it before the
    #: inbox's retry pass takes it over (`INBOX_GRACE_SECONDS`); None: the inbox's own (30 s).
    inbox_grace: timedelta | None = None
    #: The providers' HTTP transport (`PROVIDER_TRANSPORT`): `stream`, the service's own
    #: (default), or `httpx`, httpx's (for comparison, or should a provider need it).
    provider_transport: str = "stream"
    #: A provider's callback is processed before its answer, not right after it.
    settle_webhooks_inline: bool = False
    # -- limits on use and hardening ------------------------------------------------------------
    #: rate limits (`RATE_LIMIT_*`)
    limits: LimitSettings = field(default_factory=LimitSettings)
    #: networks of the reverse proxies whose X-Forwarded-For is believed (`TRUSTED_PROXIES`)
    trusted_proxies: tuple[str, ...] = ()
    #: when set, /metrics and /schema want it as a bearer token (`METRICS_TOKEN`)
    metrics_token: str | None = None
    #: rate limits shared by every server in this Redis (`REDIS_URL`), else...
    redis_url: str | None = None
    #: ...by the processes of one server, in this file (`RATE_LIMIT_FILE`, set by `serve`)
    rate_limit_file: Path | None = None
    #: the hosted pages' sessions: lifetimes, and the operators' idle time (`*_SESSION_*`)
    sessions: SessionPolicies = field(default_factory=SessionPolicies)
    #: the bootstrap `PAYMENTS_ADMIN_TOKEN` is refused (`ADMIN_TOKEN_DISABLED`): named
    #: operators only
    admin_token_disabled: bool = False
    #: production serves /metrics and /schema without a token only when this says so
    #: (`METRICS_PUBLIC=true`)
    metrics_public: bool = False
    # -- going to production (logs, personal data, legacy names) -------------------------------
    #: `console` (human-readable, on a terminal) or `json`; None: console on a TTY, else JSON.
    log_format: str | None = None
    log_level: str = "INFO"
    #: Full phone numbers are masked in payments and events this long after the payment.
    phone_retention: timedelta = timedelta(days=90)
    #: What the configuration reader wants said once logging is set up (legacy names...).
    warnings: tuple[str, ...] = ()
    #: The providers' circuit breaker: `PROVIDER_BREAKER_FAILURES` consecutive failed starts
    #: open it for `PROVIDER_BREAKER_OPEN_SECONDS` (README, Provider health).
    breaker: BreakerPolicy = field(default_factory=BreakerPolicy)
    money: MoneySettings = field(default_factory=MoneySettings)

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
            migration_database_url=get("MIGRATION_DATABASE_URL"),
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
            inbox_grace=read.seconds("INBOX_GRACE_SECONDS"),
            provider_transport=read.choice("PROVIDER_TRANSPORT", "stream", ("stream", "httpx")),
            limits=_limits(read),
            trusted_proxies=_networks(read, "TRUSTED_PROXIES"),
            metrics_token=get("METRICS_TOKEN"),
            redis_url=get("REDIS_URL"),
            rate_limit_file=_path(get("RATE_LIMIT_FILE")),
            sessions=_sessions(read),
            admin_token_disabled=read.flag("ADMIN_TOKEN_DISABLED"),
            metrics_public=(get("METRICS_PUBLIC") or "").lower() in ("1", "true", "yes"),
            log_format=read.choice("LOG_FORMAT", "auto", ("auto", "console", "json")),
            log_level=read.choice("LOG_LEVEL", "info", ("debug", "info", "warning")).upper(),
            phone_retention=timedelta(days=read.integer("PHONE_RETENTION_DAYS", 90, minimum=1)),
            warnings=tuple(warnings),
            breaker=_breaker(read),
            money=_money(read),
            settle_webhooks_inline=get("WEBHOOK_SETTLE_INLINE") in ("1", "true", "yes"),
        )
        if settings.log_format == "auto":
            settings = replace(settings, log_format=None)
        read.problems.extend(catalog.account_problems(settings.providers))
        if read.problems:  # every faulty value at once, before what depends on them
            raise SettingsError("\n".join(read.problems))
        _refuse_weak(settings, get("PUBLIC_BASE_URL"))
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


# -- limits on use and hardening -------------------------------------------------------------

_LIMITS = {
    "api_per_second": "RATE_LIMIT_API_PER_SECOND",
    "login_per_minute": "RATE_LIMIT_LOGIN_PER_MINUTE",
    "bad_webhooks_per_minute": "RATE_LIMIT_BAD_WEBHOOKS_PER_MINUTE",
    "prompts_per_phone_per_hour": "RATE_LIMIT_PROMPTS_PER_PHONE_PER_HOUR",
    "prompts_per_order_per_hour": "RATE_LIMIT_PROMPTS_PER_ORDER_PER_HOUR",
    "verify_per_minute": "RATE_LIMIT_VERIFY_PER_MINUTE",
}


def _limits(read: EnvReader) -> LimitSettings:
    values = {}
    for attribute, name in _LIMITS.items():
        raw = read.get(name)
        if raw is None:
            continue
        if not (raw.isascii() and raw.isdigit()) or int(raw) < 1:  # "²".isdigit() is True
            read.problems.append(f"{name} must be a whole number of requests, at least 1")
            continue
        values[attribute] = int(raw)
    return LimitSettings(**values)


def _path(value: str | None) -> Path | None:
    return Path(value) if value else None


def _sessions(read: EnvReader) -> SessionPolicies:
    """`VENDOR_SESSION_HOURS` (12), `OPERATOR_SESSION_HOURS` (4) and
    `OPERATOR_SESSION_IDLE_MINUTES` (30)."""
    default = SessionPolicies()
    vendor = read.integer("VENDOR_SESSION_HOURS", 12, minimum=1)
    operator = read.integer("OPERATOR_SESSION_HOURS", 4, minimum=1)
    idle = read.integer("OPERATOR_SESSION_IDLE_MINUTES", 30, minimum=1)
    return replace(
        default,
        vendor=SessionPolicy(timedelta(hours=vendor)),
        operator=SessionPolicy(timedelta(hours=operator), timedelta(minutes=idle)),
    )


def _breaker(read: EnvReader) -> BreakerPolicy:
    """`PROVIDER_BREAKER_FAILURES` (default 5), `PROVIDER_BREAKER_OPEN_SECONDS` (default 30)."""
    default = BreakerPolicy()
    failures = read.integer("PROVIDER_BREAKER_FAILURES", default.failures, minimum=1)
    open_for = read.seconds("PROVIDER_BREAKER_OPEN_SECONDS") or default.open_for
    return BreakerPolicy(failures=max(failures, 1), open_for=open_for)


def _money(read: EnvReader) -> MoneySettings:
    """`PLATFORM_FEE_BPS` (0 to 10,000, default 0), `BALANCE_HOLD_HOURS` (default 0),
    `PAYOUT_DESTINATION_HOLD_HOURS` (default 24)."""
    fee = read.integer("PLATFORM_FEE_BPS", 0)
    if fee > MAX_BPS:
        read.problems.append(f"PLATFORM_FEE_BPS must be at most {MAX_BPS} (got {fee})")
        fee = 0
    hold = timedelta(hours=read.integer("BALANCE_HOLD_HOURS", 0))
    destination = timedelta(hours=read.integer("PAYOUT_DESTINATION_HOLD_HOURS", 24))
    return MoneySettings(platform_fee_bps=fee, balance_hold=hold, destination_hold=destination)


def _networks(read: EnvReader, name: str) -> tuple[str, ...]:
    """Comma-separated addresses or networks (CIDR); a faulty one is a problem, left out."""
    items = tuple(part.strip() for part in (read.get(name) or "").split(",") if part.strip())
    good = []
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            read.problems.append(f"{name}: {item!r} is not an address or network (CIDR)")
            continue
        good.append(item)
    return tuple(good)


def _refuse_weak(settings: Settings, public_base_url: str | None) -> None:
    """Production: every problem at once, one a line. Sandbox: no built-in secrets beyond
    this machine."""
    if settings.is_sandbox:
        problem = sandbox_listen_problem(settings)
        if problem:
            raise SettingsError(problem)
        return
    problems = production_problems(settings, public_base_url)
    if problems:
        raise SettingsError(
            "PAYMENT_ENVIRONMENT=production refuses this configuration:\n- " + "\n- ".join(problems)
        )
