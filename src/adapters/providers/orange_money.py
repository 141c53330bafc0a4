"""Placeholder until the orange_money adapter lands: the provider is never configured."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

NAME = "orange_money"
WEBHOOK = "orange"


def configure(env: Mapping[str, str]) -> Any:
    return None


def build(config: Any, deps: Any) -> Any:
    raise NotImplementedError
