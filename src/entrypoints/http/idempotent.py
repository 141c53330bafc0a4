"""The `Idempotency-Key` header around creating endpoints (docs/api.md, Conventions)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import msgspec
from litestar import Request, Response

from application.shared.idempotency import Idempotency
from application.shared.ports import StoredResponse
from entrypoints.http.problems import error_response, error_status, lookup

HEADER = "Idempotency-Key"
REPLAYED = "Idempotent-Replayed"
JSON = "application/json"


class InvalidIdempotencyKey(msgspec.ValidationError):
    """The header is empty or longer than 255 characters."""


async def idempotent(
    request: Request[Any, Any, Any],
    idempotency: Idempotency,
    owner: str,
    body: bytes,
    run: Callable[[], Awaitable[Response[bytes]]],
) -> Response[bytes]:
    """Run `run` once per key: replay its stored answer for the same request, refuse a
    different request with the same key, refuse a second one while the first is running.
    Answers below 500 are stored (errors included), except 429 (a retry later must run);
    anything else frees the key."""
    key = request.headers.get(HEADER)
    if key is None:
        return await run()
    if not 1 <= len(key) <= 255:
        raise InvalidIdempotencyKey(f"{HEADER} must be 1 to 255 characters - at `$.{HEADER}`")
    fingerprint = request_fingerprint(request.method, request.url.path, body)
    stored = await idempotency.begin(owner, key, fingerprint)
    if stored is not None:
        return _replay(stored)
    try:
        response = await run()
    except Exception as error:
        if lookup(error) is None or error_status(error) >= 500 or error_status(error) == 429:
            await idempotency.abandon(owner, key)
            raise
        response = error_response(error)
    status = response.status_code or 200
    await idempotency.finish(owner, key, StoredResponse(status, _bytes(response)))
    return response


def created(body: msgspec.Struct) -> Response[bytes]:
    """The 201 answer of a creating request, as bytes so that it can be stored and replayed."""
    return Response(msgspec.json.encode(body), status_code=201, media_type=JSON)


def request_fingerprint(method: str, path: str, body: bytes) -> bytes:
    """Method, path and the body's JSON content (key order and spacing do not matter)."""
    try:
        canonical = json.dumps(json.loads(body or b"null"), sort_keys=True).encode()
    except ValueError:
        canonical = body
    return f"{method} {path}\n".encode() + canonical


def _bytes(response: Response[bytes]) -> bytes:
    content = response.content
    return content if isinstance(content, bytes) else msgspec.json.encode(content)


def _replay(stored: StoredResponse) -> Response[bytes]:
    media = JSON if stored.status < 400 else "application/problem+json"
    return Response(
        stored.body, status_code=stored.status, media_type=media, headers={REPLAYED: "true"}
    )
