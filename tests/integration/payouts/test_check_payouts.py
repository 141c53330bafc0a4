"""`payments check` says, per provider account, what it can do for payouts and which variables
would add more: informative lines, never a failure."""

from __future__ import annotations

from pathlib import Path

import pytest
import respx
from tests.integration.test_check_command import MOOV, MTN, ORANGE, WAVE, check, fake_providers


@pytest.mark.usefixtures("clean_db")
def test_check_tells_each_accounts_payouts(database_url: str, tmp_path: Path) -> None:
    with respx.mock(using="stream", assert_all_called=False) as mock:
        fake_providers(mock)
        code, rows = check(database_url, tmp_path, **ORANGE, **MTN, **WAVE, **MOOV)
    assert code == 0, rows
    lines = {line.split()[0]: line for line in rows["payouts"]}  # "payouts <provider> ok ..."
    assert all(line.split()[1] == "ok" for line in lines.values())
    assert "MTN_MOMO_DISBURSEMENT_*" in lines["mtn_momo"]
    assert "Payout API" in lines["wave"]
    assert "balance not asked" in lines["moov_money"]
    assert "MOOV_MONEY_MERCHANT_MSISDN" in lines["moov_money"]
    assert "payouts_not_supported" in lines["orange_money"]
