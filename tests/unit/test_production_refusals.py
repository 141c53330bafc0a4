"""A production configuration that cannot be weak: each refusal names its variable, and
every problem is listed at once. Sandbox mode keeps its built-in secrets to this machine."""

from __future__ import annotations

import secrets

import pytest
from tests.unit.test_settings import MTN, NO_FILE, PRODUCTION

from adapters.secret_strength import weakness
from entrypoints.settings import Settings, SettingsError

MOOV = {
    "MOOV_MONEY_USERNAME": "merchant",
    "MOOV_MONEY_PASSWORD": "p4ssw0rd",
    "MOOV_MONEY_URL": "https://apimarchand.moov-africa.bj/com.tlc.merchant.api/UssdPush",
}
READY_MTN = {**MTN, "MTN_MOMO_TARGET_ENVIRONMENT": "mtnivorycoast"}


def refusal(**env: str) -> str:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(env={**PRODUCTION, **env}, env_file=NO_FILE)
    return str(refused.value)


@pytest.mark.parametrize(
    ("env", "named", "says"),
    [
        ({"PUBLIC_BASE_URL": ""}, "PUBLIC_BASE_URL", "must be set"),
        ({"PUBLIC_BASE_URL": "http://pay.example.com"}, "PUBLIC_BASE_URL", "https://"),
        ({"PAYMENTS_SECRET_KEY": "a" * 32}, "PAYMENTS_SECRET_KEY", "not random enough"),
        ({"PAYMENTS_SECRET_KEY": "abcd" * 10}, "PAYMENTS_SECRET_KEY", "not random enough"),
        ({"PAYMENTS_SECRET_KEY": "Zx8!kQ2m"}, "PAYMENTS_SECRET_KEY", "shorter than 32"),
        (
            {"PAYMENTS_SECRET_KEY": "sandbox-insecure-secret-key-change-me"},
            "PAYMENTS_SECRET_KEY",
            "built-in",
        ),
        ({"PAYMENTS_ADMIN_TOKEN": "a" * 32}, "PAYMENTS_ADMIN_TOKEN", "not random enough"),
        ({"PAYMENTS_ADMIN_TOKEN": "sandbox-admin-token"}, "PAYMENTS_ADMIN_TOKEN", "built-in"),
        ({"METRICS_TOKEN": "m" * 40}, "METRICS_TOKEN", "not random enough"),
        (
            {**READY_MTN, "MTN_MOMO_BASE_URL": "http://momo.example.com"},
            "MTN_MOMO_BASE_URL",
            "https",
        ),
        (
            {
                "ORANGE_MONEY_CLIENT_ID": "c",
                "ORANGE_MONEY_CLIENT_SECRET": "s",
                "ORANGE_MONEY_MERCHANT_KEY": "m",
                "ORANGE_MONEY_COUNTRY": "ci",
                "ORANGE_MONEY_BASE_URL": "http://api.orange.com",
            },
            "ORANGE_MONEY_BASE_URL",
            "https",
        ),
        (
            {"WAVE_API_KEY": "wave_ci_prod_x", "WAVE_WEBHOOK_SECRET": "w" * 40},
            "WAVE_WEBHOOK_SECRET",
            "random",
        ),
        ({**MOOV}, "MOOV_MONEY_ENCRYPTION_KEY", "published default"),
        (
            {**MOOV, "MOOV_MONEY_ENCRYPTION_KEY": "tlc12345tlc12345tlc12345tlc12345"},
            "MOOV_MONEY_ENCRYPTION_KEY",
            "published default",
        ),
        ({**MOOV, "MOOV_MONEY_URL": "http://moov.example.com/push"}, "MOOV_MONEY_URL", "https"),
    ],
)
def test_each_weakness_is_refused_by_name(env: dict[str, str], named: str, says: str) -> None:
    message = refusal(**env)
    line = next(line for line in message.splitlines() if named in line)
    assert says in line


def test_every_problem_is_listed_at_once() -> None:
    message = refusal(
        PUBLIC_BASE_URL="http://pay.example.com",
        PAYMENTS_SECRET_KEY="a" * 32,
        PAYMENTS_ADMIN_TOKEN="",
        DATABASE_URL="",
        **MOOV,
    )
    named = [
        "PUBLIC_BASE_URL",
        "PAYMENTS_SECRET_KEY",
        "PAYMENTS_ADMIN_TOKEN",
        "DATABASE_URL",
        "MOOV_MONEY_ENCRYPTION_KEY",
    ]
    problems = [line for line in message.splitlines() if line.startswith("- ")]
    assert len(problems) == len(named)
    assert all(any(name in line for line in problems) for name in named)


