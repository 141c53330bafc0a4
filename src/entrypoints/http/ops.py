"""Operations: liveness and readiness."""

from __future__ import annotations

from typing import Any

from litestar import Request, get

from application.errors import DatabaseUnavailable
from entrypoints.http.deps import container_of, resolve


@get("/health", tags=["Operations"], summary="The process is up")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@get("/ready", tags=["Operations"], summary="The database answers (503 otherwise)")
async def ready(request: Request[Any, Any, Any]) -> dict[str, str]:
    probe = await resolve(container_of(request).database_probe)
    if not await probe():
        raise DatabaseUnavailable("the database does not answer")
    return {"status": "ready"}
