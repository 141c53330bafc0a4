"""What a page's form may hold, and the amounts a person types in one (a refund, a queue
resolution).

Every field of a form obeys the service's text rules (`accepted_input.check_fields`: no
control character, no lone surrogate), holds no U+FFFD (what bytes that are not UTF-8 become
when the form is decoded: nobody types it) and at most `MAX_FIELD` characters (the longest
the pages let a person type); `checked_form` refuses anything else with `RefusedInput`, a 422
page, before a use case sees it.


Rules: ASCII digits only, with spaces between groups allowed ("2 000"); 1 to 15 digits (a
bigint holds them all); above zero; empty means "not given" (`None`). Anything else, `²`, `٥`,
`1e3`, `-5`, `2.5` or a 5,000-digit number included, is refused with `BadAmount`: `str.isdigit`
accepts characters `int()` cannot read, and `int()` refuses very long numbers, so neither is
used to decide."""

from __future__ import annotations

import re
from typing import TypeVar

import msgspec

from entrypoints.http.accepted_input import RefusedInput, check_fields

Form = TypeVar("Form", bound=msgspec.Struct)
MAX_FIELD = 2000
NOT_UTF8 = "\ufffd"
MAX_DIGITS = 15
_AMOUNT = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")


class BadAmount(ValueError):
    """The text is not a positive whole amount as the rules above say."""


def form_amount(text: str) -> int | None:
    """The amount in minor units, `None` when the field was left empty."""
    digits = "".join(text.split())
    if not digits:
        return None
    if not _AMOUNT.fullmatch(digits) or int(digits) <= 0:
        raise BadAmount("the amount must be a positive whole number")
    return int(digits)


def checked_form(data: Form) -> Form:
    """`data` when every field is accepted text of at most `MAX_FIELD` characters."""
    check_fields(data)
    for name in data.__struct_fields__:
        value = getattr(data, name)
        if not isinstance(value, str):
            continue
        if len(value) > MAX_FIELD:
            raise RefusedInput(name, f"must be at most {MAX_FIELD} characters")
        if NOT_UTF8 in value:
            raise RefusedInput(name, "must be valid UTF-8")
    return data
