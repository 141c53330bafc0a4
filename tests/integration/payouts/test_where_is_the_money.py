"""Where is the money on the desk and on the command line: each provider account's ledger
figure beside its operator's, the fees, the difference, and an operator that cannot answer."""

from __future__ import annotations

import argparse
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from dependency_injector import providers
from litestar.testing import AsyncTestClient
from tests.integration.test_desk_pages import sign_in
from tests.payout_fakes import FakeBalanceGateway, FakeClearingBalances, FakePayoutGateways

from application.payouts.where_is_the_money import WhereIsTheMoney
from domain.money import Money
from entrypoints import balances_command
from entrypoints.container import Container
from entrypoints.settings import SANDBOX_ADMIN_TOKEN, Settings


def xof(amount: int) -> Money:
    return Money.of(amount, "XOF")


WAVE_CI = FakeBalanceGateway("wave", "CI", [xof(94_000)])
MTN_DOWN = FakeBalanceGateway("mtn_momo", None, error="mtn_momo balance: HTTP 503")
LEDGER = FakeClearingBalances(
    {("wave", "CI"): [xof(95_000)], ("mtn_momo", None): [xof(20_000)],
     ("orange_money", None): [xof(3_000)]},
    {("wave", "CI"): [xof(150)]},
)  # fmt: skip


@pytest.fixture
async def desk(client: AsyncTestClient[Any], container: Container) -> AsyncIterator[Any]:
    where = WhereIsTheMoney(FakePayoutGateways([WAVE_CI, MTN_DOWN]), LEDGER)
    client.cookies.clear()
    with container.where_is_the_money.override(providers.Object(where)):
        yield client
    client.cookies.clear()


async def test_the_desk_shows_each_account_with_its_difference(desk: Any) -> None:
    assert (await desk.get("/admin/money/", follow_redirects=False)).status_code == 303
    await sign_in(desk, SANDBOX_ADMIN_TOKEN)
    page = (await desk.get("/admin/money/")).text
    assert 'id="where-is-the-money"' in page and "Grand livre" in page
    wave = _row(page, 'data-provider="wave"')
    assert "CI" in wave and "95 000 FCFA" in wave and "94 000 FCFA" in wave
    assert "-1 000 FCFA" in wave and "150 FCFA" in wave
    assert "indisponible : mtn_momo balance: HTTP 503" in _row(page, 'data-provider="mtn_momo"')
    assert "ne donne pas de solde" in _row(page, 'data-provider="orange_money"')
    english = (await desk.get("/admin/money/?lang=en")).text
    assert "Where is the money" in english and "Fees booked" in english


def test_payments_balances_prints_the_table_and_json(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    where = WhereIsTheMoney(FakePayoutGateways([WAVE_CI, MTN_DOWN]), LEDGER)

    async def holdings(_: Settings) -> list[Any]:
        return await where()

    monkeypatch.setattr(balances_command, "holdings", holdings)
    assert balances_command.run(settings, argparse.Namespace(json=False)) == 0
    table = capsys.readouterr().out
    wave = next(line for line in table.splitlines() if line.startswith("wave"))
    assert wave.split() == ["wave", "CI", "XOF", "95,000", "150", "94,000", "-1,000"]
    assert "unavailable: mtn_momo balance: HTTP 503" in table
    assert balances_command.run(settings, argparse.Namespace(json=True)) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0] == {"provider": "mtn_momo", "country": None, "currency": "XOF",
                       "ledger": 20000, "fees_booked": 0, "operator": None, "difference": None,
                       "unavailable": "mtn_momo balance: HTTP 503"}  # fmt: skip


def _row(page: str, marker: str) -> str:
    start = page.index(marker)
    return page[start : page.index("</tr>", start)]
