"""A customer buys a product end to end in Debian's Chromium (Playwright, never a downloaded
browser): the shop's cart, the service's hosted page, the sandbox operator's approval, back to
the shop where the order is paid. Screenshots land in test-output/screenshots/shop-*.png."""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import subprocess
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, Playwright, expect, sync_playwright

from shop.models import Order
from shop.tests import service
from shop.tests.service import ServiceTestCase

# Playwright's sync API runs an event loop in this thread; the ORM calls of the test are
# still plain synchronous ones.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Names this run's Chromium processes (Chromium ignores a switch it does not know).
MARK = f"shop-tests-run={uuid.uuid4().hex}"
ARGS = [
    f"--{MARK}",
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = Path(__file__).resolve().parents[4] / "test-output" / "screenshots"
PHONE = {"width": 360, "height": 780}
#: The four operators, simulated (`payments simulate`), and the payer's number when they push.
SIMULATED = [
    ("wave", None),
    ("orange_money", None),
    ("mtn_momo", "+2250701020304"),
    ("moov_money", "+2290195901234"),
]
#: Moov Money has no callback: the service learns the outcome at its first check (15 s).
SETTLED_WITHIN_MS = 60_000
DESKTOP = {"width": 1280, "height": 860}
#: A purchase in the browser takes 5 to 20 s here; past this, the browser stopped answering.
PURCHASE_SECONDS = float(os.environ.get("SHOP_PURCHASE_SECONDS", "120"))


@contextlib.contextmanager
def browser_watchdog(seconds: float) -> Iterator[threading.Event]:
    """This run's Chromium killed when the block lasts more than `seconds` (the event it
    gives is then set). Some of Playwright's calls (a page opened or closed, a viewport set)
    wait for the browser without a timeout: one that stopped answering then fails with an
    error instead of waiting forever. (The one such wait found: a page closed while its
    form's navigation was under way, now waited for; see `_buy_with`.)"""
    fired = threading.Event()

    def kill() -> None:
        fired.set()
        subprocess.run(["pkill", "-9", "-f", MARK], check=False)

    timer = threading.Timer(seconds, kill)
    timer.daemon = True
    timer.start()
    try:
        yield fired
    finally:
        timer.cancel()


def shoot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=SCREENSHOTS / f"shop-{name}-360.png", full_page=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=SCREENSHOTS / f"shop-{name}-1280.png", full_page=True)
    page.set_viewport_size(PHONE)


class BrowserPurchaseTests(ServiceTestCase):
    def test_a_customer_buys_a_product_end_to_end(self) -> None:
        self.assertTrue(Path(CHROMIUM).exists(), "`make browser` installs Debian's chromium")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                page = browser.new_page(viewport=PHONE, locale="fr-FR")
                page.set_default_timeout(15_000)
                self._buy(page)
            finally:
                browser.close()
        order = Order.objects.get()
        self.assertEqual(order.status, "paid")
        with self.api() as api:
            self.assertEqual(api.orders.get(order.payment_order_id).status, "paid")

    def _buy(self, page: Page) -> None:
        page.goto(self.live_server_url + "/login/")
        page.get_by_label("Nom d’utilisateur").fill("fatou")
        page.get_by_label("Mot de passe").fill("client-fatou")
        page.get_by_role("button", name="Se connecter").click()
        expect(page.get_by_role("heading", name="Nos boutiques")).to_be_visible()
        shoot(page, "home")

        page.locator(f"[data-product='{self.product.pk}']").get_by_role(
            "button", name="Ajouter au panier"
        ).click()
        expect(page.locator("#cart-total")).to_have_text("7\u202f500 FCFA")
        shoot(page, "cart")
        page.locator("#checkout").click()

        expect(page).to_have_url(re.compile(r"/order/ord_\w+/payment/\?token="))
        page.locator("[data-provider=sandbox]").click()
        page.get_by_role("button", name="Payer 7 500 FCFA").click()  # no phone: approve by hand
        expect(page).to_have_url(re.compile(r"/sandbox/pay/pay_"))
        page.get_by_role("button", name="Approuver / Approve").click()
        expect(page.locator("#result")).to_have_attribute("data-status", "succeeded")
        page.locator("#back").click()
        expect(page.locator("#payment-status")).to_have_attribute("data-state", "succeeded")
        shoot(page, "service-status")

        page.locator("#return-to-shop").click()
        expect(page).to_have_url(re.compile(r"/commandes/\d+/$"))
        expect(page.locator("#order")).to_have_attribute("data-status", "paid")
        expect(page.locator("#order-status")).to_have_text("Payée")
        shoot(page, "order-paid")

        page.goto(self.live_server_url + "/payments/")
        expect(page.locator("#payments")).to_contain_text("Réussi")
        shoot(page, "payments")


