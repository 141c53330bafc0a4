"""Server-side sign-in sessions of the hosted pages: a vendor's (signed in with the store's
API key) and an operator's (signed in with an operator token). The browser's cookie carries
a random session id; the session itself is a row the service can end.

Rules:
- a session is good while it is not revoked and not past its lifetime; an operator's also
  idles out when no page was asked for within its idle time (each page it asks renews it);
- signing out revokes the session at once: a copy of the cookie is refused afterwards;
- revoking an operator revokes all its sessions; rotating a store's API key revokes all its
  vendors' sessions (the old key's holder must not stay signed in);
- the session id is made by the store (random, at least 256 bits) and only its hash is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

from application.shared.ports import Clock


class SessionKind(StrEnum):
    VENDOR = "vendor"
    OPERATOR = "operator"


@dataclass(frozen=True, slots=True)
class SessionPolicy:
    """How long a session lasts (`lifetime`), and how long it may stay unused (`idle`, None:
    as long as its lifetime)."""

    lifetime: timedelta
    idle: timedelta | None = None


@dataclass(frozen=True, slots=True)
class SessionPolicies:
    """Vendors: 12 hours. Operators act on any store's money: 4 hours, 30 minutes idle."""

    vendor: SessionPolicy = field(default_factory=lambda: SessionPolicy(timedelta(hours=12)))
    operator: SessionPolicy = field(
        default_factory=lambda: SessionPolicy(timedelta(hours=4), timedelta(minutes=30))
    )

    def of(self, kind: SessionKind) -> SessionPolicy:
        return self.vendor if kind is SessionKind.VENDOR else self.operator


class SessionStore(Protocol):
    async def open(self, kind: SessionKind, subject_id: str, at: datetime, until: datetime) -> str:
        """A new session of `subject_id` (a store or an operator): its id, random."""
        ...

    async def touch(
        self, kind: SessionKind, session_id: str, at: datetime, seen_after: datetime | None
    ) -> str | None:
        """The subject of a good session (not revoked, not expired at `at`, last seen after
        `seen_after` when given), which is marked seen at `at`; None otherwise."""
        ...

    async def revoke(self, session_id: str, at: datetime) -> None: ...

    async def revoke_all(self, kind: SessionKind, subject_id: str, at: datetime) -> int:
        """Revoke every open session of the subject; how many there were."""
        ...


class SignInSessions:
    def __init__(self, store: SessionStore, clock: Clock, policies: SessionPolicies) -> None:
        self._store, self._clock, self._policies = store, clock, policies

    def lifetime(self, kind: SessionKind) -> timedelta:
        return self._policies.of(kind).lifetime

    async def open(self, kind: SessionKind, subject_id: str) -> str:
        now = self._clock.now()
        return await self._store.open(kind, subject_id, now, now + self.lifetime(kind))

    async def subject(self, kind: SessionKind, session_id: str | None) -> str | None:
        """Who the session is of, while it is good; None otherwise."""
        if not session_id:
            return None
        now, idle = self._clock.now(), self._policies.of(kind).idle
        return await self._store.touch(kind, session_id, now, now - idle if idle else None)

    async def close(self, session_id: str | None) -> None:
        if session_id:
            await self._store.revoke(session_id, self._clock.now())

    async def end_all(self, kind: SessionKind, subject_id: str) -> int:
        return await self._store.revoke_all(kind, subject_id, self._clock.now())
