"""Where is the money: each provider account's ledger figure beside its operator's, the
difference, the fees booked, and operators that cannot answer shown as such."""

from __future__ import annotations

from tests.payout_fakes import FakeBalanceGateway, FakeClearingBalances, FakePayoutGateways

from application.payouts.where_is_the_money import AccountHoldings, WhereIsTheMoney
from domain.money import Currency, Money


def xof(amount: int) -> Money:
    return Money.of(amount, "XOF")


async def test_the_ledger_beside_the_operator_with_the_difference_and_fees() -> None:
    gateways = FakePayoutGateways([FakeBalanceGateway("wave", amounts=[xof(94_000)])])
    ledger = FakeClearingBalances({("wave", None): [xof(95_000)]}, {("wave", None): [xof(150)]})
    (row,) = await WhereIsTheMoney(gateways, ledger)()
    assert row == AccountHoldings("wave", None, Currency.XOF, 95_000, 150, 94_000)
    assert row.difference == -1_000


async def test_every_account_either_side_knows_is_listed() -> None:
    gateways = FakePayoutGateways(
        [FakeBalanceGateway("mtn_momo", "CI", [xof(10_000)]), FakeBalanceGateway("wave")]
    )
    ledger = FakeClearingBalances(
        {("mtn_momo", "CI"): [xof(10_000)], ("orange_money", None): [xof(3_000)]}
    )
    rows = await WhereIsTheMoney(gateways, ledger)()
    seen = [(r.provider, r.country, r.ledger, r.operator, r.difference) for r in rows]
    assert seen == [
        ("mtn_momo", "CI", 10_000, 10_000, 0),
        ("orange_money", None, 3_000, None, None),  # Orange tells no balance
    ]


async def test_an_operator_that_cannot_answer_is_unavailable_never_zero() -> None:
    gateways = FakePayoutGateways(
        [
            FakeBalanceGateway("moov_money", error="moov balance: SOAP fault"),
            FakeBalanceGateway("wave", hangs=True),
            FakeBalanceGateway("mtn_momo", error="mtn_momo balance: HTTP 500"),
        ]
    )
    ledger = FakeClearingBalances({("moov_money", None): [xof(7_000)]})
    rows = {r.provider: r for r in await WhereIsTheMoney(gateways, ledger, timeout=0.05)()}
    assert (rows["moov_money"].ledger, rows["moov_money"].operator) == (7_000, None)
    assert rows["moov_money"].unavailable == "moov balance: SOAP fault"
    assert rows["wave"].unavailable == "no answer in 0.05 s"
    assert (rows["mtn_momo"].currency, rows["mtn_momo"].difference) == (None, None)


async def test_each_currency_has_its_own_line() -> None:
    gateways = FakePayoutGateways(
        [FakeBalanceGateway("sandbox", amounts=[Money.of(1_250, "GHS"), xof(500)])]
    )
    ledger = FakeClearingBalances({("sandbox", None): [xof(500)]})
    rows = await WhereIsTheMoney(gateways, ledger)()
    assert [(r.currency, r.ledger, r.operator) for r in rows] == [
        (Currency.GHS, 0, 1_250),
        (Currency.XOF, 500, 500),
    ]
