"""Every real provider module has the one shape the contract names: `<Name>Provider` and
`<Name>WebhookAuthenticator` built as `Class(config, deps)`, its wire format in
`<name>_wire.py`, and a refund capability."""

from __future__ import annotations

import importlib
import inspect

import pytest

from adapters.providers import catalog
from domain.refund import RefundSupport

CAPABILITIES = {
    "orange_money": RefundSupport.MANUAL,
    "wave": RefundSupport.FULL,
    "moov_money": RefundSupport.PARTIAL,
}


def camel(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_"))


@pytest.mark.parametrize("module", catalog.MODULES, ids=lambda m: m.NAME)
def test_a_provider_module_follows_the_naming_scheme(module: object) -> None:
    name = module.NAME  # type: ignore[attr-defined]
    provider = getattr(module, f"{camel(name)}Provider")
    authenticator = getattr(module, f"{camel(name)}WebhookAuthenticator")
    for cls in (provider, authenticator):
        assert list(inspect.signature(cls.__init__).parameters) == ["self", "config", "deps"]
    importlib.import_module(f"adapters.providers.{name}_wire")
    for method in ("start", "fetch_status", "refund", "fetch_refund"):
        assert inspect.iscoroutinefunction(getattr(provider, method))


@pytest.mark.parametrize(("name", "support"), CAPABILITIES.items())
def test_fixed_refund_capabilities(name: str, support: RefundSupport) -> None:
    module = next(m for m in catalog.MODULES if name == m.NAME)
    assert getattr(module, f"{camel(name)}Provider").refunds is support
