"""The shop is code people copy: a forged notification with a header the client cannot read
gives nothing away and changes nothing; the settings are safe by default (no debug page, no
shared secret key, https-only cookies and HSTS when served over https)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from django.contrib.auth.models import User
from django.test import Client, TestCase, override_settings
from django.urls import reverse

from payments_client.notifications import sign_notification
from shop.models import Notification, Order, Store

SHOP = Path(__file__).resolve().parents[2]
SECRET = "whsec_the_store_secret_nobody_may_see_0123456789"


def _forged_paid(order: Order) -> bytes:
    return json.dumps({
        "id": "evt_forged", "type": "order.paid", "created_at": "2026-01-01T00:00:00Z",
        "data": {"object": {
            "object": "order", "id": order.payment_order_id, "store_id": "str_x",
            "reference": order.reference, "status": "paid", "amount": 7500,
            "currency": "XOF", "created_at": "2026-01-01T00:00:00Z",
            "updated_at": "2026-01-01T00:00:00Z",
        }},
    }).encode()  # fmt: skip


class ForgedNotificationTests(TestCase):
    def setUp(self) -> None:
        vendor = User.objects.create_user("awa", password="vendeur-awa")
        customer = User.objects.create_user("fatou", password="client-fatou")
        self.store = Store.objects.create(
            name="Boutique Awa", slug="boutique-awa", owner=vendor, api_key="sk_x",
            webhook_secret=SECRET,
        )  # fmt: skip
        self.order = Order.objects.create(
            customer=customer, store=self.store, amount=7500, payment_order_id="ord_1"
        )
        self.url = reverse("notification", args=["boutique-awa"])

    # Even with DEBUG on (the old default), the unreadable header is a 400, not a crash whose
    # debug page shows the frame holding the store's secret.
    @override_settings(DEBUG=True)
    def test_a_non_ascii_signature_header_leaks_nothing_and_changes_nothing(self) -> None:
        body = _forged_paid(self.order)
        client = Client(raise_request_exception=False)
        for header in (f"t={int(time.time())},v1=é" + "0" * 63, "t=²,v1=" + "0" * 64):
            response = client.post(
                self.url, body, content_type="application/json",
                headers={"Payments-Signature": header},
            )  # fmt: skip
            self.assertEqual(response.status_code, 400)
            self.assertNotIn(SECRET.encode(), response.content)
        self.assertEqual(Order.objects.get(pk=self.order.pk).status, Order.PENDING)
        self.assertEqual(Notification.objects.count(), 0)

    def test_a_forged_order_paid_changes_nothing_and_a_genuine_one_still_pays(self) -> None:
        body = _forged_paid(self.order)
        forged = sign_notification(body, "whsec_a_guess")
        response = self.client.post(
            self.url, body, content_type="application/json",
            headers={"Payments-Signature": forged},
        )  # fmt: skip
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Order.objects.get(pk=self.order.pk).status, Order.PENDING)
        genuine = sign_notification(body, SECRET)
        response = self.client.post(
            self.url, body, content_type="application/json",
            headers={"Payments-Signature": genuine},
        )  # fmt: skip
        self.assertEqual(response.status_code, 204)
        self.assertEqual(Order.objects.get(pk=self.order.pk).status, Order.PAID)


# The settings are read once per process: each case imports them in a fresh one.
PROBE = """
import django
from django.conf import settings
django.setup()
from django.test import Client
answer = Client().get("/nowhere/", secure=True, HTTP_HOST="shop.example.com")
print(settings.DEBUG, settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE,
      answer.headers.get("Strict-Transport-Security"))
"""


def _settings_in_a_fresh_process(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SHOP_")}
    return subprocess.run(
        [sys.executable, "-c", PROBE], cwd=SHOP, capture_output=True, text=True, check=False,
        env={**clean, "DJANGO_SETTINGS_MODULE": "shop_site.settings", **env},
    )  # fmt: skip


class SettingsTests(TestCase):
    KEY = "k" * 8 + "0123456789abcdefghijklmnopqrstuvwxyz"

    def test_debug_is_off_unless_asked_for(self) -> None:
        default = _settings_in_a_fresh_process(SHOP_SECRET_KEY=self.KEY)
        self.assertEqual(default.stdout.split()[0], "False", default.stderr)
        asked = _settings_in_a_fresh_process(SHOP_SECRET_KEY=self.KEY, SHOP_DEBUG="true")
        self.assertEqual(asked.stdout.split()[0], "True", asked.stderr)

    def test_no_secret_key_no_shop_and_the_error_says_how_to_make_one(self) -> None:
        for env in ({}, {"SHOP_SECRET_KEY": "short"}):
            refused = _settings_in_a_fresh_process(**env)
            self.assertNotEqual(refused.returncode, 0)
            self.assertIn("SHOP_SECRET_KEY", refused.stderr)
            self.assertIn("secrets.token_urlsafe(32)", refused.stderr)

    def test_over_https_cookies_are_secure_and_hsts_is_sent(self) -> None:
        https = _settings_in_a_fresh_process(
            SHOP_SECRET_KEY=self.KEY, SHOP_URL="https://shop.example.com"
        )
        debug, session, csrf, hsts = https.stdout.split(maxsplit=3)
        self.assertEqual((debug, session, csrf), ("False", "True", "True"), https.stderr)
        self.assertIn("max-age=31536000", hsts)
        plain = _settings_in_a_fresh_process(SHOP_SECRET_KEY=self.KEY)
        self.assertEqual(plain.stdout.split()[1:], ["False", "False", "None"], plain.stderr)
