"""Errors raised by the client: one class per problem `code` of the service, all under
`PaymentsError`, which carries the HTTP status, the code, the detail and the request id
(quote it to the service's operators: every log line of that request carries it).

An answer whose code this version does not know raises the class of its status
(`ClientError` for 4xx, `ServerError` for 5xx), so a new code never goes unnoticed."""

from __future__ import annotations

import msgspec

from payments_client.models import FieldError, Payment, Problem


class PaymentsError(Exception):
    """Base of every error of the client."""

    code = "error"

    def __init__(
        self,
        detail: str,
        *,
        status: int | None = None,
        code: str | None = None,
        request_id: str | None = None,
        problem: Problem | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status
        self.code = code or type(self).code
        self.request_id = request_id
        self.problem = problem

    @property
    def errors(self) -> list[FieldError]:
        """The fields at fault (`validation_failed`)."""
        return list(self.problem.errors) if self.problem else []

    def __str__(self) -> str:
        where = f" (request {self.request_id})" if self.request_id else ""
        return f"{self.status or ''} {self.code}: {self.detail}{where}".strip()


class ClientError(PaymentsError):
    """A 4xx answer: the request must change before it can succeed."""

    code = "bad_request"


class ServerError(PaymentsError):
    """A 5xx answer that stayed so after the retries."""

    code = "internal_error"


class ServiceUnreachable(PaymentsError):
    """No answer at all (connection refused, timeout) after the retries. For a creating call
    the outcome is unknown: call again with the same `idempotency_key` to learn it, never
    with a new one."""

    code = "service_unreachable"

    def __init__(self, detail: str, *, idempotency_key: str | None = None) -> None:
        super().__init__(detail)
        self.idempotency_key = idempotency_key


class NotSettled(PaymentsError):
    """`wait_until_settled` gave up: the payment was still open after `timeout` seconds.
    `payment` is how it was last seen."""

    code = "not_settled"

    def __init__(self, payment: Payment, timeout: float) -> None:
        super().__init__(f"payment {payment.id} is still {payment.status} after {timeout:g} s")
        self.payment = payment


class InvalidNotification(PaymentsError):
    """`verify_notification` refused a delivery; `code` says why (`missing_signature`,
    `malformed_signature`, `signature_mismatch`, `timestamp_out_of_tolerance`,
    `malformed_body`). Answer it with a 4xx and change nothing."""

    code = "invalid_notification"


class ValidationFailed(ClientError):
    """422 `validation_failed`: see `errors` for the fields at fault."""

    code = "validation_failed"


class InvalidJson(ClientError):
    """400: the body is not UTF-8 JSON holding an object."""

    code = "invalid_json"


#: The former name of `InvalidJson` (the service never answered `malformed_json`).
MalformedJson = InvalidJson


class Unauthorized(ClientError):
    """401: the API key (or admin token) is missing, wrong or revoked."""

    code = "unauthorized"


class NotFound(ClientError):
    """404: no such object for this store (another store's ids answer this too)."""

    code = "not_found"


class InvalidTransition(ClientError):
    """409: not allowed in the object's current state (cancelling a paid order...)."""

    code = "invalid_transition"


class OrderNotPayable(ClientError):
    """409: the order is paid, cancelled or expired."""

    code = "order_not_payable"


class PaymentInProgress(ClientError):
    """409: a payment of this order is still in flight; follow it instead."""

    code = "payment_in_progress"


class UnsupportedCurrency(ClientError):
    code = "unsupported_currency"


class ItemsTotalMismatch(ClientError):
    """422: the items do not add up to the order's amount."""

    code = "items_total_mismatch"


class InvalidPhone(ClientError):
    """422: the phone number is not valid for the order's country."""

    code = "invalid_phone"


class PhoneRequired(ClientError):
    """422: this provider pushes the request to a phone, so `phone` is required."""

    code = "phone_required"


class ProviderNotAvailable(ClientError):
    """422: this provider is not configured on the service."""

    code = "provider_not_available"


class ProviderRejected(ClientError):
    """422: the provider refused the request."""

    code = "provider_rejected"


class IdempotencyKeyReused(ClientError):
    """422: this Idempotency-Key was used with another request."""

    code = "idempotency_key_reused"


class IdempotencyKeyInUse(ClientError):
    """409: the first request with this key is still running (retried by the client)."""

    code = "idempotency_key_in_use"


class RateLimited(ClientError):
    """429 that stayed so after the retries."""

    code = "rate_limited"


class InvalidSignature(ClientError):
    code = "invalid_signature"


class ProviderUnavailable(ServerError):
    """503: the provider did not answer."""

    code = "provider_unavailable"


class DatabaseUnavailable(ServerError):
    code = "database_unavailable"


class InternalError(ServerError):
    code = "internal_error"


# -- every other code the service answers (tests/integration/test_client_follows_server.py
# compares this table with the service's codes, both ways) ---------------------------------


class AlreadyResolved(ClientError):
    """409: Another operator resolved the queue item first."""

    code = "already_resolved"


class ConcurrentChange(ClientError):
    """409: The object changed while the request was handled (another request won the race);
    nothing was written: read it again and decide again."""

    code = "concurrent_change"


class CurrencyMismatch(ClientError):
    """422: Two amounts in different currencies were combined; nothing was written."""

    code = "currency_mismatch"


class CurrencyNotAccepted(ClientError):
    """422: The provider's account for the payment's country takes another currency than the
    order's ("MTN MoMo takes XAF in Cameroon"); nothing is sent."""

    code = "currency_not_accepted"


class DestinationNotActive(ClientError):
    """409: The payout destination is still in its hold (not yet approved), or disabled."""

    code = "destination_not_active"


class DestinationRequired(ClientError):
    """422: A daily payout schedule names one of the store's destinations that is not disabled."""

    code = "destination_required"


class Forbidden(ClientError):
    """403: Refused (a form without its CSRF token)."""

    code = "forbidden"


class InsufficientBalance(ClientError):
    """422: A payout asks more than the store's available balance; nothing was sent."""

    code = "insufficient_balance"


class InvalidCursor(ClientError):
    """400: A list's starting_after names no item of the caller (unknown, or another store's: the
    same answer); start from the first page."""

    code = "invalid_cursor"


class InvalidNotificationUrl(ClientError):
    """422: The store's notification_url is refused: not a well-formed http(s):// URL; in
    production anything but https:// on port 443 to a public address (no 6to4 2002::/16 or
    site-local fec0::/10 either); in the sandbox a port other than 80 or 443 on a public
    address."""

    code = "invalid_notification_url"


class MalformedWebhook(ClientError):
    """400: A provider callback cannot be read."""

    code = "malformed_webhook"


class ManualReferenceRequired(ClientError):
    """422: A refund done by hand is recorded with the reference of the transfer."""

    code = "manual_reference_required"


class MethodNotAllowed(ClientError):
    """405: The path exists, not with this method."""

    code = "method_not_allowed"


class OperatorNameRefused(ClientError):
    """422: An operator's name is empty or already taken (command line)."""

    code = "operator_name_refused"


class PartialRefundNotSupported(ClientError):
    """422: The provider only refunds whole payments (Wave) and a smaller amount was asked;
    nothing was sent."""

    code = "partial_refund_not_supported"


class PayloadTooLarge(ClientError):
    """413: The body is above the limit."""

    code = "payload_too_large"


class PaymentNotRefundable(ClientError):
    """409: Only a succeeded payment can be refunded."""

    code = "payment_not_refundable"


class PayoutAlreadyScheduled(ClientError):
    """409: The daily schedule's payout of this store, currency and day exists already (the job's
    own rule; no route answers it today)."""

    code = "payout_already_scheduled"


class PayoutNotAwaitingAction(ClientError):
    """409: Only a requires_action payout can be recorded by an operator."""

    code = "payout_not_awaiting_action"


class PayoutsNotSupported(ClientError):
    """422: This provider cannot pay out here (Orange Money WebPay has no payout API; a provider
    not configured for payouts; the sandbox in production)."""

    code = "payouts_not_supported"


class ReasonRequired(ClientError):
    """422: An adjustment of a store's balance says why (reason)."""

    code = "reason_required"


class RefundExceedsPayment(ClientError):
    """422: The payment's refunds (succeeded, pending or awaiting a person) would add up to more
    than was paid."""

    code = "refund_exceeds_payment"


class RefundFailed(ClientError):
    """422: The provider refused the refund asked from the queue; the item stays."""

    code = "refund_failed"


class RefundNotAwaitingAction(ClientError):
    """409: Only a requires_action refund can be recorded by hand."""

    code = "refund_not_awaiting_action"


class ResolutionNotAllowed(ClientError):
    """409: This action does not resolve this kind of queue item."""

    code = "resolution_not_allowed"


class StoreSuspended(ClientError):
    """403: An operator suspended the store: its key is refused until it is reactivated."""

    code = "store_suspended"


class UnsupportedMediaType(ClientError):
    """415: The body's content type is not accepted."""

    code = "unsupported_media_type"


_CLASSES: list[type[PaymentsError]] = [
    ClientError,
    ValidationFailed,
    InvalidJson,
    Unauthorized,
    NotFound,
    InvalidTransition,
    OrderNotPayable,
    PaymentInProgress,
    UnsupportedCurrency,
    ItemsTotalMismatch,
    InvalidPhone,
    PhoneRequired,
    ProviderNotAvailable,
    ProviderRejected,
    IdempotencyKeyReused,
    IdempotencyKeyInUse,
    RateLimited,
    InvalidSignature,
    ProviderUnavailable,
    DatabaseUnavailable,
    InternalError,
    AlreadyResolved,
    ConcurrentChange,
    CurrencyMismatch,
    CurrencyNotAccepted,
    DestinationNotActive,
    DestinationRequired,
    Forbidden,
    InsufficientBalance,
    InvalidCursor,
    InvalidNotificationUrl,
    MalformedWebhook,
    ManualReferenceRequired,
    MethodNotAllowed,
    OperatorNameRefused,
    PartialRefundNotSupported,
    PayloadTooLarge,
    PaymentNotRefundable,
    PayoutAlreadyScheduled,
    PayoutNotAwaitingAction,
    PayoutsNotSupported,
    ReasonRequired,
    RefundExceedsPayment,
    RefundFailed,
    RefundNotAwaitingAction,
    ResolutionNotAllowed,
    StoreSuspended,
    UnsupportedMediaType,
]
BY_CODE: dict[str, type[PaymentsError]] = {kind.code: kind for kind in _CLASSES}


def error_from(status: int, body: bytes, request_id: str | None) -> PaymentsError:
    """The exception for a non-2xx answer: by its problem `code`, else by its status."""
    try:
        problem = msgspec.json.decode(body, type=Problem)
    except msgspec.MsgspecError:
        problem = Problem(status=status, detail=body[:200].decode(errors="replace"))
    kind = BY_CODE.get(problem.code) or (ServerError if status >= 500 else ClientError)
    return kind(
        problem.detail or problem.title or f"HTTP {status}",
        status=status,
        code=problem.code or kind.code,
        request_id=request_id,
        problem=problem,
    )
