"""Bodies of the payout routes (docs/api.md, Payouts) and their presenters."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from msgspec import Meta

from adapters.snapshots import destination_object, payout_object, timestamp
from application.payouts.ports import PayoutSchedule
from application.shared.ports import Page
from domain.payout import Payout
from domain.payout_destination import PayoutDestination
from entrypoints.http.wire import Amount, CurrencyCode, LongText, Out, Phone, Request, Text

ProviderName = Annotated[str, Meta(max_length=32)]
Id = Annotated[str, Meta(min_length=1, max_length=64)]
Reference = Annotated[str, Meta(max_length=255)]


class DestinationIn(Request, frozen=True, kw_only=True, forbid_unknown_fields=True):
    provider: ProviderName
    phone: Phone
    name: Text | None = None


class DestinationOut(Out, frozen=True, kw_only=True):
    id: str
    object: str = "payout_destination"
    store_id: str
    provider: str
    phone: str
    name: str | None
    country: str | None
    status: str
    active_from: str
    approved_at: str | None
    disabled_at: str | None
    created_at: str


class DestinationList(Out, frozen=True, kw_only=True):
    data: list[DestinationOut]


class PayoutIn(Request, frozen=True, kw_only=True, forbid_unknown_fields=True):
    amount: Amount
    currency: CurrencyCode
    destination_id: Id
    description: LongText | None = None


class PayoutOut(Out, frozen=True, kw_only=True):
    id: str
    object: str = "payout"
    store_id: str
    amount: int
    currency: str
    destination_id: str
    provider: str
    status: str
    description: str | None
    failure_code: str | None
    failure_message: str | None
    provider_reference: str | None
    provider_fee: int | None
    created_at: str
    updated_at: str
    succeeded_at: str | None


class PayoutList(Out, frozen=True, kw_only=True):
    data: list[PayoutOut]
    has_more: bool = False
    next_cursor: str | None = None


class ScheduleIn(Request, frozen=True, kw_only=True, forbid_unknown_fields=True):
    interval: Literal["manual", "daily"]
    destination_id: Id | None = None
    minimum: Annotated[int, Meta(ge=0, le=10**15)] = 0


class ScheduleOut(Out, frozen=True, kw_only=True):
    object: str = "payout_schedule"
    interval: str
    destination_id: str | None
    minimum: int
    updated_at: str


class RecordPayoutIn(Request, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """An operator's record of a payout nobody could confirm: `succeeded` with the
    operator's `reference`, or `failed` (the money goes back to the store)."""

    outcome: Literal["succeeded", "failed"]
    reference: Reference = ""
    note: LongText | None = None


def destination_out(destination: PayoutDestination, now: datetime) -> DestinationOut:
    return msgspec.convert(destination_object(destination, now), DestinationOut)


def payout_out(payout: Payout) -> PayoutOut:
    return msgspec.convert(payout_object(payout), PayoutOut)


def payout_list(page: Page[Payout]) -> PayoutList:
    data = [payout_out(p) for p in page.data]
    return PayoutList(data=data, has_more=page.has_more, next_cursor=page.next_cursor)


def schedule_out(schedule: PayoutSchedule) -> ScheduleOut:
    return ScheduleOut(
        interval=schedule.interval, destination_id=schedule.destination_id,
        minimum=schedule.minimum, updated_at=timestamp(schedule.updated_at),
    )  # fmt: skip
