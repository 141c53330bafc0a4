"""Where a store is paid: adding a destination (usable after a hold, or once an operator
approves it), listing, disabling, approving."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from application.errors import NotFound
from application.payments.ports import PhoneNormalizer
from application.payouts.gateway import PayoutGateways
from application.shared.ports import Clock, IdGenerator
from application.stores.audit import write_audit
from application.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.operator import Actor
from domain.payout_destination import PAYOUT_PROVIDERS, PayoutDestination, PayoutsNotSupported

#: PAYOUT_DESTINATION_HOLD_HOURS' default.
DEFAULT_HOLD = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class AddDestinationCommand:
    store_id: str
    provider: str
    phone: str
    name: str | None = None


class AddDestination:
    """Rules:
    - the phone is an E.164 number (`InvalidPhone`); its country picks the provider account;
    - only a provider with a payout API configured here (`PayoutsNotSupported`): never
      Orange Money, the sandbox outside production only;
    - the destination is usable `hold` after it was added (PAYOUT_DESTINATION_HOLD_HOURS),
      or once an operator approves it; the store is notified (`payout_destination.created`)
      and the operator's queue shows it meanwhile, so a stolen API key cannot empty a
      balance before anyone can look."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        gateways: PayoutGateways,
        phones: PhoneNormalizer,
        ids: IdGenerator,
        clock: Clock,
        hold: timedelta = DEFAULT_HOLD,
    ) -> None:
        self._uow, self._gateways, self._phones = uow, gateways, phones
        self._ids, self._clock, self._hold = ids, clock, hold

    async def __call__(self, command: AddDestinationCommand) -> PayoutDestination:
        phone = self._phones.normalize(command.phone, None)
        country = self._phones.country_of(phone)
        supported = command.provider in PAYOUT_PROVIDERS
        if not supported or self._gateways.payout_gateway(command.provider, country) is None:
            raise PayoutsNotSupported(f"{command.provider} cannot pay out here")
        now = self._clock.now()
        destination = PayoutDestination.add(
            at=now, hold=self._hold, id=self._ids.new("pdst"), store_id=command.store_id,
            provider=command.provider, phone=phone, name=command.name, country=country,
        )  # fmt: skip
        async with self._uow() as uow:
            await uow.payout_destinations.add(destination)
            await uow.commit()
        return destination


async def locked_destination(
    uow: UnitOfWork, destination_id: str, store_id: str | None
) -> PayoutDestination:
    found = await uow.payout_destinations.get(destination_id, store_id=store_id, for_update=True)
    if found is None:
        raise NotFound(f"payout destination {destination_id} not found")
    return found


class DestinationQueries:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    def now(self) -> datetime:
        """The time a destination's status is told at."""
        return self._clock.now()

    async def of_store(self, store_id: str) -> list[PayoutDestination]:
        async with self._uow(read_only=True) as uow:
            return await uow.payout_destinations.of_store(store_id)

    async def awaiting_approval(self) -> list[PayoutDestination]:
        async with self._uow(read_only=True) as uow:
            return await uow.payout_destinations.awaiting_approval(self._clock.now())


class DisableDestination:
    """The store stops paying to it; it stays listed, `disabled`, for good."""

    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def __call__(self, store_id: str, destination_id: str) -> PayoutDestination:
        async with self._uow() as uow:
            destination = await locked_destination(uow, destination_id, store_id)
            if destination.disable(self._clock.now()):
                await uow.payout_destinations.save(destination)
                await uow.commit()
        return destination


class ApproveDestination:
    """An operator makes a destination usable at once (audited); a disabled one is refused
    (`DestinationNotActive`)."""

    def __init__(self, uow: UnitOfWorkFactory, ids: IdGenerator, clock: Clock) -> None:
        self._uow, self._ids, self._clock = uow, ids, clock

    async def __call__(self, destination_id: str, actor: Actor) -> PayoutDestination:
        now = self._clock.now()
        async with self._uow() as uow:
            destination = await locked_destination(uow, destination_id, None)
            if not destination.approve(now, actor.name):
                return destination
            await uow.payout_destinations.save(destination)
            await write_audit(
                uow, self._ids, actor=actor, action="payout_destination.approved",
                subject=("payout_destination", destination.id), at=now,
                after={"store_id": destination.store_id, "provider": destination.provider},
            )  # fmt: skip
            await uow.commit()
        return destination
