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
- The file rotates (10 MB x 5 by default). The logger is dedicated and does not propagate,
  so the rest of the logging configuration neither duplicates nor swallows these lines.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

import structlog

from adapters.clock import SystemClock
from adapters.log_redaction import before_renderer
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


class StructlogPaymentLog:
    """`PaymentLog` port writing JSON lines through a dedicated stdlib logger."""

    def __init__(
        self,
        log_dir: Path,
        *,
        max_bytes: int = 10 * 1024 * 1024,
        backup_count: int = 5,
        clock: Clock | None = None,
    ) -> None:
        log_dir.mkdir(parents=True, exist_ok=True)
        path = (log_dir / FILE_NAME).resolve()
        self.path = path
        self._clock = clock or SystemClock()
        digest = hashlib.sha256(str(path).encode()).hexdigest()[:12]
        stdlib = logging.getLogger(f"payments.payment_log.{digest}")
        stdlib.setLevel(logging.INFO)
        stdlib.propagate = False
        for old in list(stdlib.handlers):  # a second instance on the same file replaces the first
            stdlib.removeHandler(old)
            old.close()
        handler = RotatingFileHandler(
            path, maxBytes=max_bytes, backupCount=backup_count, encoding="utf-8"
        )
        handler.setFormatter(
            structlog.stdlib.ProcessorFormatter(
                processors=[
                    structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                    *before_renderer(structured=True),
                    structlog.processors.JSONRenderer(ensure_ascii=False),
                ]
            )
        )
        stdlib.addHandler(handler)
        self._stdlib = stdlib
        self._handler = handler
        self._log = structlog.wrap_logger(
            stdlib,
            wrapper_class=structlog.stdlib.BoundLogger,
            processors=[
                structlog.contextvars.merge_contextvars,
                structlog.stdlib.add_log_level,
                structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
            ],
        )

    def changed(self, subject: Payment | Refund, event: DomainEvent) -> None:
        self._log.info(
            f"{subject.KIND}.changed",
            **_fields(subject),
            old_status=event.from_status,
            new_status=event.to_status,
            change=event.type,
            source=str(event.source),
            timestamp=_utc(event.at),
        )

    def anomaly(self, subject: Payment | Refund, what: str, detail: Mapping[str, Any]) -> None:
        self._log.warning(
            f"{subject.KIND}.anomaly",
            **_fields(subject),
            status=str(subject.status),
            what=what,
            detail=_safe(detail),
            timestamp=_utc(self._clock.now()),
        )

    def close(self) -> None:
        """Detach and close the file (for shutdown and tests)."""
        self._stdlib.removeHandler(self._handler)
        self._handler.close()
