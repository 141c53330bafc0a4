"""`payments simulate` is a development tool: it refuses production and non-loopback addresses
(unless `--allow-remote`), never takes real credentials from the environment, and writes the
service's variables readable by their owner only."""

from __future__ import annotations

import argparse
import stat
from pathlib import Path

import pytest
from tests.unit.test_settings import PRODUCTION

from entrypoints.cli import main
from entrypoints.settings import Settings
from entrypoints.simulators.command import config_from, refusal, write_private
from entrypoints.simulators.config import DEFAULTS

REAL = {
    "WAVE_API_KEY": "wave_ci_prod_REAL-api-key-of-the-merchant",
    "WAVE_WEBHOOK_SECRET": "wave_ci_WHS_REAL-webhook-secret-of-the-merchant",
    "MTN_MOMO_API_KEY": "REAL-mtn-api-key-0123456789",
    "ORANGE_MONEY_CLIENT_SECRET": "REAL-orange-client-secret",
    "MOOV_MONEY_PASSWORD": "REAL-moov-password",
    "MOOV_MONEY_USERNAME": "REAL-moov-merchant",
}


def args(host: str = "127.0.0.1", allow_remote: bool = False) -> argparse.Namespace:
    return argparse.Namespace(
        host=host, port=8100, allow_remote=allow_remote, approve_delay=2.0, hang_seconds=40.0,
        token_seconds=3600, write_env=None,
    )  # fmt: skip


def test_production_is_refused() -> None:
    said = refusal(Settings(environment="production"), args())
    assert said is not None and "production" in said


def test_the_command_refuses_production_before_listening(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)  # no .env here
    for name, value in PRODUCTION.items():
        monkeypatch.setenv(name, value)
    assert main(["simulate", "--port", "1"]) == 2
    assert "development tool" in capsys.readouterr().err


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "::", "pay.example.com"])
def test_a_non_loopback_address_wants_allow_remote(host: str) -> None:
    said = refusal(Settings(), args(host))
    assert said is not None and "--allow-remote" in said
    assert refusal(Settings(), args(host, allow_remote=True)) is None


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "[::1]", "localhost", "127.0.0.2"])
def test_loopback_addresses_are_fine(host: str) -> None:
    assert refusal(Settings(), args(host)) is None


def test_real_credentials_in_the_environment_are_never_taken(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name, value in REAL.items():
        monkeypatch.setenv(name, value)
    printed = config_from(args()).service_env()
    assert not any("REAL" in value for value in printed.values())
    assert {name: printed[name] for name in DEFAULTS} == DEFAULTS


def test_the_variables_file_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "simulated.env"
    path.write_text("old\n")
    path.chmod(0o644)
    write_private(path, "WAVE_BASE_URL=http://127.0.0.1:8100/wave\n")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_text() == "WAVE_BASE_URL=http://127.0.0.1:8100/wave\n"
    fresh = tmp_path / "fresh.env"
    write_private(fresh, "X=1\n")
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o600
