"""The one shape every real provider module has (`wave`, `mtn_momo`, `orange_money`,
`moov_money`), so that the container, the settings and the tests treat them alike.

Naming: the module `<name>.py` holds `<Name>Provider` and `<Name>WebhookAuthenticator`, both
built as `Class(config, deps)`; the provider's wire format (bodies, answers in our words,
error shapes: pure functions) lives in `<name>_wire.py`. Each provider says what it can
refund (`refunds`: `full`, `partial` or `manual`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import httpx

from adapters.providers.deps import ProviderDeps
from application.payments.ports import PaymentProvider, WebhookAuthenticator
from application.refunds.ports import RefundProvider


class ProviderConfig(Protocol):
    """A provider's settings, read from the environment by its module's `configure`."""

    @property
    def base_url(self) -> str: ...

    @property
    def timeout(self) -> httpx.Timeout: ...

    def sandbox_problems(self) -> list[str]:
        """What would make it unfit for production (each message names the variable)."""
        ...

    def build(self, deps: ProviderDeps) -> tuple[Provider, WebhookAuthenticator]:
        """`(<Name>Provider(config, deps), <Name>WebhookAuthenticator(config, deps))`: each
        module's config builds its own provider, so no caller handles an untyped config."""
        ...


class Provider(PaymentProvider, RefundProvider, Protocol):
    """A real provider takes payments and gives money back (or says a person must)."""


class ProviderModule(Protocol):
    """`NAME`: the provider's API name (`mtn_momo`); `WEBHOOK`: its callback route (`mtn`)."""

    NAME: str
    WEBHOOK: str

    def configure(self, env: Mapping[str, str]) -> ProviderConfig | None:
        """Its settings, or None when its credentials are not all set (not offered)."""
        ...
