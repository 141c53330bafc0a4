"""The provider accounts configured in this process (domain/accounts.py)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from adapters.providers.contract import Provider
from application.errors import ProviderNotAvailable
from application.payments.ports import WebhookAuthenticator
from domain.accounts import Account, AccountId, country_name


@dataclass(frozen=True, slots=True)
class ConfiguredAccount:
    """An account with what serves it: its provider, its callbacks' authenticator, and its
    callback route (`mtn`, or `mtn/cm` for a country's account)."""

    account: Account
    provider: Provider
    authenticator: WebhookAuthenticator
    route: str


class ProviderSet:
    """Implements `ProviderRegistry` and `RefundProviders`: an account whose settings are
    missing is not offered."""

    def __init__(self, accounts: Sequence[ConfiguredAccount]) -> None:
        self._accounts = {a.account.id: a for a in accounts}
        self._routes = {a.route: a.authenticator for a in accounts}

    def get(self, name: str, country: str | None = None) -> Provider:
        return self._configured(name, country).provider

    def choose(self, name: str, country: str | None) -> tuple[Account, Provider]:
        found = self._accounts.get(AccountId(name, country)) if country else None
        found = found or self._accounts.get(AccountId(name))
        if found is None:
            where = f" in {country_name(country)}" if country else ""
            raise ProviderNotAvailable(f"provider {name!r} is not available{where}")
        return found.account, found.provider

    def webhook_authenticator(self, name: str) -> WebhookAuthenticator:
        try:
            return self._routes[name]
        except KeyError:
            raise ProviderNotAvailable(f"provider {name!r} is not available") from None

    def available(self) -> Sequence[str]:
        return sorted({account.provider for account in self._accounts})

    def accounts(self) -> Sequence[Account]:
        return [self._accounts[key].account for key in sorted(self._accounts, key=_order)]

    def refunder(self, name: str, country: str | None = None) -> Provider:
        """Implements `RefundProviders`: the provider itself, whatever guards its starts."""
        return self._configured(name, country).provider

    def _configured(self, name: str, country: str | None) -> ConfiguredAccount:
        try:
            return self._accounts[AccountId(name, country)]
        except (KeyError, ValueError):
            where = f" in {country_name(country)}" if country else ""
            raise ProviderNotAvailable(f"provider {name!r} is not available{where}") from None


def _order(account: AccountId) -> tuple[str, str]:
    return account.provider, account.country or ""
