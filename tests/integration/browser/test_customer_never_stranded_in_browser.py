"""A customer in Chromium at 360 px against a service whose four providers are the operators'
simulators: the phone field follows the provider (Moov Money here is Benin's, +229), a number
of another country is refused before anything is sent, and a refusal on Wave's page ends on
our status page, which offers another way out; choosing it expires the Wave session."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from playwright.async_api import Browser, BrowserContext, Page, expect
from tests.integration.browser.conftest import PHONE, shoot
from tests.integration.reliability.conftest import Api, store_api
from tests.integration.simulators.conftest import Simulators, simulators_and_service

__all__ = ["simulators_and_service"]  # the module-scoped fixture, used here


@pytest.fixture
def api(simulators_and_service: tuple[Simulators, str]) -> AsyncIterator[Api]:
    api = store_api(simulators_and_service[1])
    yield api  # type: ignore[misc]
    api.http.close()


@pytest.fixture
async def customer(
    browser: Browser, simulators_and_service: tuple[Simulators, str]
) -> AsyncIterator[Page]:
    context: BrowserContext = await browser.new_context(
        viewport=PHONE, base_url=simulators_and_service[1], locale="fr-FR"
    )
    context.set_default_timeout(15_000)
    page = await context.new_page()
    yield page
    await context.close()


def checkout_url(api: Api, amount: int, reference: str) -> str:
    body = {"reference": reference, "amount": amount, "currency": "XOF"}
    order = api.http.post("/api/v1/orders", json={**body, "return_url": "https://shop.example/"})
    assert order.status_code == 201, order.text
    return str(order.json()["checkout_url"])


async def test_the_phone_field_follows_the_provider_and_refuses_another_country(
    customer: Page, api: Api
) -> None:
    page = customer
    await page.goto(checkout_url(api, 5300, "CMD-PHONE"))
    await expect(page.locator("[data-provider=orange_money] .note")).to_have_text(
        "Vous serez redirigé vers la page d'Orange Money."
    )
    await page.locator("[data-provider=moov_money]").click()
    await expect(page.locator("#phone-prefix")).to_have_text("+229")
    await expect(page.locator("#phone-hint")).to_contain_text("+229")
    await page.locator("[data-provider=mtn_momo]").click()
    await expect(page.locator("#phone-prefix")).to_have_text("+225")
    await page.get_by_label("Numéro de téléphone").fill("+229 01 95 90 12 34")
    await expect(page.locator("#phone-error")).to_contain_text("Côte d'Ivoire (+225)")
    await shoot(page, "checkout-wrong-country")
    await page.get_by_role("button", name=re.compile("Payer")).click()
    await expect(page.locator("#pay-form")).to_be_visible()  # nothing was sent
    assert api.http.get("/api/v1/payments").json()["data"] == []


async def test_a_refusal_on_wave_ends_on_our_page_which_offers_another_way(
    customer: Page, api: Api
) -> None:
    page = customer
    await page.goto(checkout_url(api, 5400, "CMD-WAVE-REFUS"))
    await page.locator("[data-provider=wave]").click()
    await page.get_by_role("button", name=re.compile("Payer")).click()
    await expect(page.get_by_text("Payer avec Wave")).to_be_visible()
    await page.get_by_role("button", name="Refuser").click()
    status = page.locator("#payment-status")
    await expect(status).to_have_attribute("data-state", "waiting")  # Wave's session lives on
    ways_out = page.locator("#ways-out")
    await expect(ways_out).to_be_visible(timeout=30_000)  # after a short while
    await expect(page.locator("#back-to-shop")).to_have_attribute("href", "https://shop.example/")
    await shoot(page, "status-waiting-ways-out")
    await page.locator("#another-way").click()
    await expect(page.locator("#pay-form")).to_be_visible()
    await expect(page.locator("#in-progress")).to_have_count(0)
    [payment] = [
        p for p in api.http.get("/api/v1/payments").json()["data"] if p["provider"] == "wave"
    ]
    assert (payment["status"], payment["failure_code"]) == ("failed", "expired")
