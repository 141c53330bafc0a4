"""The providers configured in this process, by name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from application.errors import ProviderNotAvailable
from application.ports import PaymentProvider, RefundProvider, WebhookAuthenticator


class ProviderSet:
    """Implements `ProviderRegistry`: a provider whose settings are missing is not offered."""

    def __init__(
        self,
        providers: Mapping[str, PaymentProvider],
        authenticators: Mapping[str, WebhookAuthenticator],
    ) -> None:
        self._providers = dict(providers)
        self._authenticators = dict(authenticators)

    def get(self, name: str) -> PaymentProvider:
        try:
            return self._providers[name]
        except KeyError:
            raise ProviderNotAvailable(f"provider {name!r} is not available") from None

    def webhook_authenticator(self, name: str) -> WebhookAuthenticator:
        try:
            return self._authenticators[name]
        except KeyError:
            raise ProviderNotAvailable(f"provider {name!r} is not available") from None

    def available(self) -> Sequence[str]:
        return sorted(self._providers)

    def refunder(self, name: str) -> RefundProvider:
        provider = self.get(name)
        if not hasattr(provider, "refund"):
            raise ProviderNotAvailable(f"provider {name!r} cannot refund")
        refunder: RefundProvider = provider  # type: ignore[assignment]
        return refunder
