"""Why a payment failed, as one small set of codes the customer's pages can put in words.

Each provider reports its own codes (Moov's `"10"`, MTN's `not_enough_funds`, Wave's
`insufficient-funds`) with English texts meant for developers. The payment keeps the
provider's code (the API shows it as is); the pages show `customer_reason(provider, code)`
instead, translated. Rules:
- a provider's code is looked up in that provider's table, then in the codes every provider
  shares (our own refusals: `phone_required`, `expired`...);
- a code nobody knows is `unknown`: the page then says the operator refused the payment,
  never the provider's English text.
"""

from __future__ import annotations

#: The customer's reasons (each has its words in the pages' languages).
REASONS = frozenset(
    {
        "insufficient_funds",
        "declined",
        "not_confirmed",
        "expired",
        "invalid_phone",
        "no_account",
        "account_blocked",
        "limit_reached",
        "amount_too_high",
        "amount_too_low",
        "wrong_account",
        "unsupported_currency",
        "operator_refused",
        "unknown",
    }
)

_SHARED = {
    "insufficient_funds": "insufficient_funds",
    "declined_by_customer": "declined",
    "declined": "declined",
    "expired": "expired",
    "phone_required": "invalid_phone",
    "unsupported_currency": "unsupported_currency",
    "amount_not_whole": "unsupported_currency",
    "provider_credentials_rejected": "operator_refused",
}

_MOOV = {
    "3": "invalid_phone",
    "6": "no_account",
    "7": "account_blocked",
    "9": "account_blocked",
    "10": "insufficient_funds",
    "11": "amount_too_high",
    "12": "amount_too_low",
    **{str(code): "limit_reached" for code in range(13, 21)},
    "92": "not_confirmed",
    **{code: "operator_refused" for code in ("1", "2", "4", "8", "91")},
}

_MTN = {
    "not_enough_funds": "insufficient_funds",
    "payer_limit_reached": "limit_reached",
    "payer_not_found": "no_account",
    "could_not_perform_transaction": "not_confirmed",
    "approval_rejected": "declined",
    "sender_account_not_active": "account_blocked",
    "transaction_canceled": "declined",
    "invalid_payer": "invalid_phone",
    "failed": "operator_refused",
}

_WAVE = {
    "insufficient-funds": "insufficient_funds",
    "payer-mobile-mismatch": "wrong_account",
    "blocked-account": "account_blocked",
    "invalid-wallet": "no_account",
}

_ORANGE = {"failed": "operator_refused"}

_BY_PROVIDER: dict[str, dict[str, str]] = {
    "moov_money": _MOOV,
    "mtn_momo": _MTN,
    "wave": _WAVE,
    "orange_money": _ORANGE,
}


def customer_reason(provider: str, failure_code: str | None) -> str | None:
    """The customer's reason for `failure_code` reported by `provider` (None: no failure)."""
    if not failure_code:
        return None
    code = failure_code.strip()
    own = _BY_PROVIDER.get(provider, {})
    return own.get(code) or own.get(code.lower()) or _SHARED.get(code.lower(), "unknown")
