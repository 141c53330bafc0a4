from django import template

register = template.Library()

SYMBOLS = {"XOF": "FCFA", "XAF": "FCFA"}


@register.filter
def money(amount: int, currency: str = "XOF") -> str:
    """`7500|money:"XOF"` -> `7 500 FCFA` (XOF and XAF have no minor unit)."""
    grouped = f"{int(amount):,}".replace(",", "\u202f")
    return f"{grouped} {SYMBOLS.get(currency, currency)}"


STATUSES = {
    "pending_payment": "En attente de paiement",
    "paid": "Payée",
    "cancelled": "Annulée",
    "expired": "Expirée",
    "created": "Créé",
    "pending": "En attente",
    "succeeded": "Réussi",
    "failed": "Échoué",
}
PROVIDERS = {
    "orange_money": "Orange Money",
    "mtn_momo": "MTN MoMo",
    "wave": "Wave",
    "moov_money": "Moov Money",
    "sandbox": "Sandbox",
}


@register.filter
def status_fr(status: str) -> str:
    """The service's status words, in French."""
    return STATUSES.get(status, status)


@register.filter
def provider_name(provider: str) -> str:
    return PROVIDERS.get(provider, provider)
