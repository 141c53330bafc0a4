"""A vendor goes from their balance to a paid payout in Chromium against a real server, and
an operator approves the vendor's new payout number on the desk in between."""

from __future__ import annotations

import time

from playwright.async_api import Page, expect
from tests.integration.browser.conftest import Shop, shoot
from tests.integration.browser.test_where_is_the_money_in_browser import paid

from entrypoints.settings import SANDBOX_ADMIN_TOKEN


async def sign_in_vendor(page: Page, shop: Shop) -> None:
    await page.goto("/store/login/")
    await page.get_by_label("Clé API").fill(shop.api_key)
    await page.get_by_role("button", name="Se connecter").click()


async def test_a_vendor_is_paid_out_after_an_operator_approves_the_number(
    clean_db: None, page: Page, shop: Shop
) -> None:
    paid(shop)  # a 5,000 XOF sale
    await sign_in_vendor(page, shop)
    await page.get_by_role("link", name="Solde").click()
    await expect(page.locator("#balances .available")).to_have_text("5 000 FCFA")
    await expect(page.locator("#entries tr[data-type='payment'] .running")).to_have_text(
        "5 000 FCFA"
    )
    await shoot(page, "vendor-balance")

    await page.get_by_role("link", name="Demander un reversement").click()
    await page.get_by_label("Moyen").select_option("sandbox")
    await page.get_by_label("Numéro de téléphone").fill("+2250700000001")
    await page.get_by_label("Nom du titulaire").fill("Awa Koné")
    await page.get_by_role("button", name="Ajouter un numéro").click()
    await expect(page.locator("#payout-done")).to_be_visible()
    await expect(page.locator("#destinations li[data-status='pending']")).to_have_count(1)
    await expect(page.locator("#send-payout")).to_have_count(0)  # not usable yet
    await shoot(page, "vendor-payout-number-waiting")

    operator = await page.context.new_page()
    await operator.goto("/admin/login/")
    await operator.get_by_label("Jeton d'opérateur").fill(SANDBOX_ADMIN_TOKEN)
    await operator.get_by_role("button", name="Se connecter").click()
    await operator.get_by_role("link", name="Reversements").click()
    waiting = operator.locator("#waiting-destinations li")
    await expect(waiting).to_have_count(1)
    await shoot(operator, "desk-payout-number-to-approve")
    await waiting.get_by_role("button", name="Approuver").click()
    await expect(operator.locator("#desk-payout-done")).to_be_visible()
    await expect(operator.locator("#waiting-destinations li")).to_have_count(0)
    await operator.close()

    await page.reload()
    await page.get_by_label("Montant").fill("3000")
    await page.get_by_role("button", name="Envoyer").click()
    await expect(page.locator("#payout-done")).to_be_visible()
    row = page.locator("#payout-history tr[data-payout]")
    await expect(row).to_have_attribute("data-status", "pending")
    payout_id = await row.get_attribute("data-payout")
    deadline = time.monotonic() + 20  # the sandbox pays out about 2 s later
    while shop.api.post(f"/api/v1/payouts/{payout_id}/verify").json()["status"] != "succeeded":
        assert time.monotonic() < deadline, "the sandbox payout did not succeed"
        time.sleep(0.5)
    await page.reload()
    await expect(row).to_have_attribute("data-status", "succeeded")
    await expect(row).to_contain_text("Versé")
    await expect(page.locator(".available")).to_have_text("2 000 FCFA")
    await shoot(page, "vendor-payout-paid")
