"""Following payouts until their provider confirms them: verification (on request, and by
reconciliation) and the person who settles what nobody could confirm."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta

from application.errors import NotFound, ProviderRejected, ProviderUnavailable
from application.payouts.gateway import PayoutGateways
from application.payouts.settle import SettlePayout, locked_payout, order_of, outcome_of
from application.shared.ports import Clock, IdGenerator
from application.stores.audit import write_audit
from application.unit_of_work import UnitOfWorkFactory
from domain.events import Source
from domain.operator import Actor
from domain.payout import Payout, PayoutStatus
from domain.payout_destination import PayoutsNotSupported

#: A payout still unconfirmed this long after it was made waits for a person.
FOLLOW_UP = timedelta(hours=24)

#: Look-ups of a pending payout: 5 s, 15 s, 1 min, 5 min after it was made, then every 30 min.
CHECK_DELAYS = (
    timedelta(seconds=5),
    timedelta(seconds=15),
    timedelta(minutes=1),
    timedelta(minutes=5),
)
CHECK_EVERY = timedelta(minutes=30)
#: How long a pass holds the payouts it took before another may take them.
LEASE = timedelta(minutes=2)


def next_payout_check(attempts: int, now: datetime) -> datetime:
    return now + (CHECK_DELAYS[attempts] if attempts < len(CHECK_DELAYS) else CHECK_EVERY)


class VerifyPayout:
    """Ask the provider where a pending payout stands (its gateway resends it with the same
    reference when the provider never received it) and apply the answer. A payout that is
    not pending is returned as it is: nothing reopens a settled one."""

    def __init__(
        self, uow: UnitOfWorkFactory, gateways: PayoutGateways, settle: SettlePayout
    ) -> None:
        self._uow, self._gateways, self._settle = uow, gateways, settle

    async def __call__(self, payout_id: str, source: Source, store_id: str | None = None) -> Payout:
        async with self._uow(read_only=True) as uow:
            payout = await uow.payouts.get(payout_id)
        if payout is None or store_id not in (None, payout.store_id):
            raise NotFound(f"payout {payout_id} not found")
        if payout.status is not PayoutStatus.PENDING:
            return payout
        gateway = self._gateways.payout_gateway(payout.provider, payout.country)
        if gateway is None:
            raise PayoutsNotSupported(f"{payout.provider} is no longer configured for payouts")
        try:
            report = await gateway.look_up(order_of(payout))
        except (ProviderUnavailable, ProviderRejected):
            return payout  # unknown: it stays pending
        return await self._settle(payout_id, outcome_of(report), source)


class ReconcilePayouts:
    """The periodic pass: each pending payout is looked up on its schedule (`CHECK_DELAYS`,
    claimed with a lease, so workers share the work); one still unconfirmed `FOLLOW_UP`
    after it was made goes to `requires_action`, on the operator's queue."""

    def __init__(
        self, uow: UnitOfWorkFactory, verify: VerifyPayout, clock: Clock, batch: int = 50
    ) -> None:
        self._uow, self._verify, self._clock, self._batch = uow, verify, clock, batch

    async def __call__(self) -> int:
        now = self._clock.now()
        async with self._uow() as uow:
            due = await uow.payouts.claim_due(now, now + LEASE, self._batch)
            await uow.commit()
        for payout_id, attempts in due:
            await self.check(payout_id, attempts)
        return len(due)

    async def check(self, payout_id: str, attempts: int = 0) -> Payout:
        with contextlib.suppress(PayoutsNotSupported):  # nobody can ask: a person will
            await self._verify(payout_id, Source.RECONCILIATION)
        async with self._uow() as uow:
            payout = await locked_payout(uow, payout_id)
            now = self._clock.now()
            if now >= payout.created_at + FOLLOW_UP and payout.require_action(now, "unconfirmed"):
                await uow.payouts.save(payout)
            pending = payout.status is PayoutStatus.PENDING
            upcoming = next_payout_check(attempts + 1, now) if pending else None
            await uow.payouts.plan(payout_id, upcoming, attempts + 1)
            await uow.commit()
        return payout


class RecordPayout:
    """An operator settles a `requires_action` payout after checking with the operator:
    paid (with the operator's reference) or failed (the money goes back to the store,
    once). Audited."""

    def __init__(self, uow: UnitOfWorkFactory, ids: IdGenerator, clock: Clock) -> None:
        self._uow, self._ids, self._clock = uow, ids, clock

    async def __call__(
        self, payout_id: str, *, paid: bool, reference: str, actor: Actor, note: str | None
    ) -> Payout:
        now = self._clock.now()
        async with self._uow() as uow:
            payout = await locked_payout(uow, payout_id)
            payout.record_manual(now, paid=paid, reference=reference, operator=actor.name,
                                 note=note)  # fmt: skip
            await uow.payouts.save(payout)
            await write_audit(
                uow, self._ids, actor=actor, action="payout.recorded",
                subject=("payout", payout.id), at=now,
                after={"status": payout.status.value, "reference": reference}, reason=note,
            )  # fmt: skip
            await uow.commit()
        return payout
