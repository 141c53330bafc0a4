"""How the payment page shows each provider: its name, brand colours and flow, and the
phone number it takes (country, dialling prefix, example) for the phone field."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

from domain.accounts import AccountId, country_name


@dataclass(frozen=True, slots=True)
class Brand:
    name: str
    background: str
    foreground: str
    initials: str
    on_phone: bool  # the customer approves a push on the phone (else: a provider's page)


BRANDS = {
    "orange_money": Brand("Orange Money", "#ff7900", "#000000", "OM", on_phone=False),
    "wave": Brand("Wave", "#1dc8ff", "#0b1f3a", "W", on_phone=False),
    "mtn_momo": Brand("MTN MoMo", "#ffcb05", "#000000", "MTN", on_phone=True),
    "moov_money": Brand("Moov Money", "#0058a3", "#ffffff", "MV", on_phone=True),
    "sandbox": Brand("Sandbox", "#6e40c9", "#ffffff", "SB", on_phone=False),
}


def brand(name: str) -> Brand:
    return BRANDS.get(name) or Brand(name.replace("_", " ").title(), "#444", "#fff", "?", False)


def of_provider(name: str) -> str:
    """French "de"/"d'" before the provider's name: "d'Orange Money", "de Wave"."""
    return f"d'{name}" if name[:1].lower() in "aeiouyh" else f"de {name}"


#: The countries whose numbers each provider takes here, its home country first (Moov Money
#: is Benin's API). A provider missing from the table takes the order's country's numbers.
#: Per-account countries extend this table.
PROVIDER_COUNTRIES: dict[str, tuple[str, ...]] = {
    "moov_money": ("BJ",),
    "mtn_momo": ("CI", "BJ", "CM", "GH", "UG"),
    "orange_money": ("CI", "SN", "CM", "ML", "BF", "GN"),
    "wave": ("CI", "SN"),
}

#: French and English names of the countries the pages may name.
COUNTRY_NAMES = {
    "BJ": ("du Bénin", "Benin"),
    "BF": ("du Burkina Faso", "Burkina Faso"),
    "CI": ("de Côte d'Ivoire", "Côte d'Ivoire"),
    "CM": ("du Cameroun", "Cameroon"),
    "GH": ("du Ghana", "Ghana"),
    "GN": ("de Guinée", "Guinea"),
    "ML": ("du Mali", "Mali"),
    "SN": ("du Sénégal", "Senegal"),
    "UG": ("d'Ouganda", "Uganda"),
}


@dataclass(frozen=True, slots=True)
class PhoneField:
    """The phone field for one provider: the country whose numbers it takes, its dialling
    prefix (`+229`) and an example number as its people write it."""

    country: str
    prefix: str
    example: str

    def country_name(self, lang: str) -> str:
        french, english = COUNTRY_NAMES.get(self.country, (self.country, self.country))
        return french if lang == "fr" else english


def phone_field(
    provider: str, order_country: str | None, account_country: str | None = None
) -> PhoneField:
    """The country of the provider's account that takes the payment when it has one; else the
    order's country when the provider takes its numbers, else the provider's home country
    (Côte d'Ivoire when none is known)."""
    served = PROVIDER_COUNTRIES.get(provider) or (order_country or "CI",)
    wanted = (order_country or "").upper()
    country = account_country or (wanted if wanted in served else served[0].upper())
    code = phonenumbers.country_code_for_region(country) or 225
    return PhoneField(country, f"+{code}", phone_example(country))


def phone_country(phone: str) -> str | None:
    """The country of an international number (`+229...` -> `BJ`), None when it is not one."""
    text = phone.strip()
    if not text.startswith("+"):
        return None
    try:
        number = phonenumbers.parse(text, None)
    except phonenumbers.NumberParseException:
        return None
    return phonenumbers.region_code_for_number(number)


def phone_example(country: str | None) -> str:
    """An example mobile number of the country, as its people write it (`+225 01 23 45 67 89`
    for Côte d'Ivoire when the country is not known)."""
    for region in ((country or "CI").upper(), "CI"):
        number = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE)
        if number is not None:
            return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    return "+225 01 23 45 67 89"


def account_label(key: str) -> str:
    """`MTN MoMo · Cameroon` for a country's account, the provider's name for a default one."""
    account = AccountId.parse(key)
    name = brand(account.provider).name
    return f"{name} · {country_name(account.country)}" if account.country else name
