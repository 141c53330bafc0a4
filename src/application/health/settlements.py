"""What a payment's change tells of its provider's health: settled within its time-to-live
(how long it took, and how long its callback took) or expired. An after-commit handler of the
dispatch, so it sees every change of every payment and the use cases need not know of it."""

from __future__ import annotations

from application.health.ports import HealthRecorder
from application.shared.ports import Change
from domain.accounts import AccountId
from domain.events import DomainEvent, Source
from domain.payment import Payment
from domain.provider_health import SETTLE_BOUNDS_S, Tally, bucket_of, minute_of

_SETTLED = frozenset({"succeeded", "failed"})


class RecordSettlement:
    """Tally how each payment that leaves `created` or `pending` ended."""

    def __init__(self, recorder: HealthRecorder) -> None:
        self._recorder = recorder

    def __call__(self, change: Change) -> None:
        if isinstance(change.subject, Payment):
            tally = settle_tally(change.subject, change.event)
            if tally is not None:
                self._recorder.record(tally)


def settle_tally(payment: Payment, event: DomainEvent) -> Tally | None:
    """What a change says of the provider: an open payment that settled (within its
    time-to-live or not) or expired. Late successes of expired payments are not counted
    again."""
    if event.from_status not in ("created", "pending") or event.from_status == event.to_status:
        return None
    minute = minute_of(event.at)
    account = AccountId(payment.provider, payment.country).key  # each account's own health
    if event.to_status == "expired":
        return Tally(account, minute, expired=1)
    if event.to_status not in _SETTLED:
        return None
    if payment.expires_at is not None and event.at > payment.expires_at:
        return Tally(account, minute, expired=1)
    seconds = (event.at - payment.created_at).total_seconds()
    settle = _one(seconds)
    callback = _one(seconds) if event.source is Source.WEBHOOK else _one(None)
    return Tally(
        account,
        minute,
        settled_in_ttl=1,
        settle_seconds=settle,
        callback_seconds=callback,
    )


#: The settle histograms with one count: in each bucket, then in none.
_ONE_IN = tuple(
    tuple(int(index == bucket) for index in range(len(SETTLE_BOUNDS_S) + 1))
    for bucket in range(len(SETTLE_BOUNDS_S) + 1)
)
_NONE = (0,) * (len(SETTLE_BOUNDS_S) + 1)


def _one(seconds: float | None) -> tuple[int, ...]:
    return _NONE if seconds is None else _ONE_IN[bucket_of(seconds, SETTLE_BOUNDS_S)]
