"""The production guard: the service refuses to start on a configuration that cannot take
real money safely, with a message naming the variable."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from entrypoints.settings import Settings, SettingsError

NO_FILE = "/nonexistent/.env"
PRODUCTION = {
    "PAYMENT_ENVIRONMENT": "production",
    "PAYMENTS_SECRET_KEY": "q8Zr2LwX9vTn4KpB7yHc3MfJ6sDg1AeU5oRi",
    "PAYMENTS_ADMIN_TOKEN": "t0k3n-Vw8Ns2Xq5Lr9Bc4Jm7",
    "DATABASE_URL": "postgresql://payments@db/payments",
    "PUBLIC_BASE_URL": "https://pay.example.com",
    "METRICS_TOKEN": "m3tr1cs-Qz8Lp2Vx7Kd4Rw9Hs6Tn",
}
MTN = {"MTN_MOMO_SUBSCRIPTION_KEY": "s", "MTN_MOMO_API_USER": "u", "MTN_MOMO_API_KEY": "k"}
ORANGE = {
    "ORANGE_MONEY_CLIENT_ID": "c",
    "ORANGE_MONEY_CLIENT_SECRET": "s",
    "ORANGE_MONEY_MERCHANT_KEY": "m",
}


def settings(**env: str) -> Settings:
    return Settings.from_env(env=env, env_file=NO_FILE)


def test_sandbox_needs_nothing() -> None:
    current = settings()
    assert current.is_sandbox
    assert current.public_base_url == "http://127.0.0.1:8000"


def test_a_sound_production_configuration_starts() -> None:
    current = settings(**PRODUCTION, **MTN, MTN_MOMO_TARGET_ENVIRONMENT="mtnivorycoast")
    assert not current.is_sandbox


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"PAYMENTS_SECRET_KEY": ""}, "PAYMENTS_SECRET_KEY"),
        ({"PAYMENTS_SECRET_KEY": "short"}, "PAYMENTS_SECRET_KEY"),
        ({"PAYMENTS_ADMIN_TOKEN": ""}, "PAYMENTS_ADMIN_TOKEN"),
        ({"DATABASE_URL": ""}, "DATABASE_URL"),
        (MTN, "MTN_MOMO_TARGET_ENVIRONMENT"),
        ({**MTN, "MTN_MOMO_TARGET_ENVIRONMENT": "sandbox"}, "MTN_MOMO_TARGET_ENVIRONMENT"),
        (
            {
                **MTN,
                "MTN_MOMO_TARGET_ENVIRONMENT": "mtnbenin",
                "MTN_MOMO_BASE_URL": "https://sandbox.momodeveloper.mtn.com",
            },
            "MTN_MOMO_BASE_URL",
        ),
        ({**ORANGE, "ORANGE_MONEY_COUNTRY": "dev"}, "ORANGE_MONEY_COUNTRY"),
        ({"WAVE_API_KEY": "wave_ci_prod_x"}, "WAVE_WEBHOOK_SECRET"),
        ({"WAVE_API_KEY": "wave_ci_prod_x", "WAVE_WEBHOOK_SECRET": "weak"}, "WAVE_WEBHOOK_SECRET"),
    ],
)
def test_production_refuses_an_unsafe_configuration(env: dict[str, str], named: str) -> None:
    with pytest.raises(SettingsError, match=named):
        settings(**{**PRODUCTION, **env})


def test_the_sandbox_provider_is_only_offered_in_sandbox_mode() -> None:
    from entrypoints.resources import providers_for

    production = settings(**PRODUCTION)
    offered = providers_for(production, None, None, {}, None, None, None)  # type: ignore[arg-type]
    assert "sandbox" not in offered.available()


def test_time_to_live_settings() -> None:
    current = settings(PAYMENT_TTL_SECONDS_SANDBOX="8", ORDER_TTL_SECONDS="3600")
    assert current.ttl.payment("sandbox") == timedelta(seconds=8)
    assert current.ttl.payment("wave") == timedelta(minutes=30)
    assert current.ttl.order == timedelta(hours=1)
    with pytest.raises(SettingsError, match="PAYMENT_TTL_SECONDS_WAVE"):
        settings(PAYMENT_TTL_SECONDS_WAVE="soon")


def test_the_command_line_refuses_to_start_and_names_the_variable(tmp_path: Path) -> None:
    env = {**PRODUCTION, **MTN, "PATH": "/usr/bin:/bin", "MTN_MOMO_TARGET_ENVIRONMENT": "sandbox"}
    result = subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", "serve"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert "MTN_MOMO_TARGET_ENVIRONMENT" in result.stderr
    assert "Traceback" not in result.stderr
