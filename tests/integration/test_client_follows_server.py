"""The typed client (clients/python) follows the service: every problem code the service can
answer has its exception class in the client, and the client knows no code the service never
answers; every API route of docs/api.md has its client call.

When this fails after adding a problem code, add a class to
clients/python/payments_client/errors.py (and to `_CLASSES`); after adding a route, add its
call to clients/python/payments_client/sync.py and aio.py (and to `CLIENT_ROUTES` below)."""

from __future__ import annotations

from tests.integration.test_api_doc import defined_codes, documented_routes

from payments_client import aio, sync
from payments_client.errors import BY_CODE, ClientError, ServerError


def test_every_code_of_the_service_has_its_class_and_no_other() -> None:
    server, client = defined_codes(), set(BY_CODE)
    assert sorted(server - client) == [], "codes the client has no class for"
    assert sorted(client - server) == [], "codes the service never answers"


def test_each_class_is_a_client_or_server_error_like_its_status() -> None:
    for code, kind in BY_CODE.items():
        assert issubclass(kind, ClientError | ServerError), code
        assert kind.code == code


#: (method, path of docs/api.md) -> the client's call, as "<resource>.<method>".
CLIENT_ROUTES = {
    ("POST", "/api/v1/orders"): "orders.create",
    ("GET", "/api/v1/orders"): "orders.list",
    ("GET", "/api/v1/orders/{order_id}"): "orders.get",
    ("POST", "/api/v1/orders/{order_id}/cancel"): "orders.cancel",
    ("POST", "/api/v1/orders/{order_id}/payments"): "payments.create",
    ("GET", "/api/v1/payments"): "payments.list",
    ("GET", "/api/v1/payments/{payment_id}"): "payments.get",
    ("GET", "/api/v1/payments/{payment_id}/events"): "payments.events",
    ("POST", "/api/v1/payments/{payment_id}/verify"): "payments.verify",
    ("POST", "/api/v1/payments/{payment_id}/refunds"): "refunds.create",
    ("GET", "/api/v1/payments/{payment_id}/refunds"): "refunds.for_payment",
    ("GET", "/api/v1/refunds"): "refunds.list",
    ("GET", "/api/v1/refunds/{refund_id}"): "refunds.get",
    ("GET", "/api/v1/refunds/{refund_id}/events"): "refunds.events",
    ("POST", "/api/v1/refunds/{refund_id}/verify"): "refunds.verify",
    ("GET", "/api/v1/events"): "events.list",
    ("POST", "/api/v1/events/{event_id}/redeliver"): "events.redeliver",
    ("GET", "/api/v1/stats"): "stats.get",
    ("GET", "/api/v1/providers"): "providers.list",
    ("POST", "/api/v1/admin/stores"): "stores.create",
    ("GET", "/api/v1/admin/stores"): "stores.list",
    ("GET", "/api/v1/admin/stores/{store_id}"): "stores.get",
    ("POST", "/api/v1/admin/stores/{store_id}/rotate-key"): "stores.rotate_key",
}


def test_every_documented_route_of_the_store_and_its_admin_has_its_call() -> None:
    for module in (sync, aio):
        for route, call in CLIENT_ROUTES.items():
            resource, method = call.split(".")
            kind = getattr(module, resource.capitalize())
            assert callable(getattr(kind, method, None)), (module.__name__, route, call)
    documented = documented_routes()
    assert set(CLIENT_ROUTES) <= documented, sorted(set(CLIENT_ROUTES) - documented)
    store_routes = {
        route
        for route in documented
        if route[1].startswith("/api/v1/")
        and not route[1].startswith(("/api/v1/admin/", "/api/v1/balance", "/api/v1/payout"))
    }
    assert sorted(store_routes - set(CLIENT_ROUTES)) == [], "store routes the client lacks"