def test_a_strong_production_configuration_with_its_own_moov_key_starts() -> None:
    env = {**PRODUCTION, **READY_MTN, **MOOV, "MOOV_MONEY_ENCRYPTION_KEY": "3f9a" * 16}
    settings = Settings.from_env(env=env, env_file=NO_FILE)
    assert settings.environment == "production"


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.20", "::"])
def test_sandbox_keeps_its_built_in_secrets_to_this_machine(host: str) -> None:
    with pytest.raises(SettingsError, match="PAYMENTS_SECRET_KEY and PAYMENTS_ADMIN_TOKEN"):
        Settings.from_env(env={"HOST": host}, env_file=NO_FILE)
    with pytest.raises(SettingsError, match="PAYMENTS_ADMIN_TOKEN"):
        Settings.from_env(
            env={"HOST": host, "PAYMENTS_SECRET_KEY": PRODUCTION["PAYMENTS_SECRET_KEY"]},
            env_file=NO_FILE,
        )
    own = {
        "HOST": host,
        "PAYMENTS_SECRET_KEY": PRODUCTION["PAYMENTS_SECRET_KEY"],
        "PAYMENTS_ADMIN_TOKEN": PRODUCTION["PAYMENTS_ADMIN_TOKEN"],
    }
    assert Settings.from_env(env=own, env_file=NO_FILE).host == host


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_sandbox_on_loopback_needs_nothing(host: str) -> None:
    assert Settings.from_env(env={"HOST": host}, env_file=NO_FILE).is_sandbox


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"RATE_LIMIT_API_PER_SECOND": "0"}, "RATE_LIMIT_API_PER_SECOND"),
        ({"RATE_LIMIT_LOGIN_PER_MINUTE": "many"}, "RATE_LIMIT_LOGIN_PER_MINUTE"),
        ({"TRUSTED_PROXIES": "10.0.0.0/8, proxy.local"}, "TRUSTED_PROXIES"),
    ],
)
def test_limit_settings_are_checked(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        Settings.from_env(env=env, env_file=NO_FILE)


def test_limit_settings_are_read() -> None:
    env = {
        "RATE_LIMIT_API_PER_SECOND": "7",
        "RATE_LIMIT_PROMPTS_PER_PHONE_PER_HOUR": "2",
        "TRUSTED_PROXIES": "10.0.0.0/8,::1",
        "METRICS_TOKEN": "scrape-me",
    }
    settings = Settings.from_env(env=env, env_file=NO_FILE)
    assert settings.limits.api_per_second == 7
    assert settings.limits.prompts_per_phone_per_hour == 2
    assert settings.limits.login_per_minute == 10  # the default
    assert settings.trusted_proxies == ("10.0.0.0/8", "::1")
    assert settings.metrics_token == "scrape-me"


def test_secret_strength() -> None:
    assert weakness("a" * 32, 32) is not None
    assert weakness("0123456789abcdef" * 2, 32) is not None  # a repeated pattern
    assert weakness("4b1f0c9e7a2d3b8c6e5f1a0d9c8b7a6e", 32) is None
    assert weakness(None, 32) == "is not set"


SANDBOX_KEY = "sandbox-insecure-secret-key-change-me"


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("changeme-changeme-changeme-changeme", "repeated pattern"),
        ("passwordpasswordpasswordpassword", "repeated pattern"),
        ("Xk9#mQ2z" * 4, "repeated pattern"),
        ("MySuperSecretPassword-2026-qwerty!", "dictionary words"),
        ("ChangeMe-Default-Token-1234567890", "dictionary words"),
        (SANDBOX_KEY + "!", "sandbox's built-in value"),
        ("X" + SANDBOX_KEY.upper(), "sandbox's built-in value"),
    ],
)
def test_weak_secrets_that_look_long_and_varied_are_refused(value: str, says: str) -> None:
    said = refusal(PAYMENTS_SECRET_KEY=value)
    assert "PAYMENTS_SECRET_KEY" in said and says in said
    assert 'python -c "import secrets; print(secrets.token_urlsafe(32))"' in said


def test_random_secrets_of_every_usual_kind_pass() -> None:
    for _ in range(2000):
        for value in (secrets.token_urlsafe(32), secrets.token_hex(16), secrets.token_hex(24)):
            assert weakness(value, 32) is None, value


def test_production_wants_a_metrics_token_unless_metrics_are_public_on_purpose() -> None:
    without = {k: v for k, v in PRODUCTION.items() if k != "METRICS_TOKEN"}
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(env=without, env_file=NO_FILE)
    assert "METRICS_TOKEN must be set" in str(refused.value)
    assert "METRICS_PUBLIC=true" in str(refused.value)
    public = Settings.from_env(env={**without, "METRICS_PUBLIC": "true"}, env_file=NO_FILE)
    assert public.metrics_public and public.metrics_token is None
