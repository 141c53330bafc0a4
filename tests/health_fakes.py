"""In-memory fakes of the provider health ports (`application/health/ports.py`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from application.health.ports import Incident
from domain.provider_health import Breaker, Tally


class InMemoryBreakerStore:
    def __init__(self) -> None:
        self.breakers: dict[str, Breaker] = {}
        self.reads = 0
        self.writes = 0

    async def all(self) -> Mapping[str, Breaker]:
        self.reads += 1
        return dict(self.breakers)

    async def change(self, provider: str, change: Callable[[Breaker], Breaker]) -> Breaker:
        self.writes += 1
        self.breakers[provider] = change(self.breakers.get(provider) or Breaker())
        return self.breakers[provider]


class InMemoryHealthRecorder:
    def __init__(self) -> None:
        self.buffer: list[Tally] = []
        self.flushed: list[Tally] = []

    def record(self, tally: Tally) -> None:
        self.buffer.append(tally)

    async def flush(self) -> None:
        self.flushed.extend(self.buffer)
        self.buffer.clear()


class InMemoryHealthLedger:
    """Tallies come from a recorder's flushed list; stores using a provider are given."""

    def __init__(self, recorder: InMemoryHealthRecorder, users: dict[str, list[str]]) -> None:
        self._recorder, self._users = recorder, users
        self.list: list[Incident] = []
        self.announced: list[tuple[str, str, dict[str, Any]]] = []  # (store, type, body)

    async def tallies(self, since: datetime) -> list[Tally]:
        return [t for t in self._recorder.flushed if t.minute >= since]

    async def incidents(self, since: datetime) -> list[Incident]:
        return [i for i in self.list if i.ended_at is None or i.ended_at >= since]

    async def begin_incident(
        self, provider: str, status: str, at: datetime, announce: Mapping[str, Any]
    ) -> bool:
        for index, incident in enumerate(self.list):
            if incident.provider == provider and incident.ended_at is None:
                if status == "down":
                    self.list[index] = replace(incident, status="down")
                return False
        self.list.append(Incident(f"inc_{len(self.list) + 1}", provider, status, at, None))
        self._announce(provider, "provider.degraded", announce)
        return True

    async def end_incident(self, provider: str, at: datetime, announce: Mapping[str, Any]) -> bool:
        for index, incident in enumerate(self.list):
            if incident.provider == provider and incident.ended_at is None:
                self.list[index] = replace(incident, ended_at=at)
                self._announce(provider, "provider.recovered", announce)
                return True
        return False

    def _announce(self, provider: str, kind: str, body: Mapping[str, Any]) -> None:
        for store in self._users.get(provider, []):
            self.announced.append((store, kind, dict(body)))
