"""Checkout: the shop's order, then the service's order through the client, then the
customer goes to the service's hosted payment page (`checkout_url`)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.urls import reverse

from payments_client import ItemIn
from shop.cart import Cart, Line
from shop.models import Order, OrderLine
from shop.payments import client_for, customer_reference

#: The country of the orders in a currency sold in one country only: the service then uses its
#: providers' accounts there (XOF is shared by several countries: the payer's number decides).
COUNTRY_OF = {"XAF": "CM"}


def _item(line: Line) -> ItemIn:
    return ItemIn(name=line.product.name, quantity=line.quantity, unit_amount=line.product.price)


def place_order(cart: Cart, customer: AbstractBaseUser) -> Order:
    """Rules: the amount is the cart's total, in the products' currency; the service's order
    carries the customer's reference (their payment history is read by it) and the page of
    this order as its return URL; the Idempotency-Key is the shop order's own, so a retried
    checkout never makes two orders on the service."""
    store = cart.store
    assert store is not None, "an empty cart cannot be ordered"
    with transaction.atomic():
        order = Order.objects.create(
            customer=customer,
            store=store,
            amount=cart.total,
            currency=cart.lines[0].product.currency,
        )
        OrderLine.objects.bulk_create(
            OrderLine(order=order, product=line.product, name=line.product.name,
                      quantity=line.quantity, unit_amount=line.product.price)
            for line in cart.lines
        )  # fmt: skip
    country = COUNTRY_OF.get(order.currency)
    with client_for(store) as payments:
        remote = payments.orders.create(
            **({"country": country} if country else {}),
            reference=order.reference,
            amount=order.amount,
            currency=order.currency,
            description=", ".join(line.product.name for line in cart.lines)[:2000],
            items=[_item(line) for line in cart.lines],
            customer_reference=customer_reference(customer.pk),
            return_url=settings.SHOP_URL + reverse("order", args=[order.pk]),
            idempotency_key=f"shop-order-{order.pk}",
        )
    order.payment_order_id = remote.id
    order.checkout_url = remote.checkout_url or ""
    order.save(update_fields=["payment_order_id", "checkout_url"])
    return order
