"""The periodic watch over the providers' health that opens and closes incidents and tells
the stores (`provider.degraded`, `provider.recovered`).

Rules:
- a provider that is not operational has one open incident; the first pass that sees it
  opens it and announces `provider.degraded` (its body says `degraded` or `down`); an
  incident that gets worse (degraded -> down) is updated, not announced again;
- the first pass that sees it operational again closes it and announces `provider.recovered`;
- opening and closing are claimed in the database, so a store hears of each incident once
  however many workers watch;
- the stores told are those with a payment on that provider in the last 24 hours: a store
  that does not use a provider is not bothered with its outages;
- each account (a provider in a country) is watched on its own: MTN down in Ghana is an
  incident of MTN's Ghana account, told to the stores that used that account.
Notifications are signed and retried like every other (the outbox).
"""

from __future__ import annotations

from typing import Any

from application.health.ports import HealthLedger, HealthRecorder
from application.health.provider_health import ProviderHealth, ProviderHealthQuery
from application.payments.ports import ProviderRegistry
from application.shared.ports import Clock
from domain.accounts import AccountId


class WatchProviders:
    def __init__(
        self,
        query: ProviderHealthQuery,
        ledger: HealthLedger,
        recorder: HealthRecorder,
        providers: ProviderRegistry,
        clock: Clock,
    ) -> None:
        self._query, self._ledger, self._recorder = query, ledger, recorder
        self._providers, self._clock = providers, clock

    async def __call__(self) -> int:
        """One pass; returns the number of incidents opened or closed."""
        await self._recorder.flush()
        changed = 0
        keys = [account.id.key for account in self._providers.accounts()]
        for health in await self._query.current(keys):
            at = self._clock.now()
            if health.status == "operational":
                changed += await self._ledger.end_incident(health.provider, at, _body(health))
            else:
                body = _body(health)
                changed += await self._ledger.begin_incident(
                    health.provider, health.status, at, body
                )
        return changed


def _body(health: ProviderHealth) -> dict[str, Any]:
    account = AccountId.parse(health.provider)
    return {
        "provider": account.provider,
        "country": account.country,
        "status": health.status,
        "reason": health.reason,
        "success_rate": health.success_rate,
        "window_minutes": health.window_minutes,
    }
