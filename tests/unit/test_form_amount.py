"""Amounts typed in the pages' forms: one rule reads them, and nothing a person or a script
types makes it raise anything but `BadAmount` (fuzzed)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from entrypoints.http.pages.form_amount import BadAmount, form_amount


@pytest.mark.parametrize(
    ("text", "amount"),
    [("2000", 2000), ("2 000", 2000), (" 2\u202f000\xa0", 2000), ("", None), ("   ", None)],
)
def test_what_a_person_writes_is_read(text: str, amount: int | None) -> None:
    assert form_amount(text) == amount


@pytest.mark.parametrize(
    "text",
    ["²", "¹²³", "٥٠٠", "9" * 16, "9" * 5000, "-5", "+5", "1e3", "2.5", "0", "0x10", "1_000"],
)
def test_anything_else_is_refused(text: str) -> None:
    with pytest.raises(BadAmount):
        form_amount(text)


@settings(max_examples=300, deadline=None)
@given(st.text() | st.from_regex(r"[0-9 ²³¹٠-٩]{0,30}", fullmatch=True))
def test_no_text_makes_it_raise_anything_else(text: str) -> None:
    try:
        amount = form_amount(text)
    except BadAmount:
        return
    assert amount is None or 0 < amount < 10**15
