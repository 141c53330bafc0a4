"""Errors raised by the client: one class per problem `code` of the service, all under
`PaymentsError`, which carries the HTTP status, the code, the detail and the request id
(quote it to the service's operators: every log line of that request carries it).

An answer whose code this version does not know raises the class of its status
(`ClientError` for 4xx, `ServerError` for 5xx), so a new code never goes unnoticed."""

from __future__ import annotations

import msgspec

from payments_client.models import FieldError, Problem


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


class InvalidNotification(PaymentsError):
    """`verify_notification` refused a delivery; `code` says why (`missing_signature`,
    `malformed_signature`, `signature_mismatch`, `timestamp_out_of_tolerance`,
    `malformed_body`). Answer it with a 4xx and change nothing."""

    code = "invalid_notification"


class ValidationFailed(ClientError):
    """422 `validation_failed`: see `errors` for the fields at fault."""

    code = "validation_failed"


class MalformedJson(ClientError):
    code = "malformed_json"


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


_CLASSES: list[type[PaymentsError]] = [
    ValidationFailed,
    MalformedJson,
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
