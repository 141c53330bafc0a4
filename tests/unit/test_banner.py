"""The start-up banner: where the service listens and where to go next."""

from __future__ import annotations

from entrypoints.banner import banner, offered_providers
from entrypoints.settings import Settings


def test_the_sandbox_banner_names_everything_a_newcomer_needs() -> None:
    text = banner(Settings(port=8123), ["sandbox", "wave"])
    assert "http://127.0.0.1:8123 (sandbox)" in text
    assert "sandbox, wave" in text
    for path in ("/", "/docs", "/store/login/", "/admin/login/", "/metrics"):
        assert f"http://127.0.0.1:8123{path}" in text
    assert "sandbox-admin-token" in text


def test_a_real_admin_token_is_never_printed() -> None:
    secret = "a-real-admin-token-0123456789-abcdef"
    text = banner(Settings(admin_token=secret, environment="production"), [])
    assert secret not in text
    assert "none (set a provider's credentials)" in text


def test_offered_providers_follow_the_configuration() -> None:
    assert offered_providers(Settings()) == ["sandbox"]
    wave = Settings(environment="production", providers={"WAVE_API_KEY": "k"})
    assert offered_providers(wave) == ["wave"]
