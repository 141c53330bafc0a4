"""Money: integer minor units, one currency at a time, formatted for people."""

from collections.abc import Callable

import pytest

from domain.errors import CurrencyMismatch, InvalidAmount, UnsupportedCurrency
from domain.money import Currency, Money

XOF, XAF, GHS, NGN = Currency.XOF, Currency.XAF, Currency.GHS, Currency.NGN


# -- construction ----------------------------------------------------------------------------


@pytest.mark.parametrize("amount", [12.5, 100.0, True, False, "100", None])
def test_an_amount_must_be_an_int(amount: object) -> None:
    with pytest.raises(InvalidAmount):
        Money(amount, XOF)  # type: ignore[arg-type]


def test_a_currency_must_be_a_currency_not_a_string() -> None:
    with pytest.raises(UnsupportedCurrency):
        Money(100, "XOF")  # type: ignore[arg-type]


def test_of_reads_wire_values() -> None:
    assert Money.of(5000, "XOF") == Money(5000, XOF)


def test_of_refuses_an_unsupported_code() -> None:
    with pytest.raises(UnsupportedCurrency):
        Money.of(5000, "EUR")


def test_zero() -> None:
    assert Money.zero(GHS) == Money(0, GHS)
    assert not Money.zero(GHS).is_positive


def test_is_positive() -> None:
    assert Money(1, XOF).is_positive
    assert not Money(-1, XOF).is_positive


def test_equality_includes_the_currency() -> None:
    assert Money(100, XOF) != Money(100, XAF)


# -- arithmetic ------------------------------------------------------------------------------


def test_add_and_subtract_in_the_same_currency() -> None:
    assert Money(300, XOF) + Money(200, XOF) == Money(500, XOF)
    assert Money(300, XOF) - Money(200, XOF) == Money(100, XOF)


def test_subtracting_may_go_negative() -> None:
    assert Money(100, GHS) - Money(250, GHS) == Money(-150, GHS)


@pytest.mark.parametrize(
    "combine",
    [
        lambda a, b: a + b,
        lambda a, b: a - b,
        lambda a, b: a < b,
        lambda a, b: a <= b,
        lambda a, b: a > b,
        lambda a, b: a >= b,
    ],
    ids=["add", "sub", "lt", "le", "gt", "ge"],
)
def test_combining_two_currencies_raises(combine: Callable[[Money, Money], object]) -> None:
    with pytest.raises(CurrencyMismatch):
        combine(Money(100, XOF), Money(100, XAF))


def test_comparisons_in_the_same_currency() -> None:
    small, large = Money(100, XOF), Money(200, XOF)
    assert small < large
    assert small <= large
    assert small <= Money(100, XOF)
    assert large > small
    assert not large < small


def test_multiply_by_an_int() -> None:
    assert Money(1250, GHS) * 3 == Money(3750, GHS)
    assert Money(1250, GHS) * 0 == Money(0, GHS)


@pytest.mark.parametrize("factor", [1.5, 2.0, True, "2"])
def test_multiply_refuses_anything_but_an_int(factor: object) -> None:
    with pytest.raises(InvalidAmount):
        Money(100, XOF) * factor  # type: ignore[operator]


def test_sum_of_floats_never_sneaks_in() -> None:
    with pytest.raises(InvalidAmount):
        Money(100, XOF) + Money(0.5, XOF)  # type: ignore[arg-type]


# -- currencies ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "code", ["XOF", "XAF", "GNF", "UGX", "RWF", "GHS", "NGN", "KES", "ZMW", "CDF"]
)
def test_parse_a_supported_code(code: str) -> None:
    assert Currency.parse(code) == code


@pytest.mark.parametrize("code", ["EUR", "USD", "xof", "", " XOF", "FCFA"])
def test_parse_refuses_anything_else(code: str) -> None:
    with pytest.raises(UnsupportedCurrency):
        Currency.parse(code)


@pytest.mark.parametrize(
    ("code", "exponent"),
    [
        ("XOF", 0),
        ("XAF", 0),
        ("GNF", 0),
        ("UGX", 0),
        ("RWF", 0),
        ("GHS", 2),
        ("NGN", 2),
        ("KES", 2),
        ("ZMW", 2),
        ("CDF", 2),
    ],
)
def test_exponent_per_currency(code: str, exponent: int) -> None:
    assert Currency.parse(code).exponent == exponent


def test_every_currency_has_an_exponent_and_a_symbol() -> None:
    for currency in Currency:
        assert currency.exponent in (0, 2)
        assert currency.symbol


# -- formatting ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("money", "french", "english"),
    [
        (Money(5000, XOF), "5 000 FCFA", "5,000 FCFA"),
        (Money(1250, GHS), "12,50 GH₵", "12.50 GH₵"),
        (Money(0, XOF), "0 FCFA", "0 FCFA"),
        (Money(0, GHS), "0,00 GH₵", "0.00 GH₵"),
        (Money(5, GHS), "0,05 GH₵", "0.05 GH₵"),
        (Money(999, XAF), "999 FCFA", "999 FCFA"),
        (Money(-5000, XOF), "-5 000 FCFA", "-5,000 FCFA"),
        (Money(-1250, GHS), "-12,50 GH₵", "-12.50 GH₵"),
        (Money(-5, GHS), "-0,05 GH₵", "-0.05 GH₵"),
        (Money(1_234_567_890, XOF), "1 234 567 890 FCFA", "1,234,567,890 FCFA"),
        (Money(12_345_678_901, NGN), "123 456 789,01 ₦", "123,456,789.01 ₦"),
        (Money(10**18, XOF), "1 000 000 000 000 000 000 FCFA", "1,000,000,000,000,000,000 FCFA"),
    ],
)
def test_format(money: Money, french: str, english: str) -> None:
    assert money.format() == french
    assert money.format("fr") == french
    assert money.format("en") == english


def test_format_falls_back_to_french_for_an_unknown_language() -> None:
    assert Money(1250, GHS).format("wo") == "12,50 GH₵"
