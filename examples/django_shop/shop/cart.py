"""The cart, kept in the session: `{product id: quantity}`. One store at a time (a payment
goes to one vendor): adding a product of another store starts a new cart."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from shop.models import Product, Store

KEY = "cart"


@dataclass(frozen=True)
class Line:
    product: Product
    quantity: int

    @property
    def total(self) -> int:
        return self.product.price * self.quantity


@dataclass(frozen=True)
class Cart:
    lines: list[Line]

    @property
    def store(self) -> Store | None:
        return self.lines[0].product.store if self.lines else None

    @property
    def total(self) -> int:
        return sum(line.total for line in self.lines)

    @property
    def count(self) -> int:
        return sum(line.quantity for line in self.lines)


def _raw(request: HttpRequest) -> dict[str, int]:
    raw: dict[str, int] = request.session.get(KEY, {})
    return raw


def read(request: HttpRequest) -> Cart:
    raw = _raw(request)
    products = Product.objects.select_related("store").filter(pk__in=[int(k) for k in raw])
    return Cart([Line(p, raw[str(p.pk)]) for p in products])


def add(request: HttpRequest, product: Product) -> bool:
    """Add one; returns False when the cart held another store's products (now dropped)."""
    raw, same_store = _raw(request), True
    current = read(request).store
    if current is not None and current.pk != product.store_id:
        raw, same_store = {}, False
    raw[str(product.pk)] = raw.get(str(product.pk), 0) + 1
    request.session[KEY] = raw
    return same_store


def remove(request: HttpRequest, product_id: int) -> None:
    raw = _raw(request)
    raw.pop(str(product_id), None)
    request.session[KEY] = raw


def clear(request: HttpRequest) -> None:
    request.session[KEY] = {}


def cart_summary(request: HttpRequest) -> dict[str, Any]:
    """Template context: how many items the cart holds."""
    return {"cart_count": sum(_raw(request).values()) if hasattr(request, "session") else 0}
