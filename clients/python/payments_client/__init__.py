"""Typed client of the mobile-money payment service.

from payments_client import PaymentsClient

with PaymentsClient(api_key, "http://127.0.0.1:8000") as payments:
    order = payments.orders.create(reference="CMD-1001", amount=5000, currency="XOF")
    print(order.checkout_url)
"""

from payments_client._transport import RetryPolicy
from payments_client.aio import AsyncPaymentsClient
from payments_client.errors import (
    BY_CODE,
    ClientError,
    DatabaseUnavailable,
    IdempotencyKeyInUse,
    IdempotencyKeyReused,
    InternalError,
    InvalidNotification,
    InvalidPhone,
    InvalidSignature,
    InvalidTransition,
    ItemsTotalMismatch,
    MalformedJson,
    NotFound,
    OrderNotPayable,
    PaymentInProgress,
    PaymentsError,
    PhoneRequired,
    ProviderNotAvailable,
    ProviderRejected,
    ProviderUnavailable,
    RateLimited,
    ServerError,
    ServiceUnreachable,
    Unauthorized,
    UnsupportedCurrency,
    ValidationFailed,
)
from payments_client.models import (
    Customer,
    Event,
    Item,
    NewStore,
    NextAction,
    Order,
    Page,
    Payment,
    PaymentEvent,
    Problem,
    Refund,
    RotatedKey,
    Stats,
    Store,
)
from payments_client.notifications import sign_notification, verify_notification
from payments_client.requests import CustomerIn, ItemIn
from payments_client.sync import PaymentsClient

__all__ = [
    "BY_CODE",
    "AsyncPaymentsClient",
    "ClientError",
    "Customer",
    "CustomerIn",
    "DatabaseUnavailable",
    "Event",
    "IdempotencyKeyInUse",
    "IdempotencyKeyReused",
    "InternalError",
    "InvalidNotification",
    "InvalidPhone",
    "InvalidSignature",
    "InvalidTransition",
    "Item",
    "ItemIn",
    "ItemsTotalMismatch",
    "MalformedJson",
    "NewStore",
    "NextAction",
    "NotFound",
    "Order",
    "OrderNotPayable",
    "Page",
    "Payment",
    "PaymentEvent",
    "PaymentInProgress",
    "PaymentsClient",
    "PaymentsError",
    "PhoneRequired",
    "Problem",
    "ProviderNotAvailable",
    "ProviderRejected",
    "ProviderUnavailable",
    "RateLimited",
    "Refund",
    "RetryPolicy",
    "RotatedKey",
    "ServerError",
    "ServiceUnreachable",
    "Stats",
    "Store",
    "Unauthorized",
    "UnsupportedCurrency",
    "ValidationFailed",
    "sign_notification",
    "verify_notification",
]
