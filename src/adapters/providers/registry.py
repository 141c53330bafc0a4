"""The providers configured in this process, by name."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from adapters.providers.contract import Provider
from application.errors import ProviderNotAvailable
from application.payments.ports import PaymentProvider, WebhookAuthenticator
from application.refunds.ports import RefundProvider


class ProviderSet:
    """Implements `ProviderRegistry` and `RefundProviders`: a provider whose settings are
    missing is not offered."""

    def __init__(
        self,
        providers: Mapping[str, Provider],
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
        """Implements `RefundProviders`: the provider itself, whatever guards its starts."""
        try:
            return self._providers[name]
        except KeyError:
            raise ProviderNotAvailable(f"provider {name!r} is not available") from None
