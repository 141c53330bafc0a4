"""The customer's pages never show a provider's English text: every provider code becomes
one of our reasons, and every reason has its words in French and English."""

from __future__ import annotations

import pytest

from adapters.providers.reasons import REASONS, customer_reason
from entrypoints.http.pages.i18n import LANGUAGES, translator
from entrypoints.http.pages.providers import of_provider, phone_country, phone_field


@pytest.mark.parametrize(
    ("provider", "code", "reason"),
    [
        ("moov_money", "10", "insufficient_funds"),
        ("moov_money", "3", "invalid_phone"),
        ("mtn_momo", "not_enough_funds", "insufficient_funds"),
        ("mtn_momo", "approval_rejected", "declined"),
        ("wave", "insufficient-funds", "insufficient_funds"),
        ("wave", "expired", "expired"),
        ("orange_money", "failed", "operator_refused"),
        ("sandbox", "declined_by_customer", "declined"),
        ("wave", "something-new", "unknown"),
        ("moov_money", "555", "unknown"),
    ],
)
def test_each_provider_code_is_a_customer_reason(provider: str, code: str, reason: str) -> None:
    assert customer_reason(provider, code) == reason


def test_no_failure_has_no_reason() -> None:
    assert customer_reason("wave", None) is None


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_reason_has_its_words(lang: str) -> None:
    t = translator(lang)
    for reason in REASONS:
        text = t(f"reason_{reason}", provider="Wave")
        assert text != f"reason_{reason}" and "{" not in text, (lang, reason)


def test_an_unknown_code_is_said_in_french() -> None:
    text = translator("fr")("reason_unknown", provider="Moov Money")
    assert text == "Moov Money a refusé le paiement sans en donner la raison."


def test_the_phone_field_follows_the_provider() -> None:
    moov = phone_field("moov_money", None)
    assert (moov.country, moov.prefix) == ("BJ", "+229")
    assert moov.example.startswith("+229 ")
    assert phone_field("wave", "SN").prefix == "+221"
    assert phone_field("sandbox", None).prefix == "+225"
    assert phone_country("+229 01 95 90 12 34") == "BJ"
    assert phone_country("0195901234") is None


def test_french_elides_before_a_vowel() -> None:
    assert of_provider("Orange Money") == "d'Orange Money"
    assert of_provider("Wave") == "de Wave"
