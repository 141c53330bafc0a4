"""Phone numbers with Google's libphonenumber data (the `phonenumbers` package).

Rules:
- A number without `+` is read for the given country (ISO 3166 alpha-2); with no country it
  must start with `+` and its country code.
- Only numbers libphonenumber holds valid are accepted, and when the country is known, only
  that country's numbers (a `+33` number is refused for an order in `CI`); the result is
  E.164 (`+2250700000001`).
- The text holds only ASCII digits, spaces, `+`, `-`, `.`, `/`, `(` and `)`: anything else
  (letters, control characters, other scripts' digits) is refused, even where libphonenumber
  would skip it. Every refusal is `InvalidPhone`, whatever its reason.
- Masked for display and logs: the country code, the first national group and the last two
  digits stay; every other digit becomes `•`, in the international grouping with the last two
  digits as a group of their own: `+2250712345656` -> `+225 07 •• •• •• 56`. The last
  `MASKED_KEPT` numbers masked are remembered by this process (libphonenumber's parse and
  format cost about 70 µs, and a payment's phone is masked at each of its changes).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType

from domain.errors import InvalidPhone

_MASK = "•"
_MAX_INPUT = 64
_DIGITS = re.compile(r"\d+")
_WRITTEN = re.compile(r"[0-9 +\-./()]*")


class PhonenumbersNormalizer:
    """`PhoneNormalizer` port: E.164 or `InvalidPhone`."""

    def normalize(self, raw: str, country: str | None) -> str:
        text = (raw or "").strip(" ")
        region = country.strip().upper() if country else None
        if not text:
            raise InvalidPhone("a phone number is required")
        if len(text) > _MAX_INPUT:
            raise InvalidPhone("the phone number is too long")
        if not _WRITTEN.fullmatch(text):
            raise InvalidPhone("a phone number holds only digits, spaces and + - . / ( )")
        if region is None and not text.startswith("+"):
            raise InvalidPhone("the phone number needs its country code, like " + _example(None))
        try:
            number = phonenumbers.parse(text, region)
        except NumberParseException:
            raise InvalidPhone(
                "the phone number cannot be read; write it like " + _example(region)
            ) from None
        if region is not None and not phonenumbers.is_valid_number_for_region(number, region):
            raise InvalidPhone(
                f"the phone number is not a valid number for {region}; write it like "
                + _example(region)
            )
        if not phonenumbers.is_valid_number(number):
            where = f" for {region}" if region and not text.startswith("+") else ""
            raise InvalidPhone(
                f"the phone number is not a valid number{where}; write it like {_example(region)}"
            )
        return phonenumbers.format_number(number, PhoneNumberFormat.E164)

    def country_of(self, e164: str) -> str | None:
        try:
            number = phonenumbers.parse(e164, None)
        except NumberParseException:
            return None
        region = phonenumbers.region_code_for_number(number)
        return region if region and region != "ZZ" else None


def _example(region: str | None) -> str:
    """An example mobile number of the region, in international form (+225 by default)."""
    example = phonenumbers.example_number_for_type(
        region or "CI", PhoneNumberType.MOBILE
    ) or phonenumbers.example_number_for_type("CI", PhoneNumberType.MOBILE)
    if example is None:
        return "+225 07 00 00 00 01"
    return phonenumbers.format_number(example, PhoneNumberFormat.INTERNATIONAL)


#: How many masked numbers each process remembers.
MASKED_KEPT = 4096


def mask_phone(e164: str | None) -> str | None:
    """The number for display with its middle digits hidden (see the module's rules).

    A number libphonenumber cannot read keeps only its last two digits."""
    if e164 is None:
        return None
    if _MASK in e164:  # already masked (the retention pass stores the masked form)
        return e164
    return _masked(e164)


@lru_cache(maxsize=MASKED_KEPT)
def _masked(e164: str) -> str:
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


_PHONE_KEY = re.compile(r"phone|msisdn|mobile|party_?id|subscriber", re.IGNORECASE)
_E164_IN_TEXT = re.compile(r"\+\d[\d ]{6,18}\d")
_MIN_DIGITS = 6


def mask_phones_in(data: Any) -> Any:
    """A provider's payload with its phone numbers masked as `mask_phone` does, at any depth:
    the values under keys that name a phone (`phone`, `msisdn`, `partyId`, `mobile`,
    `subscriber`...) when they hold at least six digits (an MSISDN without `+` is read as
    international), and `+` numbers written inside any text. Other values are kept as they are."""
    if isinstance(data, dict):
        return {key: _masked_entry(str(key), value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [mask_phones_in(item) for item in data]
    if isinstance(data, str):
        return _E164_IN_TEXT.sub(lambda m: mask_phone(m.group().replace(" ", "")) or "", data)
    return data


def _masked_entry(key: str, value: Any) -> Any:
    if _PHONE_KEY.search(key) and isinstance(value, str | int) and not isinstance(value, bool):
        text = str(value).strip()
        digits = "".join(c for c in text if c.isdigit())
        if len(digits) >= _MIN_DIGITS:
            return mask_phone(text if text.startswith("+") else f"+{digits}")
    return mask_phones_in(value)
