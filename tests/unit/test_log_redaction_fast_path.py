"""The redaction's shortcut (one search over a line's texts, dots of masked phones left out,
ASCII lowered) answers exactly what redacting each value answers."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.log_redaction import REDACTED, _entry, redact, redact_secrets

#: Pieces that make the patterns match, almost match, or fold to them (ſ is a long s, K the
#: Kelvin sign: a case-insensitive search reads them as `s` and `k`).
PIECES = [
    "pay_01J",
    "token",
    "TOKEN",
    "ſecret",
    "apiKey",
    "api_",
    "sig",
    "sk_live_abcd",
    "op_",
    "whsec_abcdef",
    "Bearer ",
    "basic ",
    "msisdn",
    "Phone",
    "party_id",
    "+225",
    "0712345656",
    "+2250712345656",
    "•",
    " •• ",
    "=",
    ": ",
    "\n",
    "x",
    "0",
    " ",
    "+00:00",
    "session",
    "é",
]
KEYS = st.sampled_from(
    ["payment_id", "request_id", "phone", "notif_token", "Authorization", "note", "msisdn", "n"]
)
TEXTS = st.lists(st.sampled_from(PIECES), max_size=8).map("".join)
VALUES = st.one_of(TEXTS, st.integers(), st.booleans(), st.none(), st.floats(allow_nan=False))


def one_by_one(line: dict[str, Any]) -> dict[str, Any]:
    return {key: _entry(key, value, -1) for key, value in line.items()}


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(KEYS, VALUES, max_size=6))
def test_a_line_is_redacted_as_each_of_its_values_would_be(line: dict[str, Any]) -> None:
    assert redact_secrets(None, "info", dict(line)) == one_by_one(line)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ſecret=abcdef", f"ſecret={REDACTED}"),  # not ASCII: the case-insensitive search
        ("payer +225 07 •• •• •• 56 token=abc", f"payer +225 07 •• •• •• 56 token={REDACTED}"),
        ("call +2250712345656 now", "call +225 07 •• •• •• 56 now"),
        ("2026-12-07T03:00:03+00:00", "2026-12-07T03:00:03+00:00"),
    ],
)
def test_texts_that_look_plain_at_first_sight_are_still_read(text: str, expected: str) -> None:
    assert redact(text) == expected
    assert redact_secrets(None, "info", {"note": text, "id": "pay_01"}) == {
        "note": expected,
        "id": "pay_01",
    }
