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
  of an `Authorization` value (`Bearer ...`, `Basic ...`), operator tokens (`op_...`), and
  `name=value` pairs whose name looks secret (`token=`, `sig=`, `vendor_session=`...).
- Phone numbers are masked as everywhere else (`+225 07 •• •• •• 01`, `adapters.phones`): the
  value of a key that names a phone (`phone`, `msisdn`, `partyId`, `mobile`, `subscriber`), a
  `+` number in any text (an exception's message, a provider's error body), and the digits
  that follow such a name in text (`msisdn=2250700000001`, `"partyId": "22507..."`).
- The line keeps its shape: keys stay, only values change, so it still says what happened.
- Cost: a string is first searched once for any word the patterns need (lowered, when it is
  ASCII: a case-insensitive search costs several times more), and a key's verdict is
  remembered for the last `KEYS_KEPT` keys, so a plain line of ids and statuses costs one
  short search per value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Any

import structlog
from structlog.tracebacks import ExceptionDictTransformer
from structlog.typing import EventDict, Processor, WrappedLogger

from adapters.phones import mask_phone, mask_phones_in

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
    (re.compile(r"\bop_[A-Za-z0-9_\-]{16,}"), f"op_{REDACTED}"),
    (re.compile(r"\b(Bearer|bearer|BEARER)\s+[A-Za-z0-9._~+/=\-]{4,}"), rf"\1 {REDACTED}"),
    (
        re.compile(r"\b(Basic)\s+(?=[A-Za-z0-9+/]*(?:[0-9+/=]|[a-z][A-Z]))[A-Za-z0-9+/]{8,}={0,2}"),
        rf"\1 {REDACTED}",
    ),
)
_MAX_DEPTH = 20
#: The dot of a masked phone (`adapters.phones`).
MASK_DOT = "•"
#: A word every pattern above needs: text without any of them is returned as it is (one search
#: instead of four substitutions, for the ids, statuses and times most log values are).
_TRIGGER = re.compile(
    r"secret|token|passw|api[-_]?key|session|sig|cookie|sk_|whsec_|op_|bearer|basic",
    re.IGNORECASE,
)
_PHONE_NAME = r"phone|msisdn|mobile|party_?id|subscriber"
_PHONE_KEY = re.compile(_PHONE_NAME, re.IGNORECASE)
_PHONE_TRIGGER = re.compile(rf"\+\d|{_PHONE_NAME}", re.IGNORECASE)
_TRIGGER_LOWERED = re.compile(_TRIGGER.pattern)
_PHONE_TRIGGER_LOWERED = re.compile(_PHONE_TRIGGER.pattern)
KEYS_KEPT = 1024
_PHONE_IN_TEXT = re.compile(r"\+\d[\d ]{6,18}\d")
_PHONE_NAMED = re.compile(
    rf"((?:{_PHONE_NAME})[\w\-]*[\"']?\s*[=:]?\s*[\"']?)(\+?\d{{6,15}})\b", re.IGNORECASE
)
#: A word some step needs (a secret's trigger, a phone's name), for ASCII text lowered (the
#: patterns are lowercase ASCII, and on ASCII text a case-insensitive match is a match of the
#: lowered text). Without one of them and without a `+` number, no step changes a text.
_WORDS_LOWERED = re.compile(rf"{_TRIGGER.pattern}|{_PHONE_NAME}")


def _untouched(text: str) -> bool:
    """Whether no step would change `text` (an ASCII text once the dots of masked phones are
    read as `#`, searched in two passes).

    Texts joined by newlines are searched at once: what one of them holds, the whole holds.
    `•` and `#` are alike to every pattern (neither a word character, a digit, a space nor a
    letter that folds to one), so reading one as the other finds the same."""
    if MASK_DOT in text:
        text = text.replace(MASK_DOT, "#")
    return (
        text.isascii()
        and not _WORDS_LOWERED.search(text.lower())
        and not _PHONE_IN_TEXT.search(text)
    )


