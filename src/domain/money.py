"""Money: integer amounts in a currency's minor unit. Never a float."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from domain.errors import CurrencyMismatch, InvalidAmount, UnsupportedCurrency


class Currency(StrEnum):
    """ISO 4217 codes the service accepts."""

    XOF = "XOF"
    XAF = "XAF"
    GNF = "GNF"
    UGX = "UGX"
    RWF = "RWF"
    GHS = "GHS"
    NGN = "NGN"
    KES = "KES"
    ZMW = "ZMW"
    CDF = "CDF"

    @classmethod
    def parse(cls, code: str) -> Currency:
        """Read an ISO code; anything else raises `UnsupportedCurrency`."""
        try:
            return cls(code)
        except ValueError:
            raise UnsupportedCurrency(f"currency {code!r} is not supported") from None

    @property
    def exponent(self) -> int:
        """Number of decimals of the minor unit (0 for the CFA francs, 2 for the cedi)."""
        return _EXPONENTS[self]

    @property
    def symbol(self) -> str:
        return _SYMBOLS[self]


_EXPONENTS = {
    Currency.XOF: 0,
    Currency.XAF: 0,
    Currency.GNF: 0,
    Currency.UGX: 0,
    Currency.RWF: 0,
    Currency.GHS: 2,
    Currency.NGN: 2,
    Currency.KES: 2,
    Currency.ZMW: 2,
    Currency.CDF: 2,
}

_SYMBOLS = {
    Currency.XOF: "FCFA",
    Currency.XAF: "FCFA",
    Currency.GNF: "FG",
    Currency.UGX: "USh",
    Currency.RWF: "FRw",
    Currency.GHS: "GH₵",
    Currency.NGN: "₦",
    Currency.KES: "KSh",
    Currency.ZMW: "ZK",
    Currency.CDF: "FC",
}

_SEPARATORS = {"fr": (" ", ","), "en": (",", ".")}


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in minor units of one currency.

    Rules: the amount is an `int` (never a float or a bool); sums and comparisons only
    between the same currency.
    """

    amount: int
    currency: Currency

    def __post_init__(self) -> None:
        if type(self.amount) is not int:
            raise InvalidAmount(f"amount must be an integer, got {type(self.amount).__name__}")
        if not isinstance(self.currency, Currency):
            raise UnsupportedCurrency(f"currency {self.currency!r} is not supported")

    @classmethod
    def of(cls, amount: int, currency: str) -> Money:
        """Build from wire values: an integer and an ISO code."""
        return cls(amount, Currency.parse(currency))

    @classmethod
    def zero(cls, currency: Currency) -> Money:
        return cls(0, currency)

    def _same(self, other: Money) -> None:
        if other.currency is not self.currency:
            raise CurrencyMismatch(f"cannot combine {self.currency} and {other.currency}")

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: int) -> Money:
        if type(factor) is not int:
            raise InvalidAmount("money can only be multiplied by an integer")
        return Money(self.amount * factor, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    @property
    def is_positive(self) -> bool:
        return self.amount > 0

    def format(self, lang: str = "fr") -> str:
        """Human form: `5 000 FCFA`, `12,50 GH₵` in French; `5,000 FCFA`, `12.50 GH₵` in English."""
        thousands, decimal = _SEPARATORS.get(lang, _SEPARATORS["fr"])
        exponent = self.currency.exponent
        units, minor = divmod(abs(self.amount), 10**exponent)
        text = f"{units:,}".replace(",", thousands)
        if exponent:
            text += f"{decimal}{minor:0{exponent}d}"
        sign = "-" if self.amount < 0 else ""
        return f"{sign}{text} {self.currency.symbol}"
