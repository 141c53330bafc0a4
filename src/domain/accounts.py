"""Provider accounts: an operator gives a merchant one account per country, so an account is a
provider in a country (`AccountId("mtn_momo", "CM")`). A provider's default account has no
country (`AccountId("mtn_momo", None)`): it is the one configured without a country.

Rules:
- a country is an ISO 3166-1 alpha-2 code in capitals;
- an account takes one currency: its country's (`CURRENCY_OF`) unless configured otherwise;
  a default account configured without a currency takes any;
- an account is named by one key everywhere health and breakers are kept: the provider's name
  for its default account (so a single-account deployment keeps its history), else
  `<provider>:<CC>`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.errors import PaymentError

#: The currency each country's mobile money takes (UEMOA: XOF, CEMAC: XAF, ...).
CURRENCY_OF: dict[str, str] = {
    **dict.fromkeys(("BJ", "BF", "CI", "GW", "ML", "NE", "SN", "TG"), "XOF"),
    **dict.fromkeys(("CM", "CF", "CG", "GA", "GQ", "TD"), "XAF"),
    "GH": "GHS",
    "GN": "GNF",
    "UG": "UGX",
    "RW": "RWF",
    "NG": "NGN",
    "KE": "KES",
    "ZM": "ZMW",
    "CD": "CDF",
}

#: Countries' names as the refusals and the docs say them.
COUNTRY_NAMES: dict[str, str] = {
    "BJ": "Benin",
    "BF": "Burkina Faso",
    "CI": "Côte d'Ivoire",
    "GW": "Guinea-Bissau",
    "ML": "Mali",
    "NE": "Niger",
    "SN": "Senegal",
    "TG": "Togo",
    "CM": "Cameroon",
    "CF": "Central African Republic",
    "CG": "Congo",
    "GA": "Gabon",
    "GQ": "Equatorial Guinea",
    "TD": "Chad",
    "GH": "Ghana",
    "GN": "Guinea",
    "UG": "Uganda",
    "RW": "Rwanda",
    "NG": "Nigeria",
    "KE": "Kenya",
    "ZM": "Zambia",
    "CD": "DR Congo",
}

#: The providers' names as people say them.
PROVIDER_LABELS: dict[str, str] = {
    "mtn_momo": "MTN MoMo",
    "orange_money": "Orange Money",
    "wave": "Wave",
    "moov_money": "Moov Money",
    "sandbox": "The sandbox",
}

SEPARATOR = ":"


class CurrencyNotAccepted(PaymentError):
    """The account the payment would go through takes another currency than the order's."""


def is_country_code(value: str) -> bool:
    return len(value) == 2 and value.isascii() and value.isalpha() and value.isupper()


def country_name(country: str | None) -> str:
    if country is None:
        return "its default account"
    return COUNTRY_NAMES.get(country, country)


@dataclass(frozen=True, slots=True, order=True)
class AccountId:
    """A provider (`mtn_momo`) in a country (`CM`), or its default account (`None`)."""

    provider: str
    country: str | None = None

    def __post_init__(self) -> None:
        if self.country is not None and not is_country_code(self.country):
            raise ValueError(f"{self.country!r} is not an ISO 3166-1 alpha-2 code in capitals")

    @property
    def key(self) -> str:
        """`mtn_momo` for a default account, `mtn_momo:CM` for a country's."""
        return (
            self.provider if self.country is None else f"{self.provider}{SEPARATOR}{self.country}"
        )

    @classmethod
    def parse(cls, key: str) -> AccountId:
        provider, _, country = key.partition(SEPARATOR)
        return cls(provider, country or None)


@dataclass(frozen=True, slots=True)
class Account:
    """What the service knows of a configured account: who it is and what it takes
    (`currency` None: any currency, for a default account configured without one)."""

    id: AccountId
    currency: str | None

    def accepts(self, currency: str) -> bool:
        return self.currency is None or self.currency == currency

    def ensure_accepts(self, currency: str) -> None:
        """`CurrencyNotAccepted` ("MTN MoMo takes XAF in Cameroon") when it takes another."""
        if not self.accepts(currency):
            label = PROVIDER_LABELS.get(self.id.provider, self.id.provider)
            where = country_name(self.id.country)
            raise CurrencyNotAccepted(f"{label} takes {self.currency} in {where}, not {currency}")


def choose(accounts: Sequence[Account], provider: str, country: str | None) -> Account | None:
    """The account of `provider` a payment in `country` goes through: the country's, else the
    provider's default account (None: it has neither)."""
    mine = {account.id.country: account for account in accounts if account.id.provider == provider}
    return (mine.get(country) if country else None) or mine.get(None)


def offered(accounts: Sequence[Account], country: str | None, currency: str) -> list[Account]:
    """One account per provider that can take an order of `country` in `currency`: the one it
    would go through. With no country known (the payer's number decides later), a provider is
    offered when its default account or one of its accounts takes the currency."""
    result = []
    for provider in sorted({account.id.provider for account in accounts}):
        if country is not None:
            found = choose(accounts, provider, country)
            candidates = [found] if found is not None else []
        else:
            candidates = sorted(
                (a for a in accounts if a.id.provider == provider),
                key=lambda a: a.id.country or "",
            )
        taking = [account for account in candidates if account.accepts(currency)]
        if taking:
            result.append(taking[0])
    return result
