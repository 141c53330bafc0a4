"""An operator looks for the money in Chromium against a real server: a sandbox sale has
reached the sandbox operator, a refund of part of it is still on its way (its amount ends in
03: the operator has not sent it), so the ledger holds less than the operator says, and the
desk shows the difference rather than hiding it."""

from __future__ import annotations

import time
from typing import Any

from playwright.async_api import Page, expect
from tests.integration.browser.conftest import Shop, shoot

from entrypoints.settings import SANDBOX_ADMIN_TOKEN


def paid(shop: Shop) -> dict[str, Any]:
    """A 5,000 XOF sandbox payment that succeeds (phone ending in 01, about 2 s)."""
    payment = shop.pay(shop.order(reference="CMD-7001", amount=5000, items=[])["id"],
                       "+2250700000001")  # fmt: skip
    deadline = time.monotonic() + 20
    while shop.payment(payment["id"])["status"] != "succeeded":
        assert time.monotonic() < deadline, "the sandbox payment did not succeed"
        time.sleep(0.2)
    return payment


async def test_the_desk_shows_where_the_money_is(clean_db: None, page: Page, shop: Shop) -> None:
    payment = paid(shop)
    refund = shop.api.post(f"/api/v1/payments/{payment['id']}/refunds", json={"amount": 2003})
    assert refund.status_code == 201, refund.text
    assert refund.json()["status"] == "pending"

    await page.goto("/admin/login/")
    await page.get_by_label("Jeton d'opérateur").fill(SANDBOX_ADMIN_TOKEN)
    await page.get_by_role("button", name="Se connecter").click()
    await page.get_by_role("link", name="Où est l'argent").click()
    row = page.locator("[data-provider='sandbox'][data-currency='XOF']")
    await expect(row).to_contain_text("2 997 FCFA")  # the ledger: the sale less the refund
    await expect(row).to_contain_text("5 000 FCFA")  # the operator has not sent it yet
    await expect(row.locator(".difference")).to_have_text("2 003 FCFA")
    await shoot(page, "desk-money")
