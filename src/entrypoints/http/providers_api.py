"""`GET /api/v1/providers`: the live health of every configured provider (store key)."""

from __future__ import annotations

import msgspec
from litestar import get
from litestar.di import NamedDependency
from litestar.params import SkipValidation

from adapters.snapshots import maybe_timestamp
from application.health.provider_health import ProviderHealth, ProviderHealthQuery
from application.payments.ports import ProviderRegistry
from domain.accounts import Account
from domain.store import Store


class LatencyOut(msgspec.Struct, frozen=True, kw_only=True):
    p50: int | None
    p95: int | None


class AccountOut(msgspec.Struct, frozen=True, kw_only=True):
    """One account of the provider: its country (None: the default account), the currency it
    takes (None: any) and its own health status."""

    country: str | None
    currency: str | None
    status: str


class ProviderHealthOut(msgspec.Struct, frozen=True, kw_only=True):
    provider: str
    status: str
    success_rate: float | None
    start_latency_ms: LatencyOut
    settle_seconds_p50: int | None
    window_minutes: int
    since: str | None
    reason: str | None
    breaker: str
    calls: int
    within_ttl_rate: float | None
    callback_seconds_p50: int | None
    accounts: list[AccountOut] = []


class ProviderHealthList(msgspec.Struct, frozen=True, kw_only=True):
    data: list[ProviderHealthOut]


def _whole(value: float | None) -> int | None:
    return None if value is None else round(value)


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def health_out(health: ProviderHealth) -> ProviderHealthOut:
    return ProviderHealthOut(
        provider=health.provider,
        status=health.status,
        success_rate=_rate(health.success_rate),
        start_latency_ms=LatencyOut(
            p50=_whole(health.start_latency_p50_ms), p95=_whole(health.start_latency_p95_ms)
        ),
        settle_seconds_p50=_whole(health.settle_seconds_p50),
        window_minutes=health.window_minutes,
        since=maybe_timestamp(health.since),
        reason=health.reason,
        breaker=health.breaker,
        calls=health.calls,
        within_ttl_rate=_rate(health.within_ttl_rate),
        callback_seconds_p50=_whole(health.callback_seconds_p50),
    )


@get(
    "/api/v1/providers",
    tags=["Providers"],
    summary="Health of the configured providers: operational, degraded or down",
)
async def list_providers(
    store: NamedDependency[Store],
    provider_health: NamedDependency[ProviderHealthQuery],
    provider_registry: NamedDependency[SkipValidation[ProviderRegistry]],
) -> ProviderHealthList:
    """Over the last 5 minutes (60 when they hold too few calls); `down` while the provider's
    circuit breaker is open: new payments with it answer 503 `provider_unavailable`. Health
    is per account (`accounts`); the provider's `status` is the worst of its accounts', its
    figures those of its default account (else of its first)."""
    accounts = list(provider_registry.accounts())
    healths = {h.provider: h for h in await provider_health.current([a.id.key for a in accounts])}
    data = []
    for name in provider_registry.available():
        mine = [a for a in accounts if a.id.provider == name]
        data.append(_provider_out(name, mine, healths))
    return ProviderHealthList(data=data)


_SEVERITY = {"operational": 0, "degraded": 1, "down": 2}


def _provider_out(
    name: str, accounts: list[Account], healths: dict[str, ProviderHealth]
) -> ProviderHealthOut:
    listed = [
        AccountOut(country=a.id.country, currency=a.currency, status=healths[a.id.key].status)
        for a in accounts
    ]
    worst = max((a.status for a in listed), key=lambda s: _SEVERITY.get(s, 0))
    main = health_out(healths[accounts[0].id.key])
    return msgspec.structs.replace(main, provider=name, status=worst, accounts=listed)
