"""The audit log of operator actions: writing an entry inside the action's own unit of work
(so an action and its entry are committed together or not at all), and reading the log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from application.shared.ports import IdGenerator, Page, PageRequest
from application.stores.ports import AuditFilter
from application.unit_of_work import UnitOfWork, UnitOfWorkFactory
from domain.audit import AuditEntry
from domain.operator import Actor


async def write_audit(
    uow: UnitOfWork,
    ids: IdGenerator,
    *,
    actor: Actor,
    action: str,
    subject: tuple[str, str],
    at: datetime,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str | None = None,
) -> AuditEntry:
    """Append one entry to the log in the caller's unit of work. `subject` is (type, id)."""
    entry = AuditEntry(
        id=ids.new("aud"),
        actor=actor,
        action=action,
        subject_type=subject[0],
        subject_id=subject[1],
        at=at,
        before=before,
        after=after,
        reason=reason,
    )
    await uow.audit.append(entry)
    return entry


class AuditQueries:
    """The log, newest first, filtered by subject or by operator."""

    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, filters: AuditFilter, page: PageRequest) -> Page[AuditEntry]:
        async with self._uow(read_only=True) as uow:
            return await uow.audit.search(filters, page)
