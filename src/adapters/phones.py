"""Phone numbers with Google's libphonenumber data (the `phonenumbers` package).

Rules:
- A number without `+` is read for the given country (ISO 3166 alpha-2); with no country it
  must start with `+` and its country code.
- Only numbers libphonenumber holds valid are accepted; the result is E.164 (`+2250700000001`).
- Masked for display and logs: the country code, the first national group and the last two
  digits stay; every other digit becomes `•`, in the international grouping with the last two
  digits as a group of their own: `+2250712345656` -> `+225 07 •• •• •• 56`.
"""

from __future__ import annotations

import re

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from domain.errors import InvalidPhone

_MASK = "•"
_MAX_INPUT = 64
_DIGITS = re.compile(r"\d+")


class PhonenumbersNormalizer:
    """`PhoneNormalizer` port: E.164 or `InvalidPhone`."""

    def normalize(self, raw: str, country: str | None) -> str:
        text = (raw or "").strip()
        region = country.strip().upper() if country else None
        if not text:
            raise InvalidPhone("a phone number is required")
        if len(text) > _MAX_INPUT:
            raise InvalidPhone("the phone number is too long")
        if region is None and not text.startswith("+"):
            raise InvalidPhone("the phone number needs its country code, like " + _example(None))
        try:
            number = phonenumbers.parse(text, region)
        except NumberParseException:
            raise InvalidPhone(
                "the phone number cannot be read; write it like " + _example(region)
            ) from None
        if not phonenumbers.is_valid_number(number):
            where = f" for {region}" if region and not text.startswith("+") else ""
            raise InvalidPhone(
                f"the phone number is not a valid number{where}; write it like {_example(region)}"
            )
        return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def _example(region: str | None) -> str:
    """An example mobile number of the region, in international form (+225 by default)."""
    example = phonenumbers.example_number_for_type(
        region or "CI", PhoneNumberType.MOBILE
    ) or phonenumbers.example_number_for_type("CI", PhoneNumberType.MOBILE)
    if example is None:
        return "+225 07 00 00 00 01"
    return phonenumbers.format_number(example, PhoneNumberFormat.INTERNATIONAL)


def mask_phone(e164: str | None) -> str | None:
    """The number for display with its middle digits hidden (see the module's rules).

    A number libphonenumber cannot read keeps only its last two digits."""
    if e164 is None:
        return None
    if _MASK in e164:  # already masked (the retention pass stores the masked form)
        return e164
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return _mask_all_but_last_two(e164)
    text = phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    runs = list(_DIGITS.finditer(text))
    if len(runs) < 3:  # no national grouping to keep: show two digits at either end
        national = phonenumbers.national_significant_number(number)
        text = f"+{number.country_code} {national[:2]} {national[2:]}"
        runs = list(_DIGITS.finditer(text))
    if sum(len(run.group()) for run in runs[1:]) <= 4:
        return _mask_all_but_last_two(e164)
    out, end = [], 0
    for index, run in enumerate(runs):
        out.append(text[end : run.start()])
        digits = run.group()
        if index < 2:
            out.append(digits)
        elif index < len(runs) - 1:
            out.append(_MASK * len(digits))
        elif len(digits) > 2:
            out.append(f"{_MASK * (len(digits) - 2)} {digits[-2:]}")
        else:
            out.append(digits)
        end = run.end()
    return "".join(out)


def _mask_all_but_last_two(text: str) -> str:
    digits = [c for c in text if c.isdigit()]
    return _MASK * max(len(digits) - 2, 0) + "".join(digits[-2:])
