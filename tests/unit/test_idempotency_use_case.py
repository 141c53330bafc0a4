"""Idempotency: the first request claims the key; the same request replays its response, a
different one is refused, a concurrent one is told to wait, a failed one frees the key."""

import pytest
from tests.fakes import FakeClock, InMemoryUnitOfWorkFactory
from tests.unit.helpers import OTHER_STORE, STORE

from application.errors import IdempotencyKeyInUse, IdempotencyKeyReused
from application.shared.idempotency import Idempotency
from application.shared.ports import StoredResponse

KEY = "order-CMD-1"
REQUEST = b'POST /v1/orders {"amount": 5000}'
RESPONSE = StoredResponse(201, b'{"id": "ord_0001"}')


def idempotency() -> Idempotency:
    return Idempotency(InMemoryUnitOfWorkFactory(), FakeClock())


async def completed() -> Idempotency:
    keys = idempotency()
    assert await keys.begin(STORE, KEY, REQUEST) is None
    await keys.finish(STORE, KEY, RESPONSE)
    return keys


async def test_the_first_request_claims_the_key() -> None:
    keys = idempotency()
    assert await keys.begin(STORE, KEY, REQUEST) is None


async def test_the_same_request_again_replays_the_first_response() -> None:
    keys = await completed()
    assert await keys.begin(STORE, KEY, REQUEST) == RESPONSE
    assert await keys.begin(STORE, KEY, REQUEST) == RESPONSE


async def test_a_different_request_with_the_same_key_is_refused() -> None:
    keys = await completed()
    with pytest.raises(IdempotencyKeyReused):
        await keys.begin(STORE, KEY, b'POST /v1/orders {"amount": 9000}')
    assert await keys.begin(STORE, KEY, REQUEST) == RESPONSE


async def test_the_same_request_while_the_first_is_in_flight_is_refused() -> None:
    keys = idempotency()
    await keys.begin(STORE, KEY, REQUEST)
    with pytest.raises(IdempotencyKeyInUse):
        await keys.begin(STORE, KEY, REQUEST)


async def test_a_different_request_while_the_first_is_in_flight_is_a_reuse() -> None:
    keys = idempotency()
    await keys.begin(STORE, KEY, REQUEST)
    with pytest.raises(IdempotencyKeyReused):
        await keys.begin(STORE, KEY, b"another request")


async def test_an_abandoned_request_frees_its_key_for_a_retry() -> None:
    keys = idempotency()
    await keys.begin(STORE, KEY, REQUEST)
    await keys.abandon(STORE, KEY)
    assert await keys.begin(STORE, KEY, b"a corrected request") is None


async def test_abandoning_a_completed_request_keeps_its_response() -> None:
    keys = await completed()
    await keys.abandon(STORE, KEY)
    assert await keys.begin(STORE, KEY, REQUEST) == RESPONSE


async def test_keys_belong_to_one_store() -> None:
    keys = await completed()
    assert await keys.begin(OTHER_STORE, KEY, REQUEST) is None
