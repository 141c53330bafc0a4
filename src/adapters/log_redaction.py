"""What a log line may not carry: the one redaction step of every logging pipeline.

Rules:
- Exceptions are rendered without their frames' local variables (structlog's renderers show
  them by default, and a request's locals hold its API key, the store's signing secret and
  the vendor's session cookie). `before_renderer()` gives the steps every handler runs before
  its renderer: the exception as data (or as plain text for a console) without locals, then
  `redact_secrets`.
- `redact_secrets` replaces the value of any key named `authorization`, `proxy-authorization`,
  `cookie`, `set-cookie`, or containing `secret`, `token`, `password`, `passwd`, `api_key`,
  `apikey`, `api-key` or `subscription-key` (case-insensitive, `-` and `_` alike) with
  `[REDACTED]`, at any depth of dicts, lists and tuples; a list of `(name, value)` header pairs
  is treated as a mapping.
- Any string left, at any depth (exception messages, tracebacks, URLs), is scrubbed of what
  looks like our secrets: API keys (`sk_...`), signing secrets (`whsec_...`), the credentials
  of an `Authorization` value (`Bearer ...`, `Basic ...`), and `name=value` pairs whose name
  looks secret (`token=`, `sig=`, `vendor_session=`...).
- The line keeps its shape: keys stay, only values change, so it still says what happened.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import structlog
from structlog.tracebacks import ExceptionDictTransformer
from structlog.typing import EventDict, Processor, WrappedLogger

REDACTED = "[REDACTED]"

_SECRET_KEY = re.compile(
    r"^(?:proxy[-_])?authorization$|^(?:set[-_])?cookie$"
    r"|secret|token|passw(?:or)?d|api[-_]?key|subscription[-_]?key",
    re.IGNORECASE,
)
_SECRET_TEXT = (
    # `name=value` / `name: value` where the name looks secret (first: it takes the whole value)
    (
        re.compile(
            r"\b([\w\-]*(?:secret|token|passw(?:or)?d|api[-_]?key|session|sig|cookie)[\w\-]*)"
            r"([\"']?\s*[=:]\s*)(?:\"[^\"]*\"|'[^']*'|[^&;,\s\"'<>(){}\[\]])+",
            re.IGNORECASE,
        ),
        rf"\1\2{REDACTED}",
    ),
    (re.compile(r"\b(sk|whsec)_[A-Za-z0-9_\-]{4,}"), rf"\1_{REDACTED}"),
    (re.compile(r"\b(Bearer|bearer|BEARER)\s+[A-Za-z0-9._~+/=\-]{4,}"), rf"\1 {REDACTED}"),
    (
        re.compile(r"\b(Basic)\s+(?=[A-Za-z0-9+/]*(?:[0-9+/=]|[a-z][A-Z]))[A-Za-z0-9+/]{8,}={0,2}"),
        rf"\1 {REDACTED}",
    ),
)
_MAX_DEPTH = 20
#: A word every pattern above needs: text without any of them is returned as it is (one search
#: instead of four substitutions, for the ids, statuses and times most log values are).
_TRIGGER = re.compile(
    r"secret|token|passw|api[-_]?key|session|sig|cookie|sk_|whsec_|bearer|basic", re.IGNORECASE
)


def is_secret_key(name: object) -> bool:
    """Whether a value logged under `name` must not be shown."""
    if isinstance(name, bytes):
        name = name.decode("latin-1")
    return isinstance(name, str) and bool(_SECRET_KEY.search(name))


def scrub_text(text: str) -> str:
    """`text` with whatever looks like one of our secrets replaced by `[REDACTED]`."""
    if not _TRIGGER.search(text):
        return text
    for pattern, replacement in _SECRET_TEXT:
        text = pattern.sub(replacement, text)
    return text


def redact(value: Any, depth: int = 0) -> Any:
    """`value` with secret keys' values replaced and every string scrubbed (see the rules)."""
    if depth > _MAX_DEPTH:
        return REDACTED
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, bytes | bytearray):
        return scrub_text(bytes(value).decode("utf-8", "replace"))
    if isinstance(value, Mapping):
        return {
            key: REDACTED if is_secret_key(key) else redact(item, depth + 1)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        if _is_pair(value) and is_secret_key(value[0]):
            return (redact(value[0], depth + 1), REDACTED)
        return [redact(item, depth + 1) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return scrub_text(str(value))


def _is_pair(value: list[Any] | tuple[Any, ...]) -> bool:
    return len(value) == 2 and isinstance(value[0], str | bytes)


def redact_secrets(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """The structlog processor: the event's values redacted (see the module's rules).
    Processor bookkeeping keys (`_record`, `_from_structlog`) are kept as they are."""
    return {
        key: value if key in _KEEP else REDACTED if is_secret_key(key) else redact(value)
        for key, value in event_dict.items()
    }


_KEEP = frozenset({"_record", "_from_structlog", "exc_info"})

#: Exceptions as data (JSON lines), without their frames' local variables.
exception_data: Processor = structlog.processors.ExceptionRenderer(
    ExceptionDictTransformer(show_locals=False)
)


def before_renderer(structured: bool = True) -> list[Processor]:
    """The steps a handler runs right before its renderer: the exception rendered without
    locals (as data for JSON, as a plain traceback for a console), then the redaction."""
    exceptions = exception_data if structured else structlog.processors.format_exc_info
    return [exceptions, redact_secrets]
