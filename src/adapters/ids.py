"""Opaque, prefixed, time-sortable ids: `pay_` + 26 Crockford base32 characters (ULID layout)."""

from __future__ import annotations

import re
import secrets
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _base32(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        value, digit = divmod(value, 32)
        chars.append(_ALPHABET[digit])
    return "".join(reversed(chars))


class UlidGenerator:
    """48 bits of milliseconds then 80 random bits: ids sort by creation time."""

    def new(self, prefix: str) -> str:
        millis = time.time_ns() // 1_000_000
        return f"{prefix}_{_base32(millis, 10)}{_base32(secrets.randbits(80), 16)}"


_ID_BODY = re.compile(r"[0-9A-Z]{1,64}")


def looks_like_id(value: str, prefix: str) -> bool:
    """Whether `value` has the shape of one of our ids of the kind `prefix` (`pay`): the
    prefix, `_`, then 1 to 64 uppercase letters or digits. Anything else cannot be one of
    ours, whatever the database holds."""
    head, sep, body = value.partition("_")
    return head == prefix and bool(sep) and _ID_BODY.fullmatch(body) is not None
