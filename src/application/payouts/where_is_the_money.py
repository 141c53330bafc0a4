"""Where is the money: per provider account and currency, what the ledger says the operator
holds for the marketplace (its clearing account) beside what the operator says it holds.

Rules:
- Every account either side knows is listed: one the ledger never used shows 0 there; one
  whose operator tells no balance (Orange Money, Moov without its merchant number) shows
  the ledger alone.
- An operator that cannot answer now (timeout, error, an amount we cannot read) is shown as
  unavailable with the reason, never as 0; each operator is asked at most `timeout` seconds,
  all at once.
- The difference is the operator's figure less the ledger's. The operators' fees make it
  differ: fees the ledger booked (Wave's payout fee) are shown beside it, and what remains
  is the operator's own charges the ledger does not know (collection fees, MTN's or Moov's
  transfer fees), or money still on its way. Nothing is hidden or netted away.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass

from application.errors import ProviderUnavailable
from application.payouts.gateway import (
    BalanceGateway,
    ClearingBalances,
    ClearingKey,
    PayoutGateways,
)
from domain.money import Currency, Money

#: Seconds each operator is given to tell its balance.
BALANCE_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class AccountHoldings:
    """One provider account in one currency. `operator` is None when the operator was not
    asked (it tells no balance) or could not answer (`unavailable` says why); `currency` is
    None only for an operator that could not answer about an account the ledger never used."""

    provider: str
    country: str | None
    currency: Currency | None
    ledger: int
    fees_booked: int
    operator: int | None
    unavailable: str | None = None

    @property
    def difference(self) -> int | None:
        """The operator's figure less the ledger's (minor units)."""
        return None if self.operator is None else self.operator - self.ledger


@dataclass(frozen=True, slots=True)
class _Answer:
    amounts: list[Money] | None
    unavailable: str | None


class WhereIsTheMoney:
    def __init__(
        self, gateways: PayoutGateways, ledger: ClearingBalances, timeout: float = BALANCE_TIMEOUT
    ) -> None:
        self._gateways, self._ledger, self._timeout = gateways, ledger, timeout

    async def __call__(self) -> list[AccountHoldings]:
        accounts = self._gateways.balance_gateways()
        answers = await asyncio.gather(*(self._ask(g) for g in accounts))
        told = {(g.provider, g.country): a for g, a in zip(accounts, answers, strict=True)}
        held = await self._ledger.clearing_balances()
        fees = await self._ledger.provider_fees()
        keys = sorted(set(told) | set(held), key=lambda k: (k[0], k[1] or ""))
        return [row for key in keys for row in _rows(key, held, fees, told.get(key))]

    async def _ask(self, gateway: BalanceGateway) -> _Answer:
        try:
            async with asyncio.timeout(self._timeout):
                return _Answer(await gateway.balance(), None)
        except ProviderUnavailable as error:
            return _Answer(None, str(error) or "unavailable")
        except TimeoutError:
            return _Answer(None, f"no answer in {self._timeout:g} s")


def _rows(
    key: ClearingKey,
    held: Mapping[ClearingKey, list[Money]],
    fees: Mapping[ClearingKey, list[Money]],
    told: _Answer | None,
) -> list[AccountHoldings]:
    ledger, booked = _by_currency(held.get(key, [])), _by_currency(fees.get(key, []))
    operator = _by_currency(told.amounts) if told and told.amounts is not None else None
    currencies: list[Currency | None] = [*sorted(set(ledger) | set(operator or {}))]
    unavailable = told.unavailable if told else None
    if not currencies and unavailable:
        currencies = [None]  # an operator that could not answer still has its line
    return [
        AccountHoldings(
            provider=key[0],
            country=key[1],
            currency=currency,
            ledger=ledger.get(currency, 0) if currency else 0,
            fees_booked=booked.get(currency, 0) if currency else 0,
            operator=None if operator is None or currency is None else operator.get(currency, 0),
            unavailable=unavailable,
        )
        for currency in currencies
    ]


def _by_currency(amounts: list[Money]) -> dict[Currency, int]:
    totals: dict[Currency, int] = {}
    for money in amounts:
        totals[money.currency] = totals.get(money.currency, 0) + money.amount
    return totals
