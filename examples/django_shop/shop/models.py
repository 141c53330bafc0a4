"""The marketplace's own tables: vendors' stores and products, customers' orders. Money is an
integer in the currency's minor unit (XOF has none), as in the payment service."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Store(models.Model):
    """A vendor's store. Each one is a store of the payment service, with its own API key
    and the secret that signs its notifications."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    service_store_id = models.CharField(max_length=64, blank=True)
    api_key = models.CharField(max_length=200)
    webhook_secret = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    store = models.ForeignKey(Store, related_name="products", on_delete=models.CASCADE)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    price = models.PositiveIntegerField(help_text="in the currency's minor unit")
    currency = models.CharField(max_length=3, default="XOF")

    def __str__(self) -> str:
        return self.name


class Order(models.Model):
    """A customer's order in one store, mirrored by an order of the payment service."""

    PENDING, PAID = "pending", "paid"
    STATUSES = [(PENDING, "En attente de paiement"), (PAID, "Payée")]

    customer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    store = models.ForeignKey(Store, on_delete=models.PROTECT)
    amount = models.PositiveIntegerField()
    currency = models.CharField(max_length=3, default="XOF")
    status = models.CharField(max_length=20, choices=STATUSES, default=PENDING)
    payment_order_id = models.CharField(max_length=64, unique=True, null=True, blank=True)
    checkout_url = models.URLField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def reference(self) -> str:
        return f"CMD-{self.pk:05d}"

    def __str__(self) -> str:
        return self.reference


class OrderLine(models.Model):
    order = models.ForeignKey(Order, related_name="lines", on_delete=models.CASCADE)
    product = models.ForeignKey(Product, null=True, on_delete=models.SET_NULL)
    name = models.CharField(max_length=200)
    quantity = models.PositiveIntegerField()
    unit_amount = models.PositiveIntegerField()

    @property
    def total(self) -> int:
        return self.quantity * self.unit_amount


class Notification(models.Model):
    """Each notification of the payment service handled once: a second delivery of the same
    event id changes nothing."""

    event_id = models.CharField(max_length=64, primary_key=True)
    type = models.CharField(max_length=64)
    received_at = models.DateTimeField(auto_now_add=True)
