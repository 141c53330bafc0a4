"""Operations: liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from litestar import Response, get
from litestar.di import NamedDependency
from litestar.params import SkipValidation

from adapters.health_metrics import health_gauges
from adapters.metrics import CONTENT_TYPE, exposition
from application.errors import DatabaseUnavailable
from application.health.ports import DatabaseProbe
from application.health.provider_health import ProviderHealthQuery
from application.payments.ports import PendingAges, ProviderRegistry
from application.shared.ports import Clock


@get("/health", tags=["Operations"], summary="The process is up")
async def health() -> dict[str, str]:
    return {"status": "ok"}


@get("/ready", tags=["Operations"], summary="The database answers (503 otherwise)")
async def ready(database_probe: NamedDependency[SkipValidation[DatabaseProbe]]) -> dict[str, str]:
    if not await database_probe():
        raise DatabaseUnavailable("the database does not answer")
    return {"status": "ready"}


@get("/metrics", tags=["Operations"], summary="Prometheus metrics (text format)")
async def metrics(
    pending_ages: NamedDependency[SkipValidation[PendingAges]],
    clock: NamedDependency[SkipValidation[Clock]],
    provider_registry: NamedDependency[SkipValidation[ProviderRegistry]],
    provider_health: NamedDependency[SkipValidation[ProviderHealthQuery]],
) -> Response[bytes]:
    """Every server process's counters and histograms (merged in multi-process mode), and the
    open payments by age, counted in the database now."""
    pending = await pending_ages(clock.now())
    healths = await provider_health.current(provider_registry.available())
    return Response(exposition(pending, health_gauges(healths)), media_type=CONTENT_TYPE)
