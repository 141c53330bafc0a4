"""What the container hands each real provider module when it builds its adapters."""

from __future__ import annotations

from dataclasses import dataclass

import httpx

from adapters.providers.http import CallObserver, ProviderHttp
from adapters.urls import ServiceUrls
from application.payments.ports import PaymentLookup
from application.shared.ports import Clock

__all__ = ["PaymentLookup", "ProviderDeps"]


@dataclass(frozen=True, slots=True)
class ProviderDeps:
    """`client` is this provider's own `httpx.AsyncClient` (timeouts set, base URL set to the
    provider's configured base URL), closed by the container."""

    client: httpx.AsyncClient
    urls: ServiceUrls
    clock: Clock
    observer: CallObserver
    payments: PaymentLookup

    def http(self, provider: str) -> ProviderHttp:
        return ProviderHttp(provider, self.client, self.observer)
