"""The payment log: one JSON line per change of a payment or a refund in
`<log_dir>/payments.log` (an after-commit handler of the dispatch).

Rules:
- One line per change (`payment.changed`, `refund.changed`) with the subject's ids, provider,
  old and new status, the change's type and source (api, webhook, reconciliation), amount,
  currency, `needs_refund` (payments) and the change's time in UTC; anomalies
  (`payment.anomaly`, `refund.anomaly`) are warning lines.
- The `request_id` of the HTTP request that caused the change is on its line (bound in
  structlog's contextvars by the request-id middleware); changes made by jobs carry none.
- The phone is always masked; the event's `data` (provider answers, tokens) is never written;
  anomaly details keep only plain values under keys that do not look secret.
- The file rotates (10 MB x 5 by default). The lines do not go through the logging
  configuration, which neither duplicates nor swallows them.
- After every change, so the line is rendered without structlog's processor chain or the
  logging framework's records (which rendered it twice, once to check the file's size): the
  fields, then `event`, then what is bound in structlog's contextvars (without overriding a
  field), then `level` (the keys and their order of a structlog line), redacted by the same
  `redact_secrets` step as every other log line,
  rendered as structlog's JSON renderer
  does, and appended to the file in one `write` (`adapters.line_file`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import structlog

from adapters.clock import SystemClock
from adapters.line_file import LineFile
from adapters.log_redaction import redact_secrets
from adapters.phones import mask_phone
from application.shared.ports import Clock
from domain.events import DomainEvent
from domain.payment import Payment
from domain.refund import Refund

FILE_NAME = "payments.log"
_SECRET_KEY = re.compile(
    r"secret|token|key|pass|sig|auth|cookie|pin|otp|phone|msisdn|number", re.IGNORECASE
)
_PHONE_LIKE = re.compile(r"\+\d[\d ]{6,}\d|\b\d{8,15}\b")
_MAX_VALUE = 200


def _utc(at: datetime) -> str:
    return (at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)).isoformat()


def _safe(detail: Mapping[str, Any]) -> dict[str, Any]:
    """Plain values only, under keys that do not look secret; phone-like strings masked."""
    safe: dict[str, Any] = {}
    for key, value in detail.items():
        if _SECRET_KEY.search(str(key)):
            continue
        if isinstance(value, Mapping):
            safe[str(key)] = _safe(value)
        elif isinstance(value, str):
            safe[str(key)] = _PHONE_LIKE.sub(lambda m: mask_phone(m.group()) or "", value)[
                :_MAX_VALUE
            ]
        elif value is None or isinstance(value, bool | int | float):
            safe[str(key)] = value
    return safe


def _fields(subject: Payment | Refund) -> dict[str, Any]:
    if isinstance(subject, Refund):
        return {
            "refund_id": subject.id,
            "payment_id": subject.payment_id,
            "order_id": subject.order_id,
            "store_id": subject.store_id,
            "provider": subject.provider,
            "amount": subject.amount.amount,
            "currency": str(subject.amount.currency),
        }
    return _payment_fields(subject)


def _payment_fields(payment: Payment) -> dict[str, Any]:
    return {
        "payment_id": payment.id,
        "order_id": payment.order_id,
        "store_id": payment.store_id,
        "provider": payment.provider,
        "amount": payment.amount.amount,
        "currency": str(payment.amount.currency),
        "phone": mask_phone(payment.phone),
        "needs_refund": payment.needs_refund,
    }


def _fallback(value: Any) -> Any:
    """What structlog's JSON renderer writes for a value JSON does not know."""
    try:
        return value.__structlog__()
    except AttributeError:
        return repr(value)


#: structlog's `JSONRenderer(ensure_ascii=False)`, with its encoder built once.
_ENCODE = json.JSONEncoder(ensure_ascii=False, default=_fallback).encode


def render(fields: dict[str, Any], event: str, level: str) -> str:
    """The JSON line of `fields` (see the module's rules), newline included."""
    fields["event"] = event
    for key, value in structlog.contextvars.get_contextvars().items():
        fields.setdefault(key, value)
    fields["level"] = level
    return _ENCODE(redact_secrets(None, level, fields)) + "\n"


class StructlogPaymentLog:
    """`PaymentLog` port writing structlog-shaped JSON lines to `payments.log`."""

    def __init__(
        self,
        log_dir: Path,
        *,
        max_bytes: int = 10 * 1024 * 1024,
        backup_count: int = 5,
        clock: Clock | None = None,
    ) -> None:
        self._file = LineFile(log_dir / FILE_NAME, max_bytes=max_bytes, backup_count=backup_count)
        self.path = self._file.path
        self._clock = clock or SystemClock()

    def changed(self, subject: Payment | Refund, event: DomainEvent) -> None:
        fields = _fields(subject)
        fields["old_status"] = event.from_status
        fields["new_status"] = event.to_status
        fields["change"] = event.type
        fields["source"] = str(event.source)
        fields["timestamp"] = _utc(event.at)
        self._file.write(render(fields, f"{subject.KIND}.changed", "info"))

    def anomaly(self, subject: Payment | Refund, what: str, detail: Mapping[str, Any]) -> None:
        fields = _fields(subject)
        fields["status"] = str(subject.status)
        fields["what"] = what
        fields["detail"] = _safe(detail)
        fields["timestamp"] = _utc(self._clock.now())
        self._file.write(render(fields, f"{subject.KIND}.anomaly", "warning"))

    def close(self) -> None:
        """Close the file (for shutdown and tests)."""
        self._file.close()
