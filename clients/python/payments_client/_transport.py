"""What the sync and async clients share: the description of a call, the retry rules and
the decoding of answers. No I/O here.

Retry rules (a call is tried at most `RetryPolicy.attempts` times):
- reading calls (GET) are retried after a timeout, a network error, a 5xx or a 429;
- creating calls carry an `Idempotency-Key` (made here unless given) and are retried on the
  same conditions with the SAME key, so the service replays the first answer instead of
  creating twice; a 409 `idempotency_key_in_use` (the first try still running) is waited out;
- any other call (cancel, verify, redeliver, rotate-key) is retried only when the request
  cannot have reached the service (connection refused) or was turned away unprocessed (429);
- a 429 or 503 `Retry-After` is honoured (capped at `max_delay`); otherwise the wait grows
  exponentially from `backoff`, with jitter.
"""

from __future__ import annotations

import email.utils
import random
import time
import uuid
from dataclasses import dataclass, field, replace
from typing import Any, Generic, TypeVar

import httpx
import msgspec

from payments_client.errors import ServiceUnreachable, error_from

T = TypeVar("T")

IDEMPOTENCY_KEY = "Idempotency-Key"
_TRANSIENT_STATUSES = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True, slots=True)
class Call(Generic[T]):
    """One API call: what to send and what type the answer decodes to."""

    method: str
    path: str
    answer: type[T]
    params: dict[str, Any] = field(default_factory=dict)
    body: msgspec.Struct | None = None
    creates: bool = False
    idempotency_key: str | None = None

    @property
    def reads(self) -> bool:
        return self.method == "GET"

    def after(self, cursor: str) -> Call[T]:
        """The same list call for the page after `cursor`."""
        return replace(self, params={**self.params, "starting_after": cursor})

    def request(self, client: httpx.Client | httpx.AsyncClient) -> httpx.Request:
        headers = {IDEMPOTENCY_KEY: self.idempotency_key} if self.idempotency_key else {}
        content = msgspec.json.encode(self.body) if self.body is not None else None
        if content is not None:
            headers["Content-Type"] = "application/json"
        params = {k: v for k, v in self.params.items() if v is not None}
        return client.build_request(
            self.method, self.path, params=params, content=content, headers=headers
        )


def keyed(call: Call[T]) -> Call[T]:
    """A creating call with its Idempotency-Key fixed once for all its tries."""
    if call.creates and call.idempotency_key is None:
        return replace(call, idempotency_key=str(uuid.uuid4()))
    return call


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 4
    backoff: float = 0.5
    max_delay: float = 30.0

    def delay(self, attempt: int, response: httpx.Response | None = None) -> float:
        """Seconds to wait before try `attempt + 1` (attempt counts from 1)."""
        if response is not None and (after := retry_after(response)) is not None:
            return min(after, self.max_delay)
        exponential: float = self.backoff * 2.0 ** (attempt - 1)
        return min(exponential * (0.5 + random.random() / 2), self.max_delay)  # noqa: S311

    def retries_error(self, call: Call[Any], error: httpx.TransportError) -> bool:
        return call.reads or call.creates or isinstance(error, httpx.ConnectError)

    def retries_answer(self, call: Call[Any], response: httpx.Response) -> bool:
        if response.status_code == 429:
            return True
        if call.creates and response.status_code == 409:
            return _code(response) == "idempotency_key_in_use"
        return (call.reads or call.creates) and response.status_code in _TRANSIENT_STATUSES


def retry_after(response: httpx.Response) -> float | None:
    """`Retry-After` in seconds (delta-seconds or an HTTP date), None when absent."""
    value = response.headers.get("Retry-After")
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _code(response: httpx.Response) -> str | None:
    try:
        code = msgspec.json.decode(response.content).get("code")
    except (msgspec.MsgspecError, AttributeError):
        return None
    return code if isinstance(code, str) else None


def decode(call: Call[T], response: httpx.Response) -> T:
    """The answer as `call.answer`, or the error it stands for."""
    if response.is_success:
        return msgspec.json.decode(response.content, type=call.answer)
    request_id = response.headers.get("X-Request-ID")
    raise error_from(response.status_code, response.content, request_id)


def unreachable(call: Call[Any], error: httpx.TransportError) -> ServiceUnreachable:
    what = f"{call.method} {call.path}: {type(error).__name__}"
    if call.creates:
        what += f"; retry with idempotency_key={call.idempotency_key!r} to learn the outcome"
    return ServiceUnreachable(what, idempotency_key=call.idempotency_key)
