"""Checking the service's notifications (`POST` to the store's `notification_url`).

The service signs each delivery with `Payments-Signature: t=<unix seconds>,v1=<hex>`, where
`<hex>` is HMAC-SHA256 keyed with the store's `webhook_secret` over `<t>` + `.` + the raw
body. A delivery is accepted when one `v1` matches (compared in constant time) and `t` is
within `tolerance` seconds of now, in either direction: an old delivery replayed by someone
who captured it is refused. Check the RAW body, before any JSON parsing."""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Mapping

import msgspec

from payments_client.errors import InvalidNotification
from payments_client.models import Event

HEADER = "Payments-Signature"
_MAX_HEADER = 4096
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_PRINTABLE_ASCII = re.compile(r"[\x20-\x7e]*")


def sign_notification(body: bytes, secret: str, timestamp: int | None = None) -> str:
    """The `Payments-Signature` value for `body` (what the service sends; handy in tests)."""
    t = str(int(time.time()) if timestamp is None else timestamp)
    return f"t={t},v1={_digest(secret, t, body)}"


def verify_notification(
    body: bytes,
    headers: Mapping[str, str],
    secret: str,
    tolerance: int = 300,
    *,
    now: float | None = None,
) -> Event:
    """The typed event of a genuine, fresh delivery; raises `InvalidNotification` otherwise.
    `headers` may be any mapping (a dict, Django's `request.headers`): the name is matched
    whatever its case. Whatever the header holds (bytes, non-ASCII text, a huge value, another
    type), the only exception is `InvalidNotification`: a crash here would put the secret in
    a debug page's frame."""
    header = _header(headers)
    if not header:
        raise InvalidNotification("no Payments-Signature header", code="missing_signature")
    timestamp, signatures = _parse(header)
    expected = _digest(secret, timestamp, body)
    if not any([hmac.compare_digest(expected, s) for s in signatures]):
        raise InvalidNotification("the signature does not match", code="signature_mismatch")
    current = time.time() if now is None else now
    if abs(current - int(timestamp)) > tolerance:
        raise InvalidNotification("the delivery is too old", code="timestamp_out_of_tolerance")
    try:
        return msgspec.json.decode(body, type=Event)
    except msgspec.MsgspecError as error:
        raise InvalidNotification(str(error), code="malformed_body") from error


def _header(headers: Mapping[str, str]) -> str | None:
    value: object = headers.get(HEADER)
    if value is None:
        lowered = HEADER.lower()
        value = next(
            (v for k, v in headers.items() if isinstance(k, str) and k.lower() == lowered), None
        )
    return _text(value)


def _text(value: object) -> str | None:
    """The header as printable ASCII text; anything else is refused as malformed."""
    if value is None:
        return None
    if isinstance(value, bytes | bytearray):
        value = bytes(value).decode("latin-1")
    if not isinstance(value, str) or len(value) > _MAX_HEADER:
        raise _malformed()
    if not _PRINTABLE_ASCII.fullmatch(value):
        raise _malformed()
    return value or None


def _malformed() -> InvalidNotification:
    return InvalidNotification("unreadable Payments-Signature", code="malformed_signature")


def _digest(secret: str, timestamp: str, body: bytes) -> str:
    message = timestamp.encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def _parse(header: str) -> tuple[str, list[str]]:
    """`t` once, as 1 to 12 ASCII digits, and at least one `v1` (the header is printable ASCII
    already, so comparing the signatures cannot raise)."""
    malformed = _malformed()
    timestamps, signatures = [], []
    for part in header.split(","):
        scheme, sep, value = part.strip().partition("=")
        if not sep:
            raise malformed
        if scheme == "t":
            timestamps.append(value.strip())
        elif scheme == "v1":
            signatures.append(value.strip().lower())
    if len(timestamps) != 1 or not _TIMESTAMP.fullmatch(timestamps[0]):
        raise malformed
    if not signatures:
        raise malformed
    return timestamps[0], signatures
