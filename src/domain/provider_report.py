"""What a provider says about a payment, in the domain's words."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from domain.money import Money


class ReportedStatus(StrEnum):
    """A provider's answer, mapped by its adapter. `unknown` covers "not found" and statuses
    the adapter does not recognise: it never changes a payment."""

    PENDING = "pending"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class ProviderReport:
    """A confirmed answer of the provider's API (or a verified signed event).

    `amount` is what the provider says was paid, when its answer carries one; `raw` is its
    answer as received, kept in the payment's history.
    """

    status: ReportedStatus
    amount: Money | None = None
    failure_code: str | None = None
    failure_message: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)
