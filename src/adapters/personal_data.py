"""An order's customer with its personal data masked, for the retention pass: the phone as
`mask_phone` shows it (`+225 07 •• •• •• 99`), each word of the name reduced to its first
letter (`A•• D•••••`), the e-mail's local part to its first character (`a•••@example.com`:
the domain says little about a person). A value already masked is kept as it is, so the pass
can run twice."""

from __future__ import annotations

from typing import Any

from adapters.phones import mask_phone

MASK = "•"


def mask_name(name: str) -> str:
    if MASK in name:
        return name
    return " ".join(word[:1] + MASK * (len(word) - 1) for word in name.split())


def mask_email(email: str) -> str:
    if MASK in email:
        return email
    local, at, domain = email.rpartition("@")
    if not at:
        return mask_name(email)
    return f"{local[:1]}{MASK * max(len(local) - 1, 1)}@{domain}"


MASKERS = {"name": mask_name, "phone": mask_phone, "email": mask_email}
#: The objects whose `name` and `phone` are a payee's (a payout's, a payout destination's).
PAYEES = frozenset({"payout", "payout_destination"})


def masked_customer(customer: dict[str, Any]) -> dict[str, Any]:
    """`customer` (as stored) with its name, phone and email masked; other keys kept."""
    return {
        key: MASKERS[key](value) if key in MASKERS and isinstance(value, str) else value
        for key, value in customer.items()
    }


def replacements(customer: dict[str, Any]) -> list[tuple[str, str]]:
    """(full, masked) pairs for finding the customer's phone and e-mail in stored text (values
    that cannot be mistaken for other text): the phone in its E.164 form and without its `+`,
    the e-mail; longest first, so that a shorter value is not replaced inside a longer one.
    A name is only masked where it stands as a customer's (`masked_in`)."""
    masked = masked_customer(customer)
    pairs = []
    for key in ("phone", "email"):
        full, hidden = customer.get(key), masked.get(key)
        if isinstance(full, str) and isinstance(hidden, str) and full and full != hidden:
            pairs.append((full, hidden))
            if key == "phone" and full.startswith("+") and len(full) > 8:
                pairs.append((full[1:], hidden.lstrip("+").replace(" ", "")))
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)


def masked_in(value: Any, pairs: list[tuple[str, str]], customers: bool = True) -> Any:
    """`value` (decoded JSON) with every string holding one of the `pairs`' full values masked
    and, with `customers`, every `customer` object and the payee of every payout or payout
    destination object (`PAYEES`) masked, at any depth; keys are kept. (The event histories
    take `customers=False`: their trigger lets only digits be hidden.)"""
    if isinstance(value, str):
        for full, hidden in pairs:
            value = value.replace(full, hidden)
        return value
    if isinstance(value, list):
        return [masked_in(item, pairs, customers) for item in value]
    if isinstance(value, dict):
        if customers and _is_payee(value):
            value = masked_customer(value)
        return {
            key: masked_customer(item)
            if customers and key == "customer" and isinstance(item, dict)
            else masked_in(item, pairs, customers)
            for key, item in value.items()
        }
    return value


def _is_payee(value: dict[str, Any]) -> bool:
    kind = value.get("object")
    return isinstance(kind, str) and kind in PAYEES
