"""Checkout through the client, the signed notifications, and the pages read from the API,
against a real payment service process."""

from __future__ import annotations

import json
import time

from django.contrib.auth.models import User
from django.urls import reverse

from payments_client.notifications import sign_notification
from shop.models import Notification, Order
from shop.tests.service import ServiceTestCase, eventually

SUCCEEDS = "+2250700000001"  # the sandbox approves it after about 2 s and calls back
PENDING = "+2250700000003"


class CheckoutTests(ServiceTestCase):
    def test_checkout_creates_the_order_on_the_service_and_sends_the_customer_there(self) -> None:
        order = self.buy()
        self.assertTrue(order.payment_order_id.startswith("ord_"))
        self.assertIn("/order/" + order.payment_order_id + "/payment/?token=", order.checkout_url)
        with self.api() as api:
            remote = api.orders.get(order.payment_order_id)
        self.assertEqual(
            (remote.amount, remote.currency, remote.reference), (7500, "XOF", order.reference)
        )
        self.assertEqual(remote.customer_reference, f"customer-{self.customer.pk}")

    def test_an_order_in_xaf_is_a_cameroonian_order_on_the_service(self) -> None:
        self.product.currency = "XAF"
        self.product.save(update_fields=["currency"])
        order = self.buy()
        with self.api() as api:
            remote = api.orders.get(order.payment_order_id)
        self.assertEqual((remote.currency, remote.country), ("XAF", "CM"))
        self.assertEqual(remote.return_url, self.live_server_url + f"/commandes/{order.pk}/")
        self.assertEqual([(i.name, i.quantity, i.unit_amount) for i in remote.items],
                         [("Boubou brodé", 1, 7500)])  # fmt: skip
        self.assertEqual(self.client.get(reverse("cart")).context["cart"].lines, [])

    def test_a_notification_marks_the_order_paid_and_a_second_delivery_changes_nothing(
        self,
    ) -> None:
        order = self.buy()
        with self.api() as api:
            api.payments.create(order.payment_order_id, provider="sandbox", phone=SUCCEEDS)
            paid = eventually(lambda: Order.objects.filter(pk=order.pk, status="paid").first())
            self.assertIsNotNone(paid, "the service's order.paid notification never arrived")
            event = next(e for e in api.events.list() if e.type == "order.paid")
            api.events.redeliver(event.id)
            redelivered = eventually(
                lambda: (
                    next(e for e in api.events.list() if e.id == event.id).delivery.attempts >= 2
                )  # type: ignore[union-attr]
            )
        self.assertTrue(redelivered)
        again = Order.objects.get(pk=order.pk)
        self.assertEqual((again.status, again.paid_at), ("paid", paid.paid_at))
        self.assertEqual(Notification.objects.filter(event_id=event.id).count(), 1)

    def test_forged_or_stale_notifications_are_refused(self) -> None:
        order = self.buy()
        body = json.dumps({
            "id": "evt_forged", "type": "order.paid", "created_at": "2026-01-01T00:00:00Z",
            "data": {"object": {
                "object": "order", "id": order.payment_order_id, "store_id": "str_x",
                "reference": order.reference, "status": "paid", "amount": 7500,
                "currency": "XOF", "created_at": "2026-01-01T00:00:00Z",
                "updated_at": "2026-01-01T00:00:00Z",
            }},
        }).encode()  # fmt: skip
        url = reverse("notification", args=["boutique-awa"])
        for signature in (
            sign_notification(body, "whsec_someone_else"),
            sign_notification(body, self.store.webhook_secret, int(time.time()) - 3600),
            "",
        ):
            response = self.client.post(
                url, body, content_type="application/json",
                headers={"Payments-Signature": signature},
            )  # fmt: skip
            self.assertEqual(response.status_code, 400)
        self.assertEqual(Order.objects.get(pk=order.pk).status, "pending")
        genuine = sign_notification(body, self.store.webhook_secret)
        for _ in range(2):
            response = self.client.post(
                url, body, content_type="application/json",
                headers={"Payments-Signature": genuine},
            )  # fmt: skip
            self.assertEqual(response.status_code, 204)
        self.assertEqual(Order.objects.get(pk=order.pk).status, "paid")
        self.assertEqual(Notification.objects.count(), 1)


class HistoryTests(ServiceTestCase):
    def test_the_customer_sees_their_own_payments_read_from_the_api(self) -> None:
        mine = self.buy()
        other = User.objects.create_user("koffi", password="client-koffi")
        theirs = self.buy(other)
        with self.api() as api:
            payment = api.payments.create(mine.payment_order_id, provider="sandbox", phone=PENDING)
            foreign = api.payments.create(
                theirs.payment_order_id, provider="sandbox", phone=PENDING
            )
        self.client.force_login(self.customer)
        page = self.client.get(reverse("my_payments"))
        self.assertContains(page, f'data-payment="{payment.id}"')
        self.assertNotContains(page, foreign.id)
        self.assertContains(page, "7\u202f500 FCFA")

    def test_the_vendor_sees_the_store_orders_read_from_the_api(self) -> None:
        order = self.buy()
        self.client.force_login(self.vendor)
        page = self.client.get(reverse("vendor_orders"))
        self.assertContains(page, f'data-order="{order.payment_order_id}"')
        self.assertContains(page, f"customer-{self.customer.pk}")
        paid_only = self.client.get(reverse("vendor_orders") + "?status=paid")
        self.assertNotContains(paid_only, order.payment_order_id)
        self.client.force_login(self.customer)
        self.assertEqual(self.client.get(reverse("vendor_orders")).status_code, 403)

    def test_the_order_page_asks_the_service(self) -> None:
        order = self.buy()
        page = self.client.get(reverse("order", args=[order.pk]))
        self.assertContains(page, 'data-status="pending"')
        self.assertContains(page, order.checkout_url.replace("&", "&amp;"))
        stranger = User.objects.create_user("moussa", password="client-moussa")
        self.client.force_login(stranger)
        self.assertEqual(self.client.get(reverse("order", args=[order.pk])).status_code, 404)
