"""The mechanics a status-carrying aggregate shares (payments, refunds): a move along its
transition table, and the event each change appends."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, ClassVar, Generic, TypeVar

from domain.errors import InvalidTransition
from domain.events import DomainEvent, Source

S = TypeVar("S", bound=str)


class Lifecycle(Generic[S]):
    """Mixed into a dataclass with `id`, `status`, `updated_at` and `events`. `KIND` names
    its events (`payment.succeeded`); `TRANSITIONS` says where each status may go.

    Rules: moving to the current status changes nothing and records nothing; a move the table
    does not allow raises `InvalidTransition`; every change appends one event."""

    __slots__ = ()
    KIND: ClassVar[str]
    TRANSITIONS: ClassVar[Mapping[Any, frozenset[Any]]]
    id: str
    status: S
    updated_at: datetime
    events: list[DomainEvent]

    def _move(self, target: S, at: datetime, source: Source, data: dict[str, Any] | None) -> bool:
        if self.status is target:
            return False
        if target not in self.TRANSITIONS[self.status]:
            raise InvalidTransition(self.KIND, self.status, target)
        previous = self.status
        self.status = target  # type: ignore[misc]  # the slot is the dataclass's
        self._record(f"{self.KIND}.{target}", at, source, previous, dict(data or {}))
        return True

    def _record(
        self, kind: str, at: datetime, source: Source, previous: S | None, data: dict[str, Any]
    ) -> None:
        self.updated_at = at  # type: ignore[misc]  # the slot is the dataclass's
        self.events.append(
            DomainEvent(
                type=kind,
                subject_id=self.id,
                at=at,
                source=source,
                from_status=previous,
                to_status=self.status,
                data=data,
            )
        )
