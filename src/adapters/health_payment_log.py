"""A `PaymentLog` that also tells provider health how payments end: settled within their
time-to-live (and how long it took, and how long the callback took) or expired. It sees every
change of every payment, so the use cases need not know about health."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from application.health_ports import HealthRecorder
from application.ports import PaymentLog
from domain.accounts import AccountId
from domain.events import DomainEvent, Source
from domain.payment import Payment
from domain.provider_health import SETTLE_BOUNDS_S, Tally, bucket_of, minute_of

_SETTLED = frozenset({"succeeded", "failed"})


class HealthPaymentLog:
    def __init__(self, inner: PaymentLog, recorder: HealthRecorder) -> None:
        self._inner, self._recorder = inner, recorder

    def changed(self, payment: Payment, event: DomainEvent) -> None:
        self._inner.changed(payment, event)
        tally = settle_tally(payment, event)
        if tally is not None:
            self._recorder.record(tally)

    def anomaly(self, payment: Payment, what: str, detail: Mapping[str, Any]) -> None:
        self._inner.anomaly(payment, what, detail)


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


def _one(seconds: float | None) -> tuple[int, ...]:
    counts = [0] * (len(SETTLE_BOUNDS_S) + 1)
    if seconds is not None:
        counts[bucket_of(seconds, SETTLE_BOUNDS_S)] = 1
    return tuple(counts)
