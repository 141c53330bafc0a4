"""One table from exceptions to RFC 9457 problem+json answers, for the whole app.

No stack trace, SQL or secret ever reaches a response: unknown exceptions become a generic
500 `internal_error`, logged with the request id."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import msgspec
import psycopg
import psycopg_pool
import structlog
from litestar import Request, Response
from litestar.exceptions import HTTPException, ValidationException

from application import errors as app
from application.health.provider_gate import ProviderDown
from application.ledger.adjust import AdjustmentReasonRequired
from application.payouts.create_payout import AlreadyScheduled
from application.payouts.schedule import ScheduleDestinationRequired
from application.refunds.desk_refunds import RefundNotMade
from domain import accounts, ledger, payout, payout_destination, refund, review
from domain import errors as domain
from entrypoints.http.accepted_input import RefusedInput

log = structlog.get_logger(__name__)

PROBLEM_JSON = "application/problem+json"


@dataclass(frozen=True, slots=True)
class Problem:
    status: int
    code: str
    title: str


TABLE: dict[type[Exception], Problem] = {
    msgspec.ValidationError: Problem(422, "validation_failed", "The request is not valid"),
    msgspec.DecodeError: Problem(400, "invalid_json", "The body is not valid JSON"),
    domain.InvalidAmount: Problem(422, "validation_failed", "The amount is not valid"),
    domain.UnsupportedCurrency: Problem(422, "unsupported_currency", "Unsupported currency"),
    domain.ItemsTotalMismatch: Problem(422, "items_total_mismatch", "Items do not add up"),
    domain.InvalidPhone: Problem(422, "invalid_phone", "Invalid phone number"),
    domain.InvalidTransition: Problem(409, "invalid_transition", "Not allowed in this state"),
    domain.OrderNotPayable: Problem(409, "order_not_payable", "The order cannot be paid"),
    domain.PaymentInProgress: Problem(409, "payment_in_progress", "A payment is in progress"),
    app.PhoneRequired: Problem(422, "phone_required", "A phone number is required"),
    app.NotFound: Problem(404, "not_found", "Not found"),
    app.Unauthorized: Problem(401, "unauthorized", "Unauthorized"),
    app.InvalidCursor: Problem(400, "invalid_cursor", "The cursor names no item of this list"),
    app.ProviderNotAvailable: Problem(422, "provider_not_available", "Provider not available"),
    accounts.CurrencyNotAccepted: Problem(
        422, "currency_not_accepted", "The provider takes another currency here"
    ),
    app.ProviderUnavailable: Problem(503, "provider_unavailable", "The provider did not answer"),
    ProviderDown: Problem(503, "provider_unavailable", "The provider is unavailable"),
    app.ProviderRejected: Problem(422, "provider_rejected", "The provider refused"),
    app.WebhookRejected: Problem(401, "invalid_signature", "Callback authentication failed"),
    app.MalformedWebhook: Problem(400, "malformed_webhook", "The callback cannot be read"),
    app.IdempotencyKeyReused: Problem(422, "idempotency_key_reused", "Idempotency key reused"),
    app.IdempotencyKeyInUse: Problem(409, "idempotency_key_in_use", "Idempotency key in use"),
    app.RateLimited: Problem(429, "rate_limited", "Too many requests"),
    app.InvalidNotificationUrl: Problem(
        422, "invalid_notification_url", "The notification URL is refused"
    ),
    app.DatabaseUnavailable: Problem(503, "database_unavailable", "Service unavailable"),
    app.ConcurrentChange: Problem(409, "concurrent_change", "Changed meanwhile; try again"),
    domain.CurrencyMismatch: Problem(422, "currency_mismatch", "Currencies do not match"),
    # a bookkeeping invariant broken by our own code, never by a request: a 500, logged
    ledger.UnbalancedMovement: Problem(500, "internal_error", "Internal error"),
    # the operator's desk
    app.StoreSuspended: Problem(403, "store_suspended", "The store is suspended"),
    app.OperatorNameRefused: Problem(422, "operator_name_refused", "Operator name refused"),
    review.ResolutionNotAllowed: Problem(409, "resolution_not_allowed", "Not allowed here"),
    review.ResolutionIncomplete: Problem(422, "validation_failed", "The request is not valid"),
    review.AlreadyResolved: Problem(409, "already_resolved", "Already resolved"),
    RefundNotMade: Problem(422, "refund_failed", "The provider refused the refund"),
    # refunds
    refund.PaymentNotRefundable: Problem(409, "payment_not_refundable", "Not refundable"),
    refund.RefundExceedsPayment: Problem(422, "refund_exceeds_payment", "Exceeds the payment"),
    refund.PartialRefundNotSupported: Problem(
        422, "partial_refund_not_supported", "This provider only refunds whole payments"
    ),
    refund.RefundNotPending: Problem(409, "refund_not_awaiting_action", "Not awaiting a person"),
    refund.ManualReferenceRequired: Problem(
        422, "manual_reference_required", "The transfer's reference is required"
    ),
    # the marketplace's money
    payout.InsufficientBalance: Problem(422, "insufficient_balance", "Not enough balance"),
    payout.PayoutNotAwaitingAction: Problem(
        409, "payout_not_awaiting_action", "Not awaiting a person"
    ),
    payout.PayoutReferenceRequired: Problem(
        422, "manual_reference_required", "The operator's reference is required"
    ),
    payout_destination.DestinationNotActive: Problem(
        409, "destination_not_active", "The destination is not active"
    ),
    payout_destination.PayoutsNotSupported: Problem(
        422, "payouts_not_supported", "This provider cannot pay out"
    ),
    AlreadyScheduled: Problem(409, "payout_already_scheduled", "Already paid out today"),
    ScheduleDestinationRequired: Problem(
        422, "destination_required", "A daily schedule needs an active destination"
    ),
    ledger.InvalidFee: Problem(422, "validation_failed", "The fee rate is not valid"),
    AdjustmentReasonRequired: Problem(422, "reason_required", "A reason is required"),
    psycopg.OperationalError: Problem(503, "database_unavailable", "Service unavailable"),
    psycopg_pool.PoolTimeout: Problem(503, "database_unavailable", "Service unavailable"),
    # Hostile input (accepted_input): refused at the edge, never a 500.
    RefusedInput: Problem(422, "validation_failed", "The request is not valid"),
    psycopg.DataError: Problem(422, "validation_failed", "A value is not accepted"),
    UnicodeError: Problem(422, "validation_failed", "A value is not accepted"),
}

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "rate_limited",
}

INTERNAL = Problem(500, "internal_error", "Internal error")
_UNKNOWN = re.compile(r"(?:unknown|missing required) field `([^`]*)`")
_PATH = re.compile(r"^(?P<message>.*?)(?: - at `\$(?P<path>[^`]*)`)?$", re.S)


def problem_response(
    problem: Problem,
    detail: str,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response[bytes]:
    body: dict[str, object] = {
        "type": f"https://errors.payments.dev/{problem.code}",
        "title": problem.title,
        "status": problem.status,
        "detail": detail,
        "code": problem.code,
    }
    if errors:
        body["errors"] = errors
    extra = dict(headers or {})
    if problem.status == 503:
        extra.setdefault("Retry-After", "5")
    return Response(
        msgspec.json.encode(body),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=extra,
    )


def lookup(error: Exception) -> Problem | None:
    for kind in type(error).__mro__:
        if kind in TABLE:
            return TABLE[kind]
    return None


def error_status(error: Exception) -> int:
    problem = lookup(error)
    return problem.status if problem else INTERNAL.status


def error_response(error: Exception) -> Response[bytes]:
    """The problem answer for `error` (also used by the idempotency layer to store it)."""
    if isinstance(error, msgspec.ValidationError):
        field, message = _split(str(error))
        return problem_response(
            TABLE[msgspec.ValidationError], message, [{"field": field, "message": message}]
        )
    if isinstance(error, msgspec.DecodeError):
        return problem_response(TABLE[msgspec.DecodeError], _decode_detail(error))
    if isinstance(error, review.ResolutionIncomplete):
        errors = [{"field": error.field, "message": str(error)}]
        return problem_response(TABLE[review.ResolutionIncomplete], str(error), errors)
    if isinstance(error, RefusedInput):
        errors = [{"field": error.field, "message": error.message}]
        return problem_response(TABLE[RefusedInput], f"{error.field} {error.message}", errors)
    if isinstance(error, psycopg.DataError | UnicodeError):
        log.warning("request.refused_value", error=type(error).__name__)
        return problem_response(TABLE[psycopg.DataError], "A value of the request is not accepted")
    if isinstance(error, domain.InvalidAmount):
        errors = [{"field": "amount", "message": str(error)}]
        return problem_response(TABLE[domain.InvalidAmount], str(error), errors)
    problem = lookup(error)
    if problem is None:
        return problem_response(INTERNAL, "Something went wrong on our side")
    if isinstance(error, ProviderDown):  # its breaker is open: say when to come back
        return problem_response(problem, str(error), headers=_retry_after(error))
    if problem.status >= 500:
        log.warning("request.unavailable", error=type(error).__name__)
        return problem_response(problem, problem.title)
    headers = {"WWW-Authenticate": "Bearer"} if isinstance(error, app.Unauthorized) else None
    if isinstance(error, app.RateLimited):
        headers = {"Retry-After": str(error.retry_after)}
    if isinstance(error, app.InvalidNotificationUrl):
        fields = [{"field": "notification_url", "message": str(error)}]
        return problem_response(problem, str(error), fields)
    return problem_response(problem, str(error), headers=headers)


def _decode_detail(error: msgspec.DecodeError) -> str:
    """Our own `wire.InvalidJson` messages are safe to show; msgspec's may quote the body."""
    text = str(error)
    return text if text.startswith("The body ") else "The body is not valid JSON"


