"""Paying a store: a payout from its available balance to one of its destinations."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from application.errors import NotFound, ProviderRejected, ProviderUnavailable
from application.payouts.follow import next_payout_check
from application.payouts.gateway import PayoutGateway, PayoutGateways, PayoutReport
from application.payouts.settle import SettlePayout, order_of, outcome_of
from application.shared.ports import Clock, IdGenerator
from application.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.accounts import CURRENCY_OF
from domain.errors import UnsupportedCurrency
from domain.events import Source
from domain.money import Money
from domain.payout import InsufficientBalance, Payout
from domain.payout_destination import PayoutDestination, PayoutsNotSupported


@dataclass(frozen=True, slots=True)
class CreatePayoutCommand:
    store_id: str
    amount: Money
    destination_id: str
    description: str | None = None
    source: Source = Source.API
    #: the daily schedule's (store, currency, day): a second payout of it is not made
    schedule_key: str | None = None


class AlreadyScheduled(Exception):
    """The schedule's payout of this day exists already."""


class CreatePayout:
    """Rules:
    - the destination is the store's and active now (`DestinationNotActive`), and its
      provider account can pay out (`PayoutsNotSupported`);
    - the currency is the destination country's (`UnsupportedCurrency`);
    - the amount is at most the store's available balance (`InsufficientBalance`): the
      store's balance is locked while the payout is written, so payouts asked at once are
      checked one after the other and together never take more than it;
    - the payout is committed (`pending`, its amount moved from the store to in flight)
      before the provider is called, with the reference the provider will know it by;
    - a timeout or a 5xx leaves it `pending` (reconciliation follows it), never failed; a
      refusal fails it and gives the money back; the circuit breaker is not consulted."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        gateways: PayoutGateways,
        ids: IdGenerator,
        clock: Clock,
        settle: SettlePayout,
        hold: timedelta = timedelta(0),
    ) -> None:
        self._uow, self._gateways, self._ids = uow, gateways, ids
        self._clock, self._settle, self._hold = clock, settle, hold

    async def __call__(self, command: CreatePayoutCommand) -> Payout:
        payout, gateway = await self._create(command)
        try:
            report = await gateway.send(order_of(payout))
        except (ProviderUnavailable, ProviderRejected) as error:
            report = PayoutReport("pending", None, None, None, None, {"error": str(error)})
        return await self._settle(payout.id, outcome_of(report), command.source)

    async def _create(self, command: CreatePayoutCommand) -> tuple[Payout, PayoutGateway]:
        async with self._uow() as uow:
            destination = await uow.payout_destinations.get(
                command.destination_id, store_id=command.store_id
            )
            if destination is None:
                raise NotFound(f"payout destination {command.destination_id} not found")
            gateway = self._usable(destination, command.amount)
            await uow.ledger.lock_balance(command.store_id)  # until this transaction ends
            if command.schedule_key and await uow.payouts.scheduled(command.schedule_key):
                raise AlreadyScheduled(command.schedule_key)
            await self._ensure_covered(uow, command)
            payout = self._new(command, destination, gateway.country)
            await uow.payouts.add(payout)
            await uow.payouts.plan(payout.id, next_payout_check(0, payout.created_at), 0)
            await uow.commit()
        return payout, gateway

    def _usable(self, destination: PayoutDestination, amount: Money) -> PayoutGateway:
        destination.ensure_usable(self._clock.now())
        gateway = self._gateways.payout_gateway(destination.provider, destination.country)
        if gateway is None:
            raise PayoutsNotSupported(f"{destination.provider} cannot pay out here")
        wanted = CURRENCY_OF.get(destination.country or "")
        if wanted is not None and amount.currency.value != wanted:
            raise UnsupportedCurrency(f"a payout to {destination.country} is in {wanted}")
        return gateway

    async def _ensure_covered(self, uow: UnitOfWork, command: CreatePayoutCommand) -> None:
        since = self._clock.now() - self._hold if self._hold else None
        available = await available_balance(uow, command.store_id, command.amount, since)
        if command.amount.amount > available:
            raise InsufficientBalance(
                f"{command.amount.amount} asked, {max(available, 0)} available"
            )

    def _new(
        self, command: CreatePayoutCommand, destination: PayoutDestination, account: str | None
    ) -> Payout:
        """`account`: the country of the provider account that pays (None: the default one,
        whatever the destination's country), so that the payout is booked on the clearing
        account the money really leaves, and followed through it."""
        return Payout.create(
            at=self._clock.now(), source=command.source, id=self._ids.new("po"),
            store_id=command.store_id, destination_id=destination.id,
            provider=destination.provider, country=account,
            phone=destination.phone, name=destination.name, amount=command.amount,
            reference=str(uuid.uuid4()), description=command.description,
            schedule_key=command.schedule_key,
        )  # fmt: skip


async def available_balance(
    uow: UnitOfWork, store_id: str, money: Money, since: datetime | None
) -> int:
    """The store's available balance in `money`'s currency (sales after `since` pending)."""
    for line in await uow.ledger.balances(store_id, since):
        if line.currency is money.currency:
            return line.available
    return 0