def is_secret_key(name: object) -> bool:
    """Whether a value logged under `name` must not be shown."""
    if isinstance(name, bytes):
        name = name.decode("latin-1")
    return isinstance(name, str) and bool(_SECRET_KEY.search(name))


def _holds(text: str, lowered: re.Pattern[str], folded: re.Pattern[str]) -> bool:
    """Whether `text` holds a trigger (`lowered` on ASCII text lowered, else `folded`)."""
    if text.isascii():
        return lowered.search(text.lower()) is not None
    return folded.search(text) is not None


def scrub_text(text: str) -> str:
    """`text` with whatever looks like one of our secrets replaced by `[REDACTED]`."""
    if not _holds(text, _TRIGGER_LOWERED, _TRIGGER):
        return text
    for pattern, replacement in _SECRET_TEXT:
        text = pattern.sub(replacement, text)
    return text


def mask_phones_text(text: str) -> str:
    """`text` with the phone numbers it holds masked (see the module's rules)."""
    if not _holds(text, _PHONE_TRIGGER_LOWERED, _PHONE_TRIGGER):
        return text
    text = _PHONE_NAMED.sub(lambda m: m.group(1) + _masked(m.group(2)), text)
    return _PHONE_IN_TEXT.sub(lambda m: _masked(m.group().replace(" ", "")), text)


def _masked(number: str) -> str:
    return mask_phone(number if number.startswith("+") else f"+{number}") or ""


def redact(value: Any, depth: int = 0) -> Any:
    """`value` with secret keys' values replaced and every string scrubbed (see the rules)."""
    if depth > _MAX_DEPTH:
        return REDACTED
    if isinstance(value, str):
        if _untouched(value):
            return value
        return mask_phones_text(scrub_text(value))
    if isinstance(value, bytes | bytearray):
        return redact(bytes(value).decode("utf-8", "replace"), depth)
    if isinstance(value, Mapping):
        return {key: _entry(key, item, depth) for key, item in value.items()}
    if isinstance(value, list | tuple):
        if _is_pair(value) and is_secret_key(value[0]):
            return (redact(value[0], depth + 1), REDACTED)
        return [redact(item, depth + 1) for item in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return scrub_text(str(value))


def _entry(key: Any, item: Any, depth: int) -> Any:
    secret, phone = _verdict(key) if isinstance(key, str) else (is_secret_key(key), False)
    if secret:
        return REDACTED
    if phone:
        item = mask_phones_in({key: item})[key]
    return redact(item, depth + 1)


@lru_cache(maxsize=KEYS_KEPT)
def _verdict(key: str) -> tuple[bool, bool]:
    """(the value under `key` is secret, `key` names a phone)."""
    return is_secret_key(key), bool(_PHONE_KEY.search(key))


def _is_pair(value: list[Any] | tuple[Any, ...]) -> bool:
    return len(value) == 2 and isinstance(value[0], str | bytes)


def redact_secrets(_: WrappedLogger, __: str, event_dict: EventDict) -> EventDict:
    """The structlog processor: the event's values redacted (see the module's rules).
    Processor bookkeeping keys (`_record`, `_from_structlog`) are kept as they are.

    A line of plain values under plain keys (most lines) is answered with one search over
    all its texts at once; when that search finds a trigger, each value is redacted."""
    kept: EventDict = {}
    texts: list[str] = []
    for key, value in event_dict.items():
        if key in _KEEP:
            kept[key] = value
        elif _plain(key, value):
            kept[key] = value
            if isinstance(value, str):
                texts.append(value)
        else:
            kept[key] = _entry(key, value, -1)
    if _untouched("\n".join(texts)):
        return kept
    return {
        key: value if key in _KEEP else _entry(key, value, -1) for key, value in event_dict.items()
    }


def _plain(key: object, value: object) -> bool:
    """A value `redact` keeps as it is unless it is a text holding a trigger, under a key
    that is neither secret nor a phone's."""
    return (
        isinstance(key, str)
        and _verdict(key) == (False, False)
        and (value is None or isinstance(value, str | bool | int | float))
    )


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
