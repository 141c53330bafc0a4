"""`python manage.py seed_demo`: vendors' stores with products in two countries (Côte
d'Ivoire in XOF, Cameroon in XAF), a "Rayon des tests" whose products reach each scenario of
the operators' simulators, registered on the payment service (admin token), and a customer
account. Safe to run again: what exists is kept, and a
store the service no longer knows (or knows with another notification URL) is registered
anew."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.urls import reverse

from payments_client import PaymentsClient
from shop.models import Product, Store

_SCENARIO = "Seul dans le panier, son montant choisit le scénario de l'opérateur simulé : "

CATALOGUE = {
    ("boutique-awa", "Boutique Awa", "awa"): [
        ("Pagne wax", "6 yards, coton imprimé", 5000),
        ("Boubou brodé", "Brodé main, taille unique", 15000),
        ("Foulard bazin", "Bazin riche teint", 3500),
    ],
    ("chez-koffi", "Chez Koffi", "koffi"): [
        ("Café Toraja", "Sachet de 250 g", 2500),
        ("Attiéké", "Sachet de 1 kg", 1000),
        ("Beurre de karité", "Pot de 200 g", 2000),
    ],
    ("marche-douala", "Marché de Douala", "mbarga"): [
        ("Poivre de Penja", "Sachet de 100 g, Cameroun", 3000),
        ("Café de l'Ouest", "Arabica, 250 g", 4500),
        ("Tissu ndop", "Coton teint, 2 m", 12000),
    ],
    # One product per scenario of the operators' simulators, which decide by the last two
    # digits of the amount (alone in the cart, its price is the amount):
    ("rayon-des-tests", "Rayon des tests", "awa"): [
        ("Test · réussi (…01)", _SCENARIO + "réussit après deux secondes.", 1001),
        ("Test · solde insuffisant (…02)", _SCENARIO + "échoue : solde insuffisant.", 1002),
        ("Test · jamais confirmé (…03)", _SCENARIO + "ne se termine jamais (expire).", 1003),
        ("Test · notification perdue (…04)", _SCENARIO + "réussit sans notification.", 1004),
        ("Test · notification en double (…05)", _SCENARIO + "notifie deux fois.", 1005),
        ("Test · opérateur lent (…06)", _SCENARIO + "l'opérateur répond tard.", 1006),
        ("Test · opérateur indisponible (…07)", _SCENARIO + "l'opérateur refuse (503).", 1007),
        ("Test · vous décidez (…00)", _SCENARIO + "vous choisissez sur sa page.", 1000),
    ],
}
#: The currency of each store's products (the others sell in XOF).
CURRENCIES = {"marche-douala": "XAF"}
VENDOR_PASSWORD = "demo-vendeur"  # noqa: S105 - the demo's published accounts
CUSTOMER = ("fatou", "demo-client")


class Command(BaseCommand):
    help = "Load the demo's stores, products and accounts (registering stores on the service)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--admin-token", default="sandbox-admin-token")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        with PaymentsClient(options["admin_token"], settings.PAYMENTS_URL) as admin:
            known = {s.id: s for s in admin.stores.list()}
            for (slug, name, vendor), products in CATALOGUE.items():
                owner = _user(vendor, VENDOR_PASSWORD)
                store, _ = Store.objects.get_or_create(slug=slug, defaults={"name": name})
                store.owner = owner
                url = settings.SHOP_URL + reverse("notification", args=[slug])
                remote = known.get(store.service_store_id)
                if remote is None or remote.notification_url != url:
                    created = admin.stores.create(name=name, notification_url=url)
                    store.service_store_id = created.id
                    store.api_key, store.webhook_secret = created.api_key, created.webhook_secret
                store.save()
                currency = CURRENCIES.get(slug, "XOF")
                for title, description, price in products:
                    Product.objects.get_or_create(
                        store=store, name=title,
                        defaults={"description": description, "price": price,
                                  "currency": currency},
                    )  # fmt: skip
        _user(*CUSTOMER)
        self.stdout.write("demo data loaded")


def _user(username: str, password: str) -> User:
    user, created = User.objects.get_or_create(username=username)
    if created:
        user.set_password(password)
        user.save()
    return user
