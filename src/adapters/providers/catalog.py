"""The real providers. Each module exposes the same small surface:

- `NAME`: the provider's API name (`mtn_momo`); `WEBHOOK`: its callback route (`mtn`);
- `configure(env) -> Config | None`: its settings from the environment, None when its
  credentials are not all set (then it is simply not offered);
- `Config.base_url`, `Config.timeout` (httpx.Timeout) and `Config.sandbox_problems() ->
  list[str]`: what would make it unfit for production (each message names the variable);
- `build(config, deps: ProviderDeps) -> (PaymentProvider, WebhookAuthenticator)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import ModuleType
from typing import Any

from adapters.providers import moov_money, mtn_momo, orange_money, wave

MODULES: tuple[ModuleType, ...] = (orange_money, mtn_momo, wave, moov_money)


def configured(env: Mapping[str, str]) -> dict[ModuleType, Any]:
    """The provider modules whose settings are complete, with their configs."""
    configs = {module: module.configure(env) for module in MODULES}
    return {module: config for module, config in configs.items() if config is not None}


def sandbox_problems(env: Mapping[str, str]) -> list[str]:
    """Why the configured providers cannot take real money (empty when they can)."""
    return [problem for config in configured(env).values() for problem in config.sandbox_problems()]
