"""The real providers, each a `ProviderModule` (adapters/providers/contract.py), and the
accounts a configuration holds of them (adapters/providers/accounts.py)."""

from __future__ import annotations

from collections.abc import Mapping

from adapters.providers import moov_money, mtn_momo, orange_money, wave
from adapters.providers.accounts import AccountConfig, read_accounts
from adapters.providers.contract import ProviderConfig, ProviderModule

MODULES: tuple[ProviderModule, ...] = (orange_money, mtn_momo, wave, moov_money)


def configured(env: Mapping[str, str]) -> dict[ProviderModule, ProviderConfig]:
    """The provider modules whose default account's settings are complete, with its config."""
    configs = {module: module.configure(env) for module in MODULES}
    return {module: config for module, config in configs.items() if config is not None}


def accounts(env: Mapping[str, str]) -> list[AccountConfig]:
    """Every complete account, default and per country (`account_problems` tells the rest)."""
    return read_accounts(env, MODULES)[0]


def account_problems(env: Mapping[str, str]) -> list[str]:
    """The accounts configured by half, or in a country of unknown currency, by name."""
    return read_accounts(env, MODULES)[1]


def sandbox_problems(env: Mapping[str, str]) -> list[str]:
    """Why the configured accounts cannot take real money (empty when they can)."""
    return [problem for account in accounts(env) for problem in account.sandbox_problems()]
