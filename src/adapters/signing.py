"""HMAC signatures: signed webhook headers, signed URL values, API keys and webhook secrets.

Rules:
- A signature header reads `t=<unix seconds>,v1=<hex>[,v1=<hex>...]`. The signed message is
  `<t>` + separator + raw body, HMAC-SHA256 with the shared secret. Wave and the sandbox use
  no separator; our own store notifications (`Payments-Signature`) use `.`.
- Any one `v1` may match; other schemes (`v0=...`) are ignored; comparisons are constant time.
- A timestamp further than the tolerance from now, in either direction, is refused.
- Signed URL values are hex HMAC-SHA256(secret, "<purpose>:<value>"), e.g. `mtn:pay_...`.
- API keys are long random tokens, so they are stored as a plain SHA-256 (no slow hash needed).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from adapters.clock import SystemClock
from application.errors import WebhookRejected
from application.shared.ports import Clock

MISSING = "missing_signature"
MALFORMED = "malformed_signature"
OUT_OF_TOLERANCE = "timestamp_out_of_tolerance"
MISMATCH = "signature_mismatch"

_MAX_HEADER = 4096
_TIMESTAMP = re.compile(r"\d{1,12}")
_HEX = re.compile(r"[0-9a-fA-F]{1,128}")


def _hmac_hex(secret: bytes, message: bytes) -> str:
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def _same(a: str, b: str) -> bool:
    """Constant-time equality that never raises on non-ASCII input."""
    return hmac.compare_digest(a.encode(), b.encode())


def _parse(header: str) -> tuple[str, list[str]]:
    """The raw timestamp and the `v1` signatures of a header; raises `WebhookRejected`."""
    if len(header) > _MAX_HEADER:
        raise WebhookRejected(MALFORMED)
    timestamps, signatures = [], []
    for part in header.split(","):
        scheme, sep, value = part.strip().partition("=")
        if not sep:
            raise WebhookRejected(MALFORMED)
        if scheme == "t":
            timestamps.append(value.strip())
        elif scheme == "v1" and _HEX.fullmatch(value.strip()):
            signatures.append(value.strip().lower())
    if len(timestamps) != 1 or not _TIMESTAMP.fullmatch(timestamps[0]) or not signatures:
        raise WebhookRejected(MALFORMED)
    return timestamps[0], signatures


class HmacSignatureScheme:
    """Signs and verifies `t=...,v1=...` headers over `<t>` + separator + body."""

    def __init__(
        self,
        secret: bytes,
        separator: bytes = b"",
        tolerance_seconds: int = 300,
        clock: Clock | None = None,
    ) -> None:
        if not secret:
            raise ValueError("the signing secret must not be empty")
        self._secret = secret
        self._separator = separator
        self._tolerance = tolerance_seconds
        self._clock = clock or SystemClock()

    def _digest(self, timestamp: str, body: bytes) -> str:
        return _hmac_hex(self._secret, timestamp.encode() + self._separator + body)

    def sign(self, body: bytes, at: int | None = None) -> str:
        """The header value for `body`, signed at `at` (unix seconds; now by default)."""
        timestamp = str(int(self._clock.now().timestamp()) if at is None else at)
        return f"t={timestamp},v1={self._digest(timestamp, body)}"

    def verify(self, header: str | None, body: bytes) -> None:
        """Return when one `v1` signs `body` within the tolerance; else raise
        `WebhookRejected` with the reason."""
        if not header or not header.strip():
            raise WebhookRejected(MISSING)
        timestamp, signatures = _parse(header)
        expected = self._digest(timestamp, body)
        if not any([_same(expected, candidate) for candidate in signatures]):
            raise WebhookRejected(MISMATCH)
        if abs(self._clock.now().timestamp() - int(timestamp)) > self._tolerance:
            raise WebhookRejected(OUT_OF_TOLERANCE)


class UrlSigner:
    """Signs short values carried in URLs (callback `sig`, checkout and sandbox tokens).

    The purpose keeps signatures of one use from being replayed for another; it must not
    contain `:` so that `<purpose>:<value>` is unambiguous."""

    def __init__(self, secret: bytes) -> None:
        if not secret:
            raise ValueError("the signing secret must not be empty")
        self._secret = secret

    def sign(self, purpose: str, value: str) -> str:
        if ":" in purpose:
            raise ValueError("a signing purpose must not contain ':'")
        return _hmac_hex(self._secret, f"{purpose}:{value}".encode())

    def verify(self, purpose: str, value: str, signature: str | None) -> bool:
        """True when `signature` is the one `sign` gives; constant time."""
        return bool(signature) and _same(self.sign(purpose, value), str(signature).lower())

    def sign_until(self, purpose: str, value: str, until: int) -> str:
        """A token for `value` that expires: `<until>.<hex HMAC(purpose:value:until)>`, with
        `until` in unix seconds (the expiry is signed, so it cannot be moved)."""
        return f"{until}.{self.sign(purpose, f'{value}:{until}')}"

    def verify_until(self, purpose: str, value: str, token: str | None, now: float) -> bool:
        """True when `token` is one `sign_until` gave for `value` and has not expired at
        `now`; anything malformed (no expiry, not digits, too long) is False."""
        until, dot, signature = str(token or "").partition(".")
        if not dot or not _TIMESTAMP.fullmatch(until):
            return False
        signed = self.verify(purpose, f"{value}:{until}", signature)
        return signed and now <= int(until)


def hash_api_key(key: str) -> str:
    """SHA-256 hex of an API key, the only form in which keys are stored."""
    return hashlib.sha256(key.encode()).hexdigest()


LIVE_KEY_PREFIX, TEST_KEY_PREFIX = "sk_live", "sk_test"


def new_api_key(prefix: str = TEST_KEY_PREFIX) -> str:
    """A new API key: `<prefix>_` + 32 random bytes, URL-safe base64. The prefix says which
    mode made it: `sk_live` in production, `sk_test` in sandbox (older `sk_sandbox_` keys
    still work: only the hash is looked up)."""
    return f"{prefix}_{secrets.token_urlsafe(32)}"


def new_webhook_secret() -> str:
    """A new secret for signing a store's notifications: `whsec_` + 32 random bytes."""
    return f"whsec_{secrets.token_urlsafe(32)}"


def new_operator_token() -> str:
    """A new operator token: `op_` + 32 random bytes, URL-safe base64 (kept hashed like API
    keys, with `hash_api_key`)."""
    return f"op_{secrets.token_urlsafe(32)}"


class StoreCredentials:
    """`Credentials`: API keys (starting with `prefix`: the mode that made them) and webhook
    secrets made and hashed by the functions above."""

    def __init__(self, prefix: str) -> None:
        self._prefix = prefix

    def new_api_key(self) -> str:
        return new_api_key(self._prefix)

    hash_api_key = staticmethod(hash_api_key)
    new_webhook_secret = staticmethod(new_webhook_secret)
    new_operator_token = staticmethod(new_operator_token)
