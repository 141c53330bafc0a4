"""In-memory stand-ins for the payout ports: balance gateways that answer what they are
told (or fail, or never answer), a gateway set, and the ledger's clearing balances."""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence

from application.errors import ProviderUnavailable
from application.payouts.gateway import ClearingKey, PayoutGateway
from domain.money import Money


class FakeBalanceGateway:
    def __init__(
        self,
        provider: str,
        country: str | None = None,
        amounts: list[Money] | None = None,
        error: str | None = None,
        hangs: bool = False,
    ) -> None:
        self.provider, self.country = provider, country
        self._amounts, self._error, self._hangs = amounts or [], error, hangs

    async def balance(self) -> list[Money]:
        if self._hangs:
            await asyncio.Event().wait()
        if self._error is not None:
            raise ProviderUnavailable(self._error)
        return list(self._amounts)


class FakePayoutGateways:
    def __init__(
        self,
        balances: Sequence[FakeBalanceGateway] = (),
        payouts: Mapping[str, PayoutGateway] | None = None,
    ) -> None:
        self._balances, self._payouts = tuple(balances), dict(payouts or {})

    def payout_gateway(self, provider: str, country: str | None) -> PayoutGateway | None:
        return self._payouts.get(provider)

    def balance_gateways(self) -> Sequence[FakeBalanceGateway]:
        return self._balances


class FakeClearingBalances:
    def __init__(
        self,
        held: Mapping[ClearingKey, list[Money]] | None = None,
        fees: Mapping[ClearingKey, list[Money]] | None = None,
    ) -> None:
        self.held, self.fees = dict(held or {}), dict(fees or {})

    async def clearing_balances(self) -> Mapping[ClearingKey, list[Money]]:
        return self.held

    async def provider_fees(self) -> Mapping[ClearingKey, list[Money]]:
        return self.fees
