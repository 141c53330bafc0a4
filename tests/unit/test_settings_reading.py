"""Reading the configuration: every faulty variable is named at once, and the names older
integrations use are taken with a warning naming the preferred variable, never ignored."""

from __future__ import annotations

from datetime import timedelta

import pytest

from adapters.providers import orange_money
from entrypoints.settings import Settings, SettingsError

NO_FILE = "/nonexistent/.env"


def settings(**env: str) -> Settings:
    return Settings.from_env(env=env, env_file=NO_FILE)


def test_every_faulty_variable_is_named_in_one_refusal() -> None:
    with pytest.raises(SettingsError) as refused:
        settings(
            PAYMENT_ENVIRONMENT="staging",
            PORT="eighty",
            DATABASE_POOL_MAX="0",
            PAYMENT_TTL_SECONDS_WAVE="-1",
            LEASE_SECONDS="soon",
            LOG_FORMAT="xml",
            PHONE_RETENTION_DAYS="x",
        )
    message = str(refused.value)
    for name in (
        "PAYMENT_ENVIRONMENT",
        "PORT",
        "DATABASE_POOL_MAX",
        "PAYMENT_TTL_SECONDS_WAVE",
        "LEASE_SECONDS",
        "LOG_FORMAT",
        "PHONE_RETENTION_DAYS",
    ):
        assert name in message
    assert len(message.splitlines()) == 7


def test_orange_legacy_names_configure_orange_with_a_warning() -> None:
    current = settings(
        ORANGE_MONEY_API_KEY="client-id",
        ORANGE_MONEY_API_SECRET="client-secret",
        ORANGE_MONEY_MERCHANT_KEY="merchant",
    )
    config = orange_money.configure(current.providers)
    assert config is not None
    assert (config.client_id, config.client_secret) == ("client-id", "client-secret")
    assert any(
        "ORANGE_MONEY_API_KEY" in w and "ORANGE_MONEY_CLIENT_ID" in w for w in current.warnings
    )
    assert any(
        "ORANGE_MONEY_API_SECRET" in w and "ORANGE_MONEY_CLIENT_SECRET" in w
        for w in current.warnings
    )


def test_a_preferred_name_wins_over_a_legacy_one_and_the_warning_says_so() -> None:
    current = settings(WAVE_API_KEY="new", WAVE_SECRET_KEY="old")
    assert current.providers["WAVE_API_KEY"] == "new"
    assert current.warnings == (
        "WAVE_SECRET_KEY is not used: WAVE_API_KEY is set and wins; remove WAVE_SECRET_KEY",
    )


def test_no_warning_without_legacy_names() -> None:
    assert settings(WAVE_API_KEY="k").warnings == ()


def test_log_and_retention_settings() -> None:
    current = settings(LOG_FORMAT="json", LOG_LEVEL="debug", PHONE_RETENTION_DAYS="30")
    assert (current.log_format, current.log_level) == ("json", "DEBUG")
    assert current.phone_retention == timedelta(days=30)
    assert settings().log_format is None  # auto: console on a terminal
    assert settings().phone_retention == timedelta(days=90)


def test_numbers_python_reads_oddly_are_named_not_raised() -> None:
    """`"²".isdigit()` is True and `int("²")` raises; `float("inf")` makes no timedelta."""
    with pytest.raises(SettingsError) as refused:
        settings(RATE_LIMIT_API_PER_SECOND="²", ORDER_TTL_SECONDS="inf", LEASE_SECONDS="nan")
    message = str(refused.value)
    for name in ("RATE_LIMIT_API_PER_SECOND", "ORDER_TTL_SECONDS", "LEASE_SECONDS"):
        assert name in message
