"""The hosted pages in Chromium against a real server: the sandbox operator really POSTs its
signed webhooks back, and the status page updates by itself."""

from __future__ import annotations

import re

from playwright.async_api import Page, expect
from tests.integration.browser.conftest import Shop, shoot


async def test_a_customer_pays_on_the_sandbox_page(page: Page, shop: Shop) -> None:
    order = shop.order()
    await page.goto(order["checkout_url"])
    await expect(page.locator("h1")).to_have_text("Paiement")
    await expect(page.locator("#total")).to_have_text("7 500 FCFA")
    await expect(page.get_by_text("Livraison Abidjan")).to_be_visible()
    await shoot(page, "payment-page")

    await page.locator("[data-provider=sandbox]").click()
    await page.get_by_role("button", name="Payer 7 500 FCFA").click()  # no phone: manual page
    await expect(page).to_have_url(re.compile(r"/sandbox/pay/pay_"))
    await shoot(page, "sandbox-page")
    await page.get_by_role("button", name="Approuver / Approve").click()
    await expect(page.locator("#result")).to_have_attribute("data-status", "succeeded")

    await page.locator("#back").click()
    status = page.locator("#payment-status")
    await expect(status).to_have_attribute("data-state", "succeeded")
    await expect(page.locator("h1")).to_have_text("Paiement réussi")
    await expect(status).to_contain_text("7 500 FCFA")
    await shoot(page, "status-succeeded")

    await page.goto(order["checkout_url"])  # the order is paid: no form any more
    await expect(page.locator("#order-paid")).to_be_visible()
    await expect(page.locator("#pay-form")).to_have_count(0)
    await shoot(page, "payment-page-paid")


async def test_a_failed_payment_shows_why_and_offers_another_way(page: Page, shop: Shop) -> None:
    order = shop.order()
    await page.goto(order["checkout_url"] + "&lang=en")
    await page.locator("[data-provider=sandbox]").click()
    await page.get_by_label("Phone number").fill("+225 07 00 00 00 02")
    await page.get_by_role("button", name="Pay 7,500 FCFA").click()

    status = page.locator("#payment-status")
    await expect(status).to_have_attribute("data-state", "waiting")
    await shoot(page, "status-waiting")
    # no reload from the test: the page's own polling brings the failure in
    await expect(status).to_have_attribute("data-state", "failed", timeout=15_000)
    await expect(page.locator("h1")).to_have_text("The payment did not go through")
    await expect(page.locator("#failure-reason")).to_have_text("Insufficient balance.")
    await shoot(page, "status-failed")

    await page.locator("#retry").click()
    await expect(page.locator("#pay-form")).to_be_visible()
    await expect(page.get_by_text("Choose how to pay")).to_be_visible()


async def test_a_vendor_follows_its_payments_and_verifies_one(page: Page, shop: Shop) -> None:
    paid = shop.pay(shop.order(reference="CMD-3001")["id"], "+2250700000001")
    shop.pay(shop.order(reference="CMD-3002")["id"], "+2250700000002")
    pending = shop.pay(shop.order(reference="CMD-3003")["id"], "+2250700000004")

    await page.goto("/store/dashboard/")
    await expect(page).to_have_url(re.compile(r"/store/login/$"))
    await shoot(page, "login")
    await page.get_by_label("Clé API").fill(shop.api_key)
    await page.get_by_role("button", name="Se connecter").click()
    await expect(page).to_have_url(re.compile(r"/store/dashboard/$"))
    await expect(page.locator("h1")).to_contain_text("Tableau de bord")
    for _ in range(30):  # the sandbox settles 01 and 02 about two seconds after they start
        if shop.payment(paid["id"])["status"] == "succeeded":
            break
        await page.wait_for_timeout(300)
    await page.reload()
    await expect(page.locator("#revenue")).to_contain_text("7 500 FCFA")
    await expect(page.locator("#success-rate")).to_contain_text("%")
    await expect(page.locator(f"#recent [data-payment={paid['id']}]")).to_be_visible()
    await expect(page.locator(".chart svg rect.bar")).to_have_count(31)
    await shoot(page, "dashboard")

    await page.get_by_role("link", name="Commandes").click()
    await expect(page.locator(f"[data-order={paid['order_id']}]")).to_contain_text("Payée")
    await page.get_by_label("Statut").select_option("paid")
    await page.get_by_role("button", name="Filtrer").click()
    await expect(page.locator("[data-order]")).to_have_count(1)
    await shoot(page, "orders")

    await page.get_by_role("link", name="Paiements").first.click()
    await expect(page.locator("[data-payment]")).to_have_count(3)
    await shoot(page, "payments")
    await page.locator(f"[data-payment={pending['id']}]").click()
    await expect(page.locator("#payment-state")).to_have_attribute("data-status", "pending")
    history = page.locator("#history li")
    await expect(history).to_have_count(2)
    await expect(history.nth(1)).to_contain_text("payment.pending")
    await expect(history.nth(1).locator(".source")).to_have_text("API")
    await expect(history.nth(1).locator("pre.raw")).to_contain_text("scenario")

    await page.wait_for_timeout(2_500)  # 04 settles without its webhook: only a check finds it
    await page.get_by_role("button", name="Vérifier maintenant").click()
    await expect(page.locator("#verified")).to_be_visible()
    await expect(page.locator("#payment-state")).to_have_attribute("data-status", "succeeded")
    await expect(history).to_have_count(3)
    await expect(history.nth(2).locator(".source")).to_have_text("Vérification")
    await shoot(page, "payment-history")

    await page.get_by_role("button", name="Se déconnecter").click()
    await expect(page).to_have_url(re.compile(r"/store/login/$"))


async def test_another_stores_payment_is_not_found(
    page: Page, shop: Shop, other_shop: Shop
) -> None:
    theirs = other_shop.pay(other_shop.order()["id"], "+2250700000003")
    await page.goto("/store/login/")
    await page.get_by_label("Clé API").fill(shop.api_key)
    await page.get_by_role("button", name="Se connecter").click()
    await expect(page).to_have_url(re.compile(r"/store/dashboard/$"))
    response = await page.goto(f"/payments/{theirs['id']}/")
    assert response is not None and response.status == 404
    await expect(page.locator("h1")).to_have_text("Page introuvable")
    await shoot(page, "not-found")


async def test_a_form_posted_without_its_csrf_token_is_refused(page: Page, shop: Shop) -> None:
    await page.goto("/store/login/")
    await page.get_by_label("Clé API").fill(shop.api_key)
    await page.locator("input[name=_csrf_token]").evaluate("input => input.remove()")
    async with page.expect_response(re.compile(r"/store/login/$")) as answer:
        await page.get_by_role("button", name="Se connecter").click()
    assert (await answer.value).status == 403
    await expect(page.locator("h1")).to_have_text("Action refusée")

    order = shop.order()
    await page.goto(order["checkout_url"])
    await page.locator("[data-provider=sandbox]").click()
    await page.locator("input[name=_csrf_token]").evaluate("input => input.remove()")
    async with page.expect_response(re.compile(r"/payment/$")) as answer:
        await page.get_by_role("button", name="Payer 7 500 FCFA").click()
    assert (await answer.value).status == 403
    assert shop.api.get(f"/api/v1/payments?order_id={order['id']}").json()["data"] == []
