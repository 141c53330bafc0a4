"""The real providers, each a `ProviderModule` (adapters/providers/contract.py)."""

from __future__ import annotations

from collections.abc import Mapping

from adapters.providers import moov_money, mtn_momo, orange_money, wave
from adapters.providers.contract import ProviderConfig, ProviderModule

MODULES: tuple[ProviderModule, ...] = (orange_money, mtn_momo, wave, moov_money)


def configured(env: Mapping[str, str]) -> dict[ProviderModule, ProviderConfig]:
    """The provider modules whose settings are complete, with their configs."""
    configs = {module: module.configure(env) for module in MODULES}
    return {module: config for module, config in configs.items() if config is not None}


def sandbox_problems(env: Mapping[str, str]) -> list[str]:
    """Why the configured providers cannot take real money (empty when they can)."""
    return [problem for config in configured(env).values() for problem in config.sandbox_problems()]
