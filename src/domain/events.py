"""Domain events: the record of every change to an order or a payment."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any


class Source(StrEnum):
    """What caused a change."""

    API = "api"
    WEBHOOK = "webhook"
    RECONCILIATION = "reconciliation"
    VERIFICATION = "verification"
    SYSTEM = "system"


@dataclass(frozen=True, slots=True)
class DomainEvent:
    """One change of one aggregate.

    `type` names the change (`payment.succeeded`, `order.paid`, `payment.amount_mismatch`, ...);
    `data` keeps what caused it, such as the provider's raw answer.
    """

    type: str
    subject_id: str
    at: datetime
    source: Source
    from_status: str | None = None
    to_status: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
