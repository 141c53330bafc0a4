"""Debian's Chromium driven by Playwright against the `live_server` process. Never
`playwright install`: the browser is the system's /usr/bin/chromium (`make browser`)."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright

from entrypoints.settings import SANDBOX_ADMIN_TOKEN

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).parents[3] / "test-output" / "screenshots"
PHONE = {"width": 360, "height": 780}
DESKTOP = {"width": 1280, "height": 860}


@pytest.fixture(scope="session")
async def browser() -> AsyncIterator[Browser]:
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: `make browser` installs Debian's package")
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield browser
        await browser.close()


@pytest.fixture
async def context(browser: Browser, live_server: str) -> AsyncIterator[BrowserContext]:
    context = await browser.new_context(viewport=PHONE, base_url=live_server, locale="fr-FR")
    context.set_default_timeout(10_000)
    yield context
    await context.close()


@pytest.fixture
async def page(context: BrowserContext) -> AsyncIterator[Page]:
    """A page that fails its test if the Content-Security-Policy blocked anything on it."""
    page = await context.new_page()
    blocked: list[str] = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    assert blocked == [], f"the Content-Security-Policy blocked: {blocked}"


class Shop:
    """A store on the live server, driven through the JSON API as a storefront would."""

    def __init__(self, base_url: str, name: str) -> None:
        admin = {"Authorization": f"Bearer {SANDBOX_ADMIN_TOKEN}"}
        created = httpx.post(f"{base_url}/api/v1/admin/stores", json={"name": name}, headers=admin)
        created.raise_for_status()
        self.id: str = created.json()["id"]
        self.api_key: str = created.json()["api_key"]
        self.api = httpx.Client(
            base_url=base_url, headers={"Authorization": f"Bearer {self.api_key}"}, timeout=10
        )

    def order(self, **extra: Any) -> dict[str, Any]:
        body = {
            "reference": "CMD-2041",
            "amount": 7500,
            "currency": "XOF",
            "description": "Boubou brodé",
            "items": [
                {"name": "Boubou brodé", "quantity": 1, "unit_amount": 6000},
                {"name": "Livraison Abidjan", "quantity": 1, "unit_amount": 1500},
            ],
            **extra,
        }
        response = self.api.post("/api/v1/orders", json=body)
        response.raise_for_status()
        order: dict[str, Any] = response.json()
        return order

    def pay(self, order_id: str, phone: str) -> dict[str, Any]:
        body = {"provider": "sandbox", "phone": phone}
        response = self.api.post(f"/api/v1/orders/{order_id}/payments", json=body)
        response.raise_for_status()
        payment: dict[str, Any] = response.json()
        return payment

    def payment(self, payment_id: str) -> dict[str, Any]:
        payment: dict[str, Any] = self.api.get(f"/api/v1/payments/{payment_id}").json()
        return payment


@pytest.fixture
def shop(live_server: str) -> Shop:
    return Shop(live_server, "Boutique Awa")


@pytest.fixture
def other_shop(live_server: str) -> Shop:
    return Shop(live_server, "Chez Koffi")


async def shoot(page: Page, name: str) -> None:
    """Full-page screenshots at 360 px and 1280 px wide; at 360 px nothing may scroll
    sideways."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    await page.set_viewport_size(PHONE)
    overflow = await page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name} scrolls sideways by {overflow} px at 360 px"
    await page.screenshot(path=SCREENSHOTS / f"{name}-360.png", full_page=True)
    await page.set_viewport_size(DESKTOP)
    await page.screenshot(path=SCREENSHOTS / f"{name}-1280.png", full_page=True)
    await page.set_viewport_size(PHONE)
