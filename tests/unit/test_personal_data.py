"""Masking an order's customer for the retention pass: the phone as everywhere else, the name
to its initials, the e-mail's local part to its first character; twice is once."""

from __future__ import annotations

from adapters.personal_data import mask_email, mask_name, masked_customer, masked_in, replacements

CUSTOMER = {"name": "Awa Koné", "phone": "+2250709998877", "email": "awa.kone@example.com"}


def test_a_customer_is_masked_field_by_field_and_twice_is_once() -> None:
    masked = masked_customer({**CUSTOMER, "note": None})
    assert masked == {
        "name": "A•• K•••",
        "phone": "+225 07 •• •• •• 77",
        "email": "a•••••••@example.com",
        "note": None,
    }
    assert masked_customer(masked) == masked
    assert masked_customer({"name": None, "phone": None}) == {"name": None, "phone": None}


def test_names_and_emails_keep_only_their_first_letters() -> None:
    assert mask_name("  Jean-Marc   N'Guessan ") == "J•••••••• N••••••••"
    assert mask_email("x@y.ci") == "x•@y.ci"
    assert mask_email("not an email") == "n•• a• e••••"


def test_stored_json_loses_the_customer_everywhere_but_keeps_its_shape() -> None:
    body = {
        "type": "order.paid",
        "data": {"object": {"customer": CUSTOMER, "note": "call 2250709998877"}},
        "list": ["write to awa.kone@example.com", 5, None],
    }
    masked = masked_in(body, replacements(CUSTOMER))
    text = str(masked)
    for value in ("2250709998877", "awa.kone@example.com", "Awa Koné"):
        assert value not in text
    assert masked["data"]["object"]["customer"]["email"] == "a•••••••@example.com"
    assert masked["list"][1:] == [5, None]
    events = masked_in(body, replacements(CUSTOMER), customers=False)
    assert events["data"]["object"]["customer"]["name"] == "Awa Koné"  # digits only there
