"""The payment service the tests run against (started by `runner.ServiceTestRunner`), and a
test case that registers a store on it."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import User
from django.test import LiveServerTestCase, override_settings
from django.urls import reverse

from entrypoints.local_service import LocalService
from entrypoints.simulators.local import LocalSimulators
from payments_client import PaymentsClient
from shop.models import Order, Product, Store

running: LocalService | None = None
simulators: LocalSimulators | None = None


def the_service() -> LocalService:
    assert running is not None, "run the tests with shop.tests.runner.ServiceTestRunner"
    return running


class ServiceTestCase(LiveServerTestCase):
    """The shop served on a free port (so the service can notify it), one vendor's store
    registered on the service, a product and a customer. The shop listens on 127.0.0.1, the
    service's host, as in `make demo` (their cookies meet)."""

    host = "127.0.0.1"

    def setUp(self) -> None:
        service = the_service()
        self.override = override_settings(SHOP_URL=self.live_server_url)
        self.override.enable()
        self.addCleanup(self.override.disable)
        url = self.live_server_url + reverse("notification", args=["boutique-awa"])
        remote = service.create_store("Boutique Awa", notification_url=url)
        self.vendor = User.objects.create_user("awa", password="vendeur-awa")
        self.store = Store.objects.create(
            name="Boutique Awa", slug="boutique-awa", owner=self.vendor,
            service_store_id=remote["id"], api_key=remote["api_key"],
            webhook_secret=remote["webhook_secret"],
        )  # fmt: skip
        self.product = Product.objects.create(
            store=self.store, name="Boubou brodé", description="Brodé main", price=7500
        )
        self.customer = User.objects.create_user("fatou", password="client-fatou")

    def api(self) -> PaymentsClient:
        """The store's client, as the shop uses it."""
        return PaymentsClient(self.store.api_key, the_service().url)

    def buy(self, user: User | None = None) -> Order:
        """The customer puts the product in the cart and checks out (no payment yet)."""
        self.client.force_login(user or self.customer)
        self.client.post(reverse("add_to_cart", args=[self.product.pk]))
        response = self.client.post(reverse("checkout"))
        order = Order.objects.latest("pk")
        self.assertRedirects(response, order.checkout_url, fetch_redirect_response=False)
        return order


def eventually(check: Callable[[], Any], timeout: float = 30) -> Any:
    """Poll `check` until it returns something truthy (the service's worker runs every 2 s)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.3)
