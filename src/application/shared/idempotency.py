"""Idempotency-Key semantics for creating requests (docs/api.md, Conventions).

Within 24 h, the same key with the same request replays the first response; with a different
request it is refused (`IdempotencyKeyReused`); while the first is still running, a second one
is refused (`IdempotencyKeyInUse`). A request that ended in an unexpected error releases its
key so that the client can retry.
"""

from __future__ import annotations

import hashlib

from application.errors import IdempotencyKeyInUse, IdempotencyKeyReused
from application.shared.ports import Clock, StoredResponse
from application.unit_of_work import UnitOfWorkFactory


class Idempotency:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock) -> None:
        self._uow, self._clock = uow, clock

    async def begin(self, store_id: str, key: str, fingerprint: bytes) -> StoredResponse | None:
        """Claim `key` for this request: None to go ahead, or the first response to replay."""
        request_hash = hashlib.sha256(fingerprint).hexdigest()
        async with self._uow() as uow:
            record = await uow.idempotency.claim(store_id, key, request_hash, self._clock.now())
            await uow.commit()
        if record is None:
            return None
        if record.request_hash != request_hash:
            raise IdempotencyKeyReused("this Idempotency-Key was used with another request")
        if record.response is None:
            raise IdempotencyKeyInUse("a request with this Idempotency-Key is in progress")
        return record.response

    async def finish(self, store_id: str, key: str, response: StoredResponse) -> None:
        async with self._uow() as uow:
            await uow.idempotency.complete(store_id, key, response)
            await uow.commit()

    async def abandon(self, store_id: str, key: str) -> None:
        async with self._uow() as uow:
            await uow.idempotency.release(store_id, key)
            await uow.commit()
