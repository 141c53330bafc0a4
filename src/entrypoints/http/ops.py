"""Operations: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from adapters.health_metrics import health_gauges
from adapters.metrics import CONTENT_TYPE, exposition
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


@get("/metrics", tags=["Operations"], summary="Prometheus metrics (text format)")
async def metrics(request: Request[Any, Any, Any]) -> Response[bytes]:
    """Every server process's counters and histograms (merged in multi-process mode), and the
    open payments by age, counted in the database now."""
    container = container_of(request)
    pending_ages = await resolve(container.pending_ages)
    pending = await pending_ages(container.clock().now())
    registry = await resolve(container.provider_registry)
    healths = await (await resolve(container.provider_health)).current(registry.available())
    return Response(exposition(pending, health_gauges(healths)), media_type=CONTENT_TYPE)