class SimulatedOperatorsTests(ServiceTestCase):
    """The same purchase with each operator's simulator: its payment page (Wave, Orange) or
    its phone prompt (MTN, Moov), then back to the shop, where the order is paid."""

    def test_a_customer_pays_with_each_simulated_operator(self) -> None:
        with sync_playwright() as playwright:
            for provider, phone in SIMULATED:
                with self.subTest(provider=provider):
                    order = self._buy_in_a_browser(playwright, provider, phone)
                    self.assertEqual(Order.objects.get(pk=order).status, "paid")

    def _buy_in_a_browser(self, playwright: Playwright, provider: str, phone: str | None) -> int:
        """The purchase in a browser of its own; when the browser stopped answering and was
        killed (`browser_watchdog`), the purchase is made once more in a new one, and only
        then. The paid order."""
        for attempt in (1, 2):
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                with browser_watchdog(PURCHASE_SECONDS) as killed:
                    context = browser.new_context(viewport=PHONE, locale="fr-FR")
                    page = context.new_page()
                    page.set_default_timeout(15_000)
                    return self._buy_with(page, provider, phone)
            except (PlaywrightError, AssertionError):
                if attempt == 2 or not killed.is_set():
                    raise
            finally:
                with browser_watchdog(30), contextlib.suppress(PlaywrightError):
                    browser.close()
        raise AssertionError("unreachable")

    def _buy_with(self, page: Page, provider: str, phone: str | None) -> int:
        assert service.simulators is not None
        simulators = service.simulators.url
        page.goto(self.live_server_url + "/login/")
        page.get_by_label("Nom d’utilisateur").fill("fatou")
        page.get_by_label("Mot de passe").fill("client-fatou")
        page.get_by_role("button", name="Se connecter").click()
        page.locator(f"[data-product='{self.product.pk}']").get_by_role(
            "button", name="Ajouter au panier"
        ).click()
        page.locator("#checkout").click()
        expect(page).to_have_url(re.compile(r"/order/ord_\w+/payment/\?token="))
        page.locator(f"[data-provider={provider}]").click()
        if phone:
            page.locator("#phone").fill(phone)
        page.get_by_role("button", name="Payer 7 500 FCFA").click()
        if phone:
            # the prompt reaches the simulated phone; the customer approves it there
            expect(page).to_have_url(re.compile(r"/payment/pay_\w+/status/"))
            handset = page.context.new_page()
            operator = "mtn" if provider == "mtn_momo" else "moov"
            handset.goto(f"{simulators}/{operator}/phone")
            shoot(handset, f"{operator}-phone")
            # the phone's form posts and is redirected back: closing the page while that
            # navigation is under way can leave Chromium's close waiting for ever
            with handset.expect_navigation():
                handset.get_by_role("button", name="Confirmer le paiement").first.click()
            handset.close()
        else:
            expect(page).to_have_url(re.compile(re.escape(simulators)))
            shoot(page, f"{provider}-page")
            page.get_by_role("button", name="Confirmer le paiement").click()
        status = page.locator("#payment-status")
        expect(status).to_have_attribute("data-state", "succeeded", timeout=SETTLED_WITHIN_MS)
        page.locator("#return-to-shop").click()
        expect(page.locator("#order")).to_have_attribute("data-status", "paid")
        found = re.search(r"/commandes/(\d+)/", page.url)
        assert found is not None, page.url
        return int(found.group(1))
