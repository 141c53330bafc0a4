"""The circuit breaker's gate in front of new payments, and its bookkeeping of start outcomes.

Rules:
- a new payment with a provider whose breaker is open is refused at once (`ProviderDown`,
  with the seconds until it is worth trying again), before anything is written;
- a half-open breaker lets `policy.probes` payments through, claimed in the database so that
  all processes together let no more than that through;
- each process reads the breakers at most once per `cache_for` (1 s): the hot path costs
  one small read a second, not one per payment; a start that succeeds on a healthy breaker
  writes nothing;
- status queries, callbacks and refunds never pass the gate: reconciliation must settle what
  is pending whatever the breaker says.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from application.errors import ProviderUnavailable
from application.health.ports import BreakerStore
from application.payments.initiate_payment import InitiatePayment, InitiatePaymentCommand
from application.shared.ports import Clock
from domain.accounts import Account, AccountId, country_name
from domain.payment import Payment
from domain.provider_health import Breaker, BreakerPolicy, BreakerState


class ProviderDown(ProviderUnavailable):
    """The provider account's breaker is open: new payments with it are refused for
    `retry_after` seconds. `provider` is the account's key (`mtn_momo`, `mtn_momo:CM`)."""

    def __init__(self, provider: str, retry_after: int) -> None:
        account = AccountId.parse(provider)
        where = f" in {country_name(account.country)}" if account.country else ""
        super().__init__(f"{account.provider}{where} is unavailable; try again in {retry_after} s")
        self.provider = provider
        self.retry_after = retry_after


class ProviderGate:
    def __init__(
        self,
        breakers: BreakerStore,
        clock: Clock,
        policy: BreakerPolicy | None = None,
        cache_for: timedelta = timedelta(seconds=1),
    ) -> None:
        self._store, self._clock = breakers, clock
        self.policy = policy or BreakerPolicy()
        self._cache_for = cache_for
        self._cache: dict[str, Breaker] = {}
        self._read_at: datetime | None = None

    async def breakers(self) -> Mapping[str, Breaker]:
        """Every breaker as this process last read it (at most `cache_for` ago), as it stands
        now (an open one past its time is half-open)."""
        now = self._clock.now()
        if self._read_at is None or now - self._read_at >= self._cache_for:
            self._cache = dict(await self._store.all())
            self._read_at = now
        return {name: b.current(now, self.policy) for name, b in self._cache.items()}

    def is_down(self, provider: str) -> bool:
        """Whether the provider's breaker was open when this process last read it."""
        return self._last_read(provider).state is BreakerState.OPEN

    def _last_read(self, provider: str) -> Breaker:
        breaker = self._cache.get(provider) or Breaker()
        return breaker.current(self._clock.now(), self.policy)

    async def breaker(self, provider: str) -> Breaker:
        return (await self.breakers()).get(provider) or Breaker()

    async def check(self, provider: str, *, read: bool = True) -> None:
        """Raises `ProviderDown` when a new payment with `provider` may not start now.
        `read=False`: the breakers as last read, never read again here (a caller holding a
        database connection must not ask the pool for another: with every connection held
        by such callers, they would wait for each other until the pool timed out)."""
        breaker = await self.breaker(provider) if read else self._last_read(provider)
        if breaker.state is BreakerState.CLOSED:
            return
        now = self._clock.now()
        if breaker.state is BreakerState.OPEN or not breaker.admit(now, self.policy)[1]:
            # open, or half-open with its probes taken as last seen here: no database trip
            raise ProviderDown(provider, breaker.retry_after(now, self.policy))
        admitted: list[bool] = []

        def admit(stored: Breaker) -> Breaker:
            after, allowed = stored.admit(now, self.policy)
            admitted.append(allowed)
            return after

        after = await self._change(provider, admit)
        if not admitted[-1]:
            raise ProviderDown(provider, after.retry_after(now, self.policy))

    async def succeeded(self, provider: str) -> None:
        """The provider answered a start (accepted it or refused it for a business reason)."""
        if (await self.breaker(provider)).healthy:
            return
        now = self._clock.now()
        await self._change(provider, lambda b: b.succeeded(now))

    async def failed(self, provider: str) -> None:
        """A start timed out, met a network error or a 5xx, or our credentials were refused."""
        now = self._clock.now()
        await self._change(provider, lambda b: b.failed(now, self.policy))

    async def _change(self, provider: str, change: Callable[[Breaker], Breaker]) -> Breaker:
        breaker = await self._store.change(provider, change)
        self._cache[provider] = breaker
        return breaker.current(self._clock.now(), self.policy)


class GatedInitiatePayment(InitiatePayment):
    """`InitiatePayment` behind the gate. Takes `InitiatePayment`'s arguments and the gate.

    Rules added:
    - a provider that is down is refused before the payment is created (nothing written,
      nothing to reconcile);
    - an attempt stuck on a provider that is down (breaker open) no longer blocks a new
      attempt with another provider: the customer may pay another way. The stuck one is not
      touched (only its provider can settle it); should both succeed, the second is flagged
      `needs_refund` like any double payment."""

    def __init__(self, *args: Any, gate: ProviderGate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._gate = gate

    async def __call__(self, command: InitiatePaymentCommand) -> Payment:
        # the breakers read (at most once a second) before the payment's transaction takes
        # its connection: the check inside it then needs no second one from the pool
        await self._gate.breakers()
        return await super().__call__(command)

    async def _admit(self, account: Account) -> None:
        """The account's own breaker, as read just before the transaction (never read again
        inside it, however long the transaction waited for its lock)."""
        await self._gate.check(account.id.key, read=False)

    def _in_flight(self, payment: Payment) -> bool:
        key = AccountId(payment.provider, payment.country).key
        return super()._in_flight(payment) and not self._gate.is_down(key)
