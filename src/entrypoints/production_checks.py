"""What the service refuses to start on (README, A production configuration that cannot be
weak). Every problem is listed at once, each naming its variable, so that one run of
`payments serve` tells the operator everything to fix."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from adapters.providers import catalog
from adapters.secret_strength import HOW_TO_MAKE_ONE, weakness

if TYPE_CHECKING:
    from entrypoints.settings import Settings

SANDBOX_SECRET = "sandbox-insecure-secret-key-change-me"  # noqa: S105 - sandbox only
SANDBOX_ADMIN_TOKEN = "sandbox-admin-token"  # noqa: S105 - sandbox only
MIN_SECRET_KEY = 32
MIN_ADMIN_TOKEN = 24
MIN_METRICS_TOKEN = 24
#: A production secret must not be derived from these (the sandbox's built-in values).
SANDBOX_VALUES = (SANDBOX_SECRET, SANDBOX_ADMIN_TOKEN)


def production_problems(settings: Settings, base: str | None) -> list[str]:
    """Everything that makes `settings` unfit to take real money (`base`: PUBLIC_BASE_URL as
    given, None when it is not)."""
    problems = []
    if not base:
        problems.append("PUBLIC_BASE_URL must be set (the https URL providers and customers use)")
    elif not base.startswith("https://"):
        problems.append("PUBLIC_BASE_URL must be an https:// URL in production")
    for name, value, default, length in (
        ("PAYMENTS_SECRET_KEY", settings.secret_key, SANDBOX_SECRET, MIN_SECRET_KEY),
        ("PAYMENTS_ADMIN_TOKEN", settings.admin_token, SANDBOX_ADMIN_TOKEN, MIN_ADMIN_TOKEN),
    ):
        why = (
            "is unset or the sandbox's built-in value"
            if value == default
            else weakness(value, length, SANDBOX_VALUES)
        )
        if why:
            problems.append(f"{name} {why}: {_make_one(length)}")
    if settings.metrics_token is not None:
        why = weakness(settings.metrics_token, MIN_METRICS_TOKEN, SANDBOX_VALUES)
        if why:
            problems.append(f"METRICS_TOKEN {why}: {_make_one(MIN_METRICS_TOKEN)}")
    elif not settings.metrics_public:
        problems.append(
            "METRICS_TOKEN must be set in production (/metrics and /schema want it), or "
            "METRICS_PUBLIC=true to serve them to anyone on purpose: "
            + _make_one(MIN_METRICS_TOKEN)
        )
    if not settings.database_url:
        problems.append("DATABASE_URL is required in production")
    return problems + catalog.sandbox_problems(settings.providers)


def _make_one(length: int) -> str:
    return f"set at least {length} random characters, made with {HOW_TO_MAKE_ONE}"


def sandbox_listen_problem(settings: Settings) -> str | None:
    """Sandbox mode with a built-in secret or admin token serves this machine only."""
    if is_loopback(settings.host):
        return None
    defaults = [
        name
        for name, value, default in (
            ("PAYMENTS_SECRET_KEY", settings.secret_key, SANDBOX_SECRET),
            ("PAYMENTS_ADMIN_TOKEN", settings.admin_token, SANDBOX_ADMIN_TOKEN),
        )
        if value == default
    ]
    if not defaults:
        return None
    return (
        f"HOST={settings.host} is not a loopback address while {' and '.join(defaults)} "
        "keep the sandbox's built-in value: set them, or listen on 127.0.0.1"
    )


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
