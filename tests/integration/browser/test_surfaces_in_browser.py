"""A new user in Chromium: `/` leads to the API docs, where "Authorize" takes the store's key
and "Try it out" lists its orders with it."""

from __future__ import annotations

import re

from playwright.async_api import BrowserContext, expect
from tests.integration.browser.conftest import DESKTOP, Shop, shoot


async def test_from_the_root_page_to_an_authorized_call_in_the_docs(
    context: BrowserContext, shop: Shop
) -> None:
    shop.order(reference="CMD-DOCS")
    page = await context.new_page()
    await page.goto("/")
    await expect(page.locator("#mode")).to_have_attribute("data-mode", "sandbox")
    await shoot(page, "home")
    await page.set_viewport_size(DESKTOP)
    await page.locator("#to-docs").click()
    await expect(page.locator(".swagger-ui .info .title")).to_contain_text(
        "Payments", timeout=30_000
    )
    await page.get_by_role("button", name=re.compile("Authorize")).first.click()
    dialog = page.locator(".modal-ux")
    await dialog.wait_for()
    key_form = dialog.locator("form", has_text="storeKey")
    await key_form.locator("input").fill(shop.api_key)
    await key_form.locator("button[type=submit]").click()
    await dialog.get_by_role("button", name="Close").first.click()
    operation = page.locator(".opblock-get").filter(
        has=page.locator(".opblock-summary-path", has_text=re.compile(r"^/api/v1/orders$"))
    )
    await operation.locator(".opblock-summary").click()
    await operation.get_by_role("button", name="Try it out").click()
    await operation.get_by_role("button", name="Execute").click()
    answer = operation.locator(".responses-table .response .response-col_status").first
    await expect(answer).to_have_text("200", timeout=15_000)
    await expect(operation.locator(".responses-wrapper")).to_contain_text("CMD-DOCS")
    await page.screenshot(path="test-output/screenshots/docs-authorized-1280.png")
