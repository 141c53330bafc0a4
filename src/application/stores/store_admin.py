"""Operator actions on a store: suspend, reactivate, change the notification URL, rotate the
notification signing secret.

Rules: each action locks the store's row, changes it through the aggregate and writes its
audit entry (the store as it was and as it is, never a secret) in the same transaction. An
action that changes nothing (suspending a suspended store, the same URL again) writes nothing
and returns the store as it is."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from application.errors import NotFound
from application.shared.ports import Clock, IdGenerator
from application.stores.audit import write_audit
from application.stores.ports import Credentials, NotificationUrls
from application.unit_of_work import UnitOfWorkFactory
from domain.operator import Actor
from domain.store import Store

SUBJECT = "store"


@dataclass(frozen=True, slots=True)
class StoreChange:
    """An operator's change to one store; `reason` is written to the audit log."""

    store_id: str
    actor: Actor
    reason: str | None = None


class _ChangeStore:
    """Lock, change with `_apply` (False: nothing changed), audit, commit."""

    action = ""

    def __init__(self, uow: UnitOfWorkFactory, ids: IdGenerator, clock: Clock) -> None:
        self._uow, self._ids, self._clock = uow, ids, clock

    async def _change(self, change: StoreChange, apply: Callable[[Store], bool]) -> Store:
        now = self._clock.now()
        async with self._uow() as uow:
            store = await uow.stores.get_for_update(change.store_id)
            if store is None:
                raise NotFound(f"store {change.store_id} not found")
            before = store.audit_view()
            if not apply(store):
                return store
            await uow.stores.save(store)
            after = {**store.audit_view(), **self._extra_after()}
            await write_audit(
                uow, self._ids, actor=change.actor, action=self.action,
                subject=(SUBJECT, store.id), at=now, before=before, after=after,
                reason=change.reason,
            )  # fmt: skip
            await uow.commit()
        return store

    def _extra_after(self) -> dict[str, object]:
        return {}


class SuspendStore(_ChangeStore):
    """The store's API key answers `store_suspended` and its checkout pages say the shop is
    unavailable; its payments in flight still settle."""

    action = "store.suspended"

    async def __call__(self, change: StoreChange) -> Store:
        now = self._clock.now()
        return await self._change(change, lambda store: store.suspend(now))


class ReactivateStore(_ChangeStore):
    action = "store.reactivated"

    async def __call__(self, change: StoreChange) -> Store:
        return await self._change(change, lambda store: store.reactivate())


class ChangeNotificationUrl(_ChangeStore):
    """Notifications not yet delivered go to the new URL (None: no endpoint). The URL must pass
    the service's outbound rules, as at creation (`InvalidNotificationUrl`)."""

    action = "store.notification_url_changed"

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        ids: IdGenerator,
        clock: Clock,
        urls: NotificationUrls | None = None,
    ) -> None:
        super().__init__(uow, ids, clock)
        self._urls = urls

    async def __call__(self, change: StoreChange, url: str | None) -> Store:
        if url is not None and self._urls is not None:
            await self._urls.check(url)

        def apply(store: Store) -> bool:
            if store.notification_url == url:
                return False
            store.notification_url = url
            return True

        return await self._change(change, apply)


class ChangeFee(_ChangeStore):
    """The platform's fee on the store's sales from now on (0 to 10,000 basis points; None:
    the platform's rate). A sale keeps the fee fixed when it succeeded."""

    action = "store.fee_changed"

    async def __call__(self, change: StoreChange, fee_bps: int | None) -> Store:
        return await self._change(change, lambda store: store.set_fee(fee_bps))


@dataclass(frozen=True, slots=True)
class RotatedSecret:
    store: Store
    webhook_secret: str  # shown this once


class RotateWebhookSecret(_ChangeStore):
    """A new secret signs the store's notifications from now on (those still to be sent
    too); the old one stops at once. The audit entry records the rotation, not the secret."""

    action = "store.webhook_secret_rotated"

    def __init__(
        self, uow: UnitOfWorkFactory, ids: IdGenerator, clock: Clock, credentials: Credentials
    ) -> None:
        super().__init__(uow, ids, clock)
        self._credentials = credentials

    async def __call__(self, change: StoreChange) -> RotatedSecret:
        secret = self._credentials.new_webhook_secret()

        def apply(store: Store) -> bool:
            store.webhook_secret = secret
            return True

        return RotatedSecret(await self._change(change, apply), secret)

    def _extra_after(self) -> dict[str, object]:
        return {"webhook_secret": "rotated"}
