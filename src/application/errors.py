"""Errors raised by use cases and ports, beside the domain's own."""

from domain.errors import PaymentError


class NotFound(PaymentError):
    """No such object for this store (another store's ids are not found either)."""


class InvalidCursor(PaymentError):
    """A list's `starting_after` names no object of the caller: unknown and another store's
    get this same error, so a cursor tells nothing about other stores."""


class Unauthorized(PaymentError):
    """Credentials are missing or wrong."""


class ProviderNotAvailable(PaymentError):
    """The provider is unknown or not configured here."""


class PhoneRequired(PaymentError):
    """This provider pushes the request to a phone, so a phone number is required."""


class ProviderUnavailable(PaymentError):
    """The provider could not be reached or timed out: the outcome is unknown, not failed."""


class ProviderRejected(PaymentError):
    """The provider refused the request (a 4xx meaning "no")."""

    def __init__(self, code: str, message: str, raw: dict[str, object] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.raw = raw or {}


class WebhookRejected(PaymentError):
    """A provider callback failed its authentication (bad or old signature, bad token)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class MalformedWebhook(PaymentError):
    """A provider callback whose body cannot be read."""


class IdempotencyKeyReused(PaymentError):
    """The same Idempotency-Key came with a different request."""


class IdempotencyKeyInUse(PaymentError):
    """A request with this Idempotency-Key is still being processed."""


class DatabaseUnavailable(PaymentError):
    """The database cannot be reached; nothing was changed."""


class ConcurrentChange(PaymentError):
    """What was read changed before it was written (its version moved on): the transaction
    was rolled back, nothing was written. Read again and decide again."""


class RateLimited(PaymentError):
    """Too many requests of this kind for this key (API key, address, phone, order...)."""

    def __init__(self, what: str, retry_after: int) -> None:
        super().__init__(f"too many requests ({what}); retry after {retry_after} s")
        self.retry_after = retry_after


class InvalidNotificationUrl(PaymentError):
    """A store's notification URL the service refuses to call (scheme or address)."""


# -- the operator's desk ---------------------------------------------------------------------


class StoreSuspended(PaymentError):
    """An operator suspended the store: its API key and checkout pages are refused."""


class OperatorNameRefused(PaymentError):
    """An operator name must not be empty, and no two operators share one."""
