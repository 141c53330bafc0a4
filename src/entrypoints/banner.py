"""The few lines `payments serve` prints once it is ready: where it listens and where to go
next. They are for the person at the terminal; logs stay the record."""

from __future__ import annotations

from collections.abc import Iterable

from adapters.providers import catalog
from entrypoints.production_checks import SANDBOX_ADMIN_TOKEN
from entrypoints.settings import Settings

#: Set by `payments serve` for the one server process that prints the banner.
SHOW_BANNER = "PAYMENTS_SHOW_BANNER"


def banner(settings: Settings, providers: Iterable[str]) -> str:
    """URL, environment, providers offered, API docs, vendor sign-in, metrics; in sandbox
    the admin token to use."""
    base = f"http://{settings.host}:{settings.port}"
    offered = ", ".join(sorted(providers)) or "none (set a provider's credentials)"
    lines = [
        f"Payments is ready on {base} ({settings.environment})",
        f"  start here         {base}/",
        f"  providers offered  {offered}",
        f"  API docs           {base}/docs",
        f"  vendor sign-in     {base}/store/login/",
        f"  operators' desk    {base}/admin/login/",
        f"  metrics            {base}/metrics",
    ]
    if settings.public_base_url != base:
        lines.insert(1, f"  public address     {settings.public_base_url}")
    if settings.is_sandbox:
        token = settings.admin_token if settings.admin_token == SANDBOX_ADMIN_TOKEN else None
        lines.append(f"  admin token        {token or 'your PAYMENTS_ADMIN_TOKEN'} (Bearer)")
    width = max(len(line) for line in lines)
    rule = "-" * width
    return "\n".join([rule, *lines, rule])


def offered_providers(settings: Settings) -> list[str]:
    """What a server with these settings offers (without starting one)."""
    real = list(dict.fromkeys(a.module.NAME for a in catalog.accounts(settings.providers)))
    return (["sandbox"] if settings.is_sandbox else []) + real