def _retry_after(error: ProviderDown) -> dict[str, str]:
    return {"Retry-After": str(error.retry_after)}


def _split(text: str) -> tuple[str, str]:
    """`Expected int, got str - at $.items[0].quantity` -> (`items[0].quantity`, message)."""
    match = _PATH.match(text)
    assert match is not None
    path = (match.group("path") or "").lstrip(".")
    message = match.group("message")
    unknown = _UNKNOWN.search(message)
    if unknown:
        path = f"{path}.{unknown.group(1)}" if path else unknown.group(1)
    return path or "body", message


def handle_exception(request: Request[Any, Any, Any], error: Exception) -> Response[bytes]:
    if isinstance(error, HTTPException):
        return _http_problem(error, request)
    if isinstance(error, app.Unauthorized) and (hint := _bearer_hint(request)):
        error = app.Unauthorized(hint)
    response = error_response(error)
    if response.status_code == 500:
        log.exception("request.failed", path=request.url.path, error=type(error).__name__)
    return response


def _bearer_hint(request: Request[Any, Any, Any]) -> str | None:
    """How to send a credential that came without its `Bearer` scheme (a bare key, `Token`)."""
    header = request.headers.get("authorization", "").strip()
    if not header or header.lower().startswith("bearer "):
        return None
    return "Send the key as `Authorization: Bearer <key>`: the header has no `Bearer` scheme"


def _public_name(request: Request[Any, Any, Any], key: str) -> str:
    """A parameter as the caller names it (`from`), not as the handler does (`start`)."""
    try:
        parameter = request.route_handler.parsed_fn_signature.parameters[key]
    except (AttributeError, KeyError):
        return key
    definition = parameter.kwarg_definition
    alias = getattr(definition, "query", None) or getattr(definition, "name", None)
    return str(alias or key)


def _http_problem(error: HTTPException, request: Request[Any, Any, Any]) -> Response[bytes]:
    status = error.status_code
    if isinstance(error, ValidationException):
        errors = [
            {
                "field": _public_name(request, str(e.get("key", ""))),
                "message": str(e.get("message", "")),
            }
            for e in (error.extra if isinstance(error.extra, list) else [])
            if isinstance(e, dict)
        ]
        problem = Problem(422, "validation_failed", "The request is not valid")
        return problem_response(problem, "Invalid parameters", errors)
    code = HTTP_CODES.get(status, "internal_error" if status >= 500 else "bad_request")
    title = code.replace("_", " ").capitalize()
    detail = title if status >= 500 else str(error.detail)
    headers = {k: v for k, v in (error.headers or {}).items()}
    return problem_response(Problem(status, code, title), detail, headers=headers)
