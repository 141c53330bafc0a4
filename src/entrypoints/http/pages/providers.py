"""How the payment page shows each provider: its name, brand colours and flow, and the
phone number format of the order's country as a hint."""

from __future__ import annotations

from dataclasses import dataclass

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType


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


def phone_example(country: str | None) -> str:
    """An example mobile number of the country, as its people write it (`+225 01 23 45 67 89`
    for Côte d'Ivoire when the country is not known)."""
    for region in ((country or "CI").upper(), "CI"):
        number = phonenumbers.example_number_for_type(region, PhoneNumberType.MOBILE)
        if number is not None:
            return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)
    return "+225 01 23 45 67 89"
