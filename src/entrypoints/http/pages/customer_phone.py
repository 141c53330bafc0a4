"""The phone field of the payment page per provider: its prefix and example follow the
provider chosen, and a number of another country is refused before anything is sent."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import phonenumbers

from entrypoints.http.pages.i18n import translator
from entrypoints.http.pages.providers import PhoneField, brand, phone_country, phone_field

#: What a typed number may hold to be read here (the payment's rules refuse the rest).
_WRITTEN = re.compile(r"[0-9 \-./()]{4,40}")


def phone_fields(
    accounts: Mapping[str, str | None], order_country: str | None, lang: str
) -> dict[str, dict[str, Any]]:
    """What the page's script needs per provider offered (with the country of its account
    that takes the order, None for its default account): `prefix`, `example`, `country` and
    the `wrong` message shown when a number of another country is typed."""
    t = translator(lang)
    fields = {}
    for name, account_country in accounts.items():
        field = phone_field(name, order_country, account_country)
        fields[name] = {
            "prefix": field.prefix,
            "example": field.example,
            "country": field.country,
            "wrong": _wrong_text(field, name, t, lang),
        }
    return fields


def wrong_country(
    field: PhoneField, provider: str, phone: str, t: Callable[..., str], lang: str
) -> str | None:
    """The refusal to show when `phone` is an international number of another country than
    the field's (the one `provider` takes here); None when it is fine (or not international)."""
    country = phone_country(phone) if phone else None
    if country is None or country == field.country:
        return None
    return _wrong_text(field, provider, t, lang)


def written_for(field: PhoneField, phone: str) -> str | None:
    """A number typed without its prefix, read as one of the field's country and written
    in E.164 (`01 95 90 12 34` for Moov -> `+2290195901234`); anything else as typed. The
    payment's own rules still check it."""
    text = phone.strip()
    if not text or text.startswith("+") or not _WRITTEN.fullmatch(text):
        return text or None
    try:
        number = phonenumbers.parse(text, field.country)
    except phonenumbers.NumberParseException:
        return text
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _wrong_text(field: PhoneField, provider: str, t: Callable[..., str], lang: str) -> str:
    return t(
        "error_wrong_country",
        provider=brand(provider).name,
        country=field.country_name(lang),
        prefix=field.prefix,
        example=field.example,
    )
