"""A vendor refunds a sandbox payment from its history page in Chromium: partly, then all
that is left; the list shows each refund's state in French."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect
from tests.integration.browser.conftest import Shop, shoot


async def test_a_vendor_refunds_partly_then_fully_from_the_payment_page(
    page: Page, shop: Shop
) -> None:
    paid = shop.pay(shop.order(reference="CMD-4001")["id"], "+2250700000001")
    await page.goto("/store/login/")
    await page.get_by_label("Clé API").fill(shop.api_key)
    await page.get_by_role("button", name="Se connecter").click()
    await expect(page).to_have_url(re.compile(r"/store/dashboard/$"))
    for _ in range(30):  # the sandbox settles 01 about two seconds after it starts
        if shop.payment(paid["id"])["status"] == "succeeded":
            break
        await page.wait_for_timeout(300)

    await page.goto(f"/payments/{paid['id']}/")
    refunds = page.locator("#refunds")
    await expect(refunds).to_contain_text("Aucun remboursement pour ce paiement.")
    await page.get_by_label("Montant à rembourser").fill("2500")
    await page.get_by_label("Motif (facultatif)").fill("Taille trop petite")
    form_height = await page.locator("#refund-amount").evaluate("e => e.offsetHeight")
    assert form_height >= 40  # styled as the other fields, not a bare browser input
    await shoot(page, "payment-refund-form")
    await page.get_by_role("button", name="Rembourser").click()
    await expect(page.locator("#refund-created")).to_have_text("Remboursement demandé.")
    first = page.locator("#refund-list li").first
    await expect(first).to_have_attribute("data-status", "pending")
    await expect(first).to_contain_text("2 500 FCFA")
    await expect(refunds).to_contain_text("Reste remboursable : 5 000 FCFA")

    await page.get_by_label("Montant à rembourser").fill("6000")
    await page.get_by_role("button", name="Rembourser").click()
    await expect(page.locator("#refund-error")).to_have_attribute(
        "data-code", "refund_exceeds_payment"
    )

    await page.wait_for_timeout(2_500)  # the sandbox operator confirms about 2 s later
    refund_id = await first.get_attribute("data-refund")
    verified = shop.api.post(f"/api/v1/refunds/{refund_id}/verify")
    assert verified.json()["status"] == "succeeded"
    await page.goto(f"/payments/{paid['id']}/")
    await expect(page.locator(f"[data-refund={refund_id}]")).to_contain_text("Remboursé")
    await expect(page.locator("#amount-refunded")).to_have_text("2 500 FCFA")

    await page.get_by_role("button", name="Rembourser").click()  # empty: all that is left
    await expect(page.locator("#refund-list li")).to_have_count(2)
    await expect(page.locator("#refund-form")).to_have_count(0)
    await expect(page.locator("#amount-refunded")).to_have_text("7 500 FCFA")
    await shoot(page, "payment-refunds")
