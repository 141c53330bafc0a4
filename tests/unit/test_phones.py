import pytest

from adapters.phones import PhonenumbersNormalizer, mask_phone
from domain.errors import InvalidPhone

SANDBOX_NUMBERS = [f"+22507000000{n:02d}" for n in (1, 2, 3, 4, 5, 99)]


@pytest.fixture
def normalize():
    return PhonenumbersNormalizer().normalize


@pytest.mark.parametrize(
    ("raw", "country", "e164"),
    [
        ("07 00 00 00 01", "CI", "+2250700000001"),
        ("0505050505", "ci", "+2250505050505"),
        ("01-02-03-04-05", "CI", "+2250102030405"),
        ("+225 07 12 34 56 56", None, "+2250712345656"),
        ("00225 0712345656", "CI", "+2250712345656"),
        ("024 123 4567", "GH", "+233241234567"),
        ("+233 24 123 4567", None, "+233241234567"),
        ("77 123 45 67", "SN", "+221771234567"),
        ("+221771234567", "SN", "+221771234567"),
    ],
)
def test_valid_numbers_come_out_in_e164(normalize, raw, country, e164):
    assert normalize(raw, country) == e164


@pytest.mark.parametrize("number", SANDBOX_NUMBERS)
def test_the_sandbox_magic_numbers_are_valid_ivorian_numbers(normalize, number):
    assert normalize(number, "CI") == number
    assert normalize(number[4:], "CI") == number


@pytest.mark.parametrize(
    ("raw", "country"),
    [
        ("", "CI"),
        ("   ", "CI"),
        ("0700000001", None),  # no country code and no country
        ("12345", "CI"),
        ("07000000", "CI"),  # the old 8-digit plan
        ("+22507123456", None),
        ("hello", "CI"),
        ("+999 1234567", None),
        ("0700000001", "XX"),
        ("1" * 100, "CI"),
    ],
)
def test_anything_else_is_an_invalid_phone(normalize, raw, country):
    with pytest.raises(InvalidPhone):
        normalize(raw, country)


def test_the_error_says_how_to_write_the_number(normalize):
    with pytest.raises(InvalidPhone, match=r"\+225"):
        normalize("0700000001", None)
    with pytest.raises(InvalidPhone, match=r"for GH.*\+233"):
        normalize("12", "GH")


@pytest.mark.parametrize(
    ("e164", "masked"),
    [
        ("+2250712345656", "+225 07 •• •• •• 56"),
        ("+233241234567", "+233 24 ••• •• 67"),
        ("+221771234567", "+221 77 ••• •• 67"),
        ("+12015550123", "+1 201-•••-•• 23"),
        (None, None),
    ],
)
def test_masking_keeps_country_code_first_group_and_last_two_digits(e164, masked):
    assert mask_phone(e164) == masked


def test_masking_something_unreadable_keeps_only_the_last_two_digits():
    assert mask_phone("not a phone 0712345656") == "••••••••56"


@pytest.mark.parametrize(
    ("raw", "country"),
    [
        ("+33612345678", "CI"),  # valid, but French: not a number of the order's country
        ("+2250700000001\x00", "CI"),  # libphonenumber alone would drop the NUL
        ("+225 07 00 00 00 01\n", None),
        ("+22507000000０1", None),  # a fullwidth digit
        ("+2250700000001abc", None),
        ("x" * 10_000, "CI"),
        ("", "CI"),
    ],
)
def test_anything_but_a_valid_number_of_the_country_is_invalid_phone(normalize, raw, country):
    with pytest.raises(InvalidPhone):
        normalize(raw, country)


def test_phone_numbers_in_a_providers_payload_are_masked_at_any_depth():
    from adapters.phones import mask_phones_in

    payload = {
        "payer": {"partyIdType": "MSISDN", "partyId": "2250700000156"},
        "financialTransactionId": "363440463",
        "note": "sent to +225 07 00 00 01 56",
        "items": [{"msisdn": 22995901234, "restrict_payer_mobile": "+221771234567"}],
        "status": "SUCCESSFUL",
    }
    assert mask_phones_in(payload) == {
        "payer": {"partyIdType": "MSISDN", "partyId": "+225 07 •• •• •• 56"},
        "financialTransactionId": "363440463",
        "note": "sent to +225 07 •• •• •• 56",
        "items": [{"msisdn": "+229 95 •••• 34", "restrict_payer_mobile": "+221 77 ••• •• 67"}],
        "status": "SUCCESSFUL",
    }
