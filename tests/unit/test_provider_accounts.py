"""Provider accounts, one per provider and country: how they are read from the environment,
how a payment's account is chosen, and that health and breakers are each account's own."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tests.fakes import FakePhoneNormalizer, FakeProvider, FakeRegistry
from tests.health_fakes import InMemoryBreakerStore
from tests.unit.helpers import World, an_order, succeeded

from adapters.providers import catalog
from application.errors import ProviderNotAvailable
from application.health.provider_gate import GatedInitiatePayment, ProviderDown, ProviderGate
from application.payments.initiate_payment import InitiatePaymentCommand
from application.payments.settlement import PaymentSettlement, PaymentSettles
from application.payments.verify_payment import VerifyPayment
from domain.accounts import Account, AccountId, CurrencyNotAccepted, offered
from domain.events import Source
from domain.provider_health import BreakerPolicy
from entrypoints.settings import Settings, SettingsError

MTN_CM = {
    "MTN_MOMO_CM_SUBSCRIPTION_KEY": "sub-cm",
    "MTN_MOMO_CM_API_USER": "0f1e2d3c-4b5a-4978-8877-665544332211",
    "MTN_MOMO_CM_API_KEY": "key-cm",
}
POLICY = BreakerPolicy(failures=2, open_for=timedelta(seconds=30), probes=1)


# -- configuration ---------------------------------------------------------------------------


def test_a_countrys_account_is_read_from_its_own_variables_with_the_countrys_defaults() -> None:
    orange_sn = {
        "ORANGE_MONEY_SN_CLIENT_ID": "id",
        "ORANGE_MONEY_SN_CLIENT_SECRET": "secret",
        "ORANGE_MONEY_SN_MERCHANT_KEY": "merchant",
    }
    accounts = {a.id: a for a in catalog.accounts({**MTN_CM, **orange_sn})}
    assert set(accounts) == {AccountId("mtn_momo", "CM"), AccountId("orange_money", "SN")}
    mtn = accounts[AccountId("mtn_momo", "CM")]
    assert mtn.currency == "XAF"
    assert mtn.config.target_environment == "mtncameroon"  # type: ignore[attr-defined]
    assert mtn.config.api_key == "key-cm"  # type: ignore[attr-defined]
    assert mtn.config.collection.variables == "MTN_MOMO_CM_"  # named when MTN refuses them
    orange = accounts[AccountId("orange_money", "SN")]
    assert orange.currency == "XOF"
    assert orange.config.webpay_path == "/orange-money-webpay/sn/v1"  # type: ignore[attr-defined]


def test_the_unsuffixed_variables_stay_the_default_account_and_nothing_is_inherited() -> None:
    env = {"WAVE_API_KEY": "default-key", "WAVE_CI_WEBHOOK_SECRET": "ci-secret-only"}
    accounts = catalog.accounts(env)
    assert [a.id for a in accounts] == [AccountId("wave")]
    assert accounts[0].currency is None  # a default account takes any currency
    assert catalog.account_problems(env) == [
        "WAVE_CI: the account is half-configured: set WAVE_CI_API_KEY"
    ]


def test_a_currency_override_and_a_country_of_unknown_currency() -> None:
    env = {"WAVE_CI_API_KEY": "k", "WAVE_CI_CURRENCY": "xof", "WAVE_ZA_API_KEY": "k2"}
    assert [(a.id.key, a.currency) for a in catalog.accounts(env)] == [("wave:CI", "XOF")]
    assert catalog.account_problems(env) == [
        "WAVE_ZA_CURRENCY must be set: the currency of country ZA is not known"
    ]


def test_a_half_configured_account_stops_the_service_naming_its_variables() -> None:
    half = {k: v for k, v in MTN_CM.items() if not k.endswith("API_KEY")}
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(env=half, env_file="/nonexistent/.env")
    assert "MTN_MOMO_CM_API_KEY" in str(refused.value)


def test_production_problems_name_the_accounts_variables() -> None:
    env = {**MTN_CM, "MTN_MOMO_CM_TARGET_ENVIRONMENT": "sandbox"}
    problems = catalog.sandbox_problems(env)
    assert any(p.startswith("MTN_MOMO_CM_TARGET_ENVIRONMENT is 'sandbox'") for p in problems)


# -- choosing the account --------------------------------------------------------------------


def test_the_offered_accounts_follow_the_orders_country_and_currency() -> None:
    accounts = [
        Account(AccountId("mtn_momo", "CM"), "XAF"),
        Account(AccountId("mtn_momo", "CI"), "XOF"),
        Account(AccountId("wave", "SN"), "XOF"),
        Account(AccountId("sandbox"), None),
    ]
    assert [a.id.key for a in offered(accounts, "CM", "XAF")] == ["mtn_momo:CM", "sandbox"]
    assert [a.id.key for a in offered(accounts, "CM", "XOF")] == ["sandbox"]
    assert [a.id.key for a in offered(accounts, None, "XOF")] == [
        "mtn_momo:CI",
        "sandbox",
        "wave:SN",
    ]


def country_registry() -> tuple[FakeProvider, FakeProvider, FakeRegistry]:
    cameroon, ghana = FakeProvider("mtn_momo"), FakeProvider("mtn_momo")
    registry = FakeRegistry(
        accounts={("mtn_momo", "CM"): (cameroon, "XAF"), ("mtn_momo", "GH"): (ghana, "GHS")}
    )
    return cameroon, ghana, registry


async def test_the_payer_numbers_country_picks_the_account_and_the_payment_records_it() -> None:
    world = World()
    cameroon, ghana, registry = country_registry()
    initiate = GatedInitiatePayment(
        uow=world.uow, providers=registry, phones=FakePhoneNormalizer(), ids=world.ids,
        clock=world.clock, settle=world.settle(),
        gate=ProviderGate(InMemoryBreakerStore(), world.clock, POLICY),
    )  # fmt: skip
    order = await an_order(world, currency="XAF", country=None)
    payment = await initiate(
        InitiatePaymentCommand(order.store_id, order.id, "mtn_momo", "+237671234567")
    )
    assert payment.country == "CM"
    assert (cameroon.start_calls, ghana.start_calls) == (1, 0)


async def test_refusals_write_and_send_nothing() -> None:
    world = World()
    cameroon, ghana, registry = country_registry()
    initiate = GatedInitiatePayment(
        uow=world.uow, providers=registry, phones=FakePhoneNormalizer(), ids=world.ids,
        clock=world.clock, settle=world.settle(),
        gate=ProviderGate(InMemoryBreakerStore(), world.clock, POLICY),
    )  # fmt: skip
    xof = await an_order(world, currency="XOF", country=None)
    with pytest.raises(CurrencyNotAccepted, match="MTN MoMo takes XAF in Cameroon"):
        await initiate(InitiatePaymentCommand(xof.store_id, xof.id, "mtn_momo", "+237671234567"))
    with pytest.raises(ProviderNotAvailable, match="CI"):
        await initiate(InitiatePaymentCommand(xof.store_id, xof.id, "mtn_momo", "+2250700000001"))
    assert (cameroon.start_calls, ghana.start_calls) == (0, 0)
    async with world.uow(read_only=True) as uow:
        assert await uow.payments.for_order(xof.id) == []


async def test_an_account_down_in_ghana_leaves_the_one_in_cameroon_alone() -> None:
    world = World()
    cameroon, ghana, registry = country_registry()
    gate = ProviderGate(InMemoryBreakerStore(), world.clock, POLICY)
    initiate = GatedInitiatePayment(
        uow=world.uow, providers=registry, phones=FakePhoneNormalizer(), ids=world.ids,
        clock=world.clock, settle=world.settle(), gate=gate,
    )  # fmt: skip
    for _ in range(2):
        await gate.failed(AccountId("mtn_momo", "GH").key)
    ghs = await an_order(world, currency="GHS", country=None)
    with pytest.raises(ProviderDown):
        await initiate(InitiatePaymentCommand(ghs.store_id, ghs.id, "mtn_momo", "+233241234567"))
    xaf = await an_order(world, currency="XAF", country=None)
    payment = await initiate(
        InitiatePaymentCommand(xaf.store_id, xaf.id, "mtn_momo", "+237671234567")
    )
    assert payment.status.value == "pending"
    assert (cameroon.start_calls, ghana.start_calls) == (1, 0)


async def test_later_calls_use_the_payments_recorded_account() -> None:
    world = World()
    cameroon, ghana, registry = country_registry()
    initiate = GatedInitiatePayment(
        uow=world.uow, providers=registry, phones=FakePhoneNormalizer(), ids=world.ids,
        clock=world.clock, settle=world.settle(),
        gate=ProviderGate(InMemoryBreakerStore(), world.clock, POLICY),
    )  # fmt: skip
    order = await an_order(world, currency="GHS", country=None)
    payment = await initiate(
        InitiatePaymentCommand(order.store_id, order.id, "mtn_momo", "+233241234567")
    )
    ghana.queue(succeeded(currency="GHS"))
    settles = PaymentSettles(registry)
    verify = VerifyPayment(
        settle=PaymentSettlement(uow=world.uow, settles=settles, clock=world.clock, log=world.log)
    )
    verified = await verify(payment.id, Source.VERIFICATION)
    assert verified.status.value == "succeeded"
    assert (ghana.fetch_calls, cameroon.fetch_calls) == (1, 0)
