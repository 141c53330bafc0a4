"""The audit log: one entry per operator action, never changed or removed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from domain.operator import Actor


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditEntry:
    """Who (`actor`) did what (`action`, e.g. `store.suspended`) to which subject, when, and
    the subject as it was before and after (None when it did not exist / was not changed).
    Entries hold no secret: a rotated secret appears as the fact of its rotation."""

    id: str
    actor: Actor
    action: str
    subject_type: str
    subject_id: str
    at: datetime
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    reason: str | None = None
