"""Names that existing integrations of these providers use for the same settings (a
marketplace's `.env` often says `ORANGE_MONEY_API_KEY` where this service reads
`ORANGE_MONEY_CLIENT_ID`). They are never ignored: a legacy name is used for the preferred one
when that is unset, with a warning naming the preferred variable; when both are set to
different values the preferred one wins and the warning says the legacy one is not used."""

from __future__ import annotations

from collections.abc import Mapping

#: legacy name -> preferred name.
ALIASES: dict[str, str] = {
    "ORANGE_MONEY_API_KEY": "ORANGE_MONEY_CLIENT_ID",
    "ORANGE_MONEY_API_SECRET": "ORANGE_MONEY_CLIENT_SECRET",
    "ORANGE_MONEY_CLIENT_KEY": "ORANGE_MONEY_CLIENT_ID",
    "ORANGE_MONEY_MERCHANT_ID": "ORANGE_MONEY_MERCHANT_KEY",
    "MTN_MOMO_PRIMARY_KEY": "MTN_MOMO_SUBSCRIPTION_KEY",
    "MTN_MOMO_COLLECTION_PRIMARY_KEY": "MTN_MOMO_SUBSCRIPTION_KEY",
    "MTN_MOMO_COLLECTION_SUBSCRIPTION_KEY": "MTN_MOMO_SUBSCRIPTION_KEY",
    "MTN_MOMO_USER_ID": "MTN_MOMO_API_USER",
    "MTN_MOMO_COLLECTION_USER_ID": "MTN_MOMO_API_USER",
    "MTN_MOMO_API_SECRET": "MTN_MOMO_API_KEY",
    "MTN_MOMO_COLLECTION_API_SECRET": "MTN_MOMO_API_KEY",
    "MTN_MOMO_ENVIRONMENT": "MTN_MOMO_TARGET_ENVIRONMENT",
    "WAVE_SECRET_KEY": "WAVE_API_KEY",
    "WAVE_API_SECRET": "WAVE_API_KEY",
    "WAVE_SIGNING_SECRET": "WAVE_WEBHOOK_SECRET",
    "WAVE_WEBHOOK_SIGNING_SECRET": "WAVE_WEBHOOK_SECRET",
    "MOOV_MONEY_API_USERNAME": "MOOV_MONEY_USERNAME",
    "MOOV_MONEY_API_PASSWORD": "MOOV_MONEY_PASSWORD",
    "MOOV_MONEY_BASE_URL": "MOOV_MONEY_URL",
}


def translate(values: Mapping[str, str]) -> tuple[dict[str, str], list[str]]:
    """The values with each legacy name's value under its preferred name (unless that is
    already set), and one warning per legacy name found, naming the preferred variable."""
    result = dict(values)
    warnings: list[str] = []
    for legacy, preferred in ALIASES.items():
        value = (values.get(legacy) or "").strip()
        if not value:
            continue
        current = (values.get(preferred) or "").strip()
        if not current:
            result[preferred] = value
            warnings.append(f"{legacy} is an old name: rename it {preferred} (used for now)")
        elif current != value:
            warnings.append(f"{legacy} is not used: {preferred} is set and wins; remove {legacy}")
        else:
            warnings.append(f"{legacy} duplicates {preferred}: remove {legacy}")
    return result, warnings
