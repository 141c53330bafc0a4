"""The shop's pages. Payments go through the payment service's client; the customer's payment
history and the vendor's orders are read from its API."""

from __future__ import annotations

from itertools import islice

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from payments_client import InvalidNotification, PaymentsError, verify_notification
from shop import cart
from shop.checkout import place_order
from shop.models import Order, Product, Store
from shop.payments import client_for, customer_reference
from shop.settlement import handle, sync_from_service

HISTORY_SIZE = 50


def home(request: HttpRequest) -> HttpResponse:
    stores = Store.objects.prefetch_related("products").order_by("name")
    return render(request, "shop/home.html", {"stores": stores})


def store_page(request: HttpRequest, slug: str) -> HttpResponse:
    store = get_object_or_404(Store, slug=slug)
    return render(request, "shop/store.html", {"store": store, "products": store.products.all()})


def cart_page(request: HttpRequest) -> HttpResponse:
    return render(request, "shop/cart.html", {"cart": cart.read(request)})


@require_POST
def add_to_cart(request: HttpRequest, product_id: int) -> HttpResponse:
    product = get_object_or_404(Product, pk=product_id)
    if not cart.add(request, product):
        messages.info(request, "Votre panier ne contient que les articles d'une seule boutique.")
    messages.success(request, f"« {product.name} » est dans votre panier.")
    return redirect("cart")


@require_POST
def remove_from_cart(request: HttpRequest, product_id: int) -> HttpResponse:
    cart.remove(request, product_id)
    return redirect("cart")


@login_required
@require_POST
def checkout(request: HttpRequest) -> HttpResponse:
    current = cart.read(request)
    if not current.lines:
        return redirect("cart")
    try:
        order = place_order(current, request.user)  # type: ignore[arg-type]
    except PaymentsError as error:
        messages.error(request, f"Le paiement n'a pas pu démarrer ({error.code}). Réessayez.")
        return redirect("cart")
    cart.clear(request)
    return redirect(order.checkout_url)


@login_required
def order_page(request: HttpRequest, order_id: int) -> HttpResponse:
    order = get_object_or_404(Order, pk=order_id, customer=request.user)
    remote = None
    if order.payment_order_id:
        try:
            with client_for(order.store) as payments:
                remote = payments.orders.get(order.payment_order_id)
            sync_from_service(order, remote)
        except PaymentsError:
            messages.warning(request, "Le service de paiement ne répond pas pour le moment.")
    return render(request, "shop/order.html", {"order": order, "remote": remote})


@login_required
def my_payments(request: HttpRequest) -> HttpResponse:
    """The customer's payments in every store they ordered from, read from the API by their
    `customer_reference`."""
    reference = customer_reference(request.user.pk)
    rows, unavailable = [], False
    for store in Store.objects.filter(order__customer=request.user).distinct():
        try:
            with client_for(store) as payments:
                found = islice(payments.payments.list(customer_reference=reference), HISTORY_SIZE)
                rows += [(store, payment) for payment in found]
        except PaymentsError:
            unavailable = True
    rows.sort(key=lambda row: row[1].created_at, reverse=True)
    context = {"rows": rows, "unavailable": unavailable}
    return render(request, "shop/payments.html", context)


@login_required
def vendor_orders(request: HttpRequest) -> HttpResponse:
    """The vendor's orders as the payment service has them (status filter `?status=`)."""
    stores = list(Store.objects.filter(owner=request.user))
    if not stores:
        return render(request, "shop/not_vendor.html", status=403)
    status = request.GET.get("status") or None
    rows, unavailable = [], False
    for store in stores:
        try:
            with client_for(store) as payments:
                rows += [(store, o) for o in islice(payments.orders.list(status=status), 100)]
        except PaymentsError:
            unavailable = True
    statuses = [
        ("pending_payment", "En attente"),
        ("paid", "Payée"),
        ("cancelled", "Annulée"),
        ("expired", "Expirée"),
    ]
    context = {
        "rows": rows,
        "status": status or "",
        "unavailable": unavailable,
        "statuses": statuses,
    }
    return render(request, "shop/vendor_orders.html", context)


@csrf_exempt
@require_POST
def notification(request: HttpRequest, slug: str) -> HttpResponse:
    """The payment service's signed notifications for one store: checked, then applied once."""
    store = get_object_or_404(Store, slug=slug)
    try:
        event = verify_notification(request.body, request.headers, store.webhook_secret)
    except InvalidNotification as error:
        return HttpResponseBadRequest(error.code)
    handle(event)
    return HttpResponse(status=204)


def signup(request: HttpRequest) -> HttpResponse:
    form = UserCreationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user)
        return redirect("cart" if cart.read(request).lines else "home")
    return render(request, "shop/signup.html", {"form": form})
