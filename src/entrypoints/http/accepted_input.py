"""What input the service accepts: decided here, once, for JSON bodies, query strings, path
parameters, the headers it reads (`Idempotency-Key`, `X-Request-ID`) and the pages' forms.

Rules:
- Text holds no control character (U+0000 to U+001F, U+007F to U+009F), no line or paragraph
  separator (U+2028, U+2029) and no lone surrogate. A multi-line field (an order's
  `description`) may hold tabs and line breaks. Anything else is refused with 422
  `validation_failed` naming the field (`RefusedInput`), before it reaches a use case or the
  database.
- A query string is valid UTF-8 once percent-decoded (else 422 naming the parameter).
- A path parameter naming one of our ids (`order_id`, `payment_id`, `event_id`, `store_id`)
  has the shape of an id of its kind (`adapters.ids.looks_like_id`); any other value is not
  found (404, the answer an unknown id gets) and never reaches the database.
- Phone numbers are left to the phone rule (`adapters.phones`), which refuses anything that
  is not a valid number with `invalid_phone`, whatever the reason.

`input_guard` applies the rules to the query string, the path parameters and the headers of
every request; `check_fields` applies them to a decoded body or form (`wire.decode` and the
pages' form handlers call it).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote_to_bytes

import msgspec
from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from litestar.types import Scope

from adapters.ids import looks_like_id
from application.errors import NotFound

_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_FORBIDDEN_MULTILINE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")

#: Fields whose text may span lines.
MULTILINE = frozenset({"description"})
#: Fields checked by a rule of their own (a phone number is `invalid_phone`, whatever it holds).
OWN_RULE = frozenset({"phone"})
#: Headers the service reads, as they are named in answers.
HEADERS = {b"idempotency-key": "Idempotency-Key", b"x-request-id": "X-Request-ID"}
#: Path parameters that are ids, with their kind's prefix and noun.
ID_PARAMETERS = {
    "order_id": ("ord", "order"),
    "payment_id": ("pay", "payment"),
    "event_id": ("evt", "event"),
    "store_id": ("str", "store"),
}


class RefusedInput(Exception):
    """A field holds text the service does not accept: 422 `validation_failed`."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def refusal(text: str, multiline: bool = False) -> str | None:
    """Why `text` is not accepted, or None when it is."""
    found = (_FORBIDDEN_MULTILINE if multiline else _FORBIDDEN).search(text)
    if found is None:
        return None
    return f"must not contain the control character U+{ord(found.group()):04X}"


def check_text(field: str, text: str, multiline: bool = False) -> None:
    """`RefusedInput` naming `field` when `text` is not accepted."""
    reason = refusal(text, multiline)
    if reason is not None:
        raise RefusedInput(field, reason)


def check_fields(value: object, path: str = "") -> None:
    """Every string of a decoded body or form, at any depth (mapping keys too); fields are
    named as in validation errors: `customer.name`, `items[0].name`, `metadata.cart`."""
    if isinstance(value, str):
        name = path.rsplit(".", 1)[-1]
        if name not in OWN_RULE:
            check_text(path or "body", value, multiline=name in MULTILINE)
    elif isinstance(value, msgspec.Struct):
        for name in value.__struct_fields__:
            check_fields(getattr(value, name), _join(path, name))
    elif isinstance(value, dict):
        for key, item in value.items():
            check_text(path or "body", str(key))  # a refused key is not echoed as a field name
            check_fields(item, _join(path, str(key)))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            check_fields(item, f"{path}[{index}]")


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def check_request(scope: Scope) -> None:
    """The rules on a routed request's headers, query string and path parameters."""
    for header, raw in scope.get("headers", ()):
        if header.lower() in HEADERS:
            check_text(HEADERS[header.lower()], raw.decode("latin-1"))
    for name, text in query_pairs(scope.get("query_string", b"")):
        check_text("query", name)
        check_text(name, text)
    for param, value in (scope.get("path_params") or {}).items():
        if not isinstance(value, str):
            continue
        check_text(param, value)
        if param in ID_PARAMETERS:
            prefix, noun = ID_PARAMETERS[param]
            if not looks_like_id(value, prefix):
                raise NotFound(f"{noun} {value} not found")


def query_pairs(query: bytes) -> Iterable[tuple[str, str]]:
    """The query string's decoded (name, value) pairs; `RefusedInput` when one is not UTF-8."""
    for part in query.split(b"&"):
        if not part:
            continue
        raw_name, _, raw_value = part.partition(b"=")
        name_bytes = unquote_to_bytes(raw_name.replace(b"+", b" "))
        try:
            name = name_bytes.decode("utf-8")
        except UnicodeDecodeError:
            raise RefusedInput("query", "parameter names must be valid UTF-8") from None
        try:
            value = unquote_to_bytes(raw_value.replace(b"+", b" ")).decode("utf-8")
        except UnicodeDecodeError:
            raise RefusedInput(name, "must be valid UTF-8") from None
        yield name, value


async def input_guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """The app's first guard: refuses, before any other guard, dependency or handler runs, a
    request whose headers, query string or path parameters break the rules. A guard, not a
    middleware: its refusal is answered inside the route (the pages' HTML error pages) and the
    outer middleware (timing, request id, headers) sees an ordinary answer."""
    check_request(connection.scope)
