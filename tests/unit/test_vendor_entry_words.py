"""The vendor's balance page names every entry type it offers in its filter, in French and
in English, and offers only the types a store's account can hold."""

from __future__ import annotations

import pytest

from domain.ledger import EntryType
from entrypoints.http.pages.payout_words import PAYOUT_WORDS
from entrypoints.http.pages.vendor_money import VENDOR_ENTRY_TYPES


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_offered_entry_type_has_its_words(language: str) -> None:
    missing = [kind for kind in VENDOR_ENTRY_TYPES if f"entry_{kind}" not in PAYOUT_WORDS[language]]
    assert missing == []


def test_the_platform_only_movements_are_not_offered_to_a_vendor() -> None:
    assert EntryType.PAYOUT_SENT not in VENDOR_ENTRY_TYPES
    assert EntryType.PROVIDER_FEE not in VENDOR_ENTRY_TYPES
    assert EntryType.PAYMENT in VENDOR_ENTRY_TYPES and EntryType.PAYOUT in VENDOR_ENTRY_TYPES
