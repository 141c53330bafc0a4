from django import template

register = template.Library()

SYMBOLS = {"XOF": "FCFA", "XAF": "FCFA"}


@register.filter
def money(amount: int, currency: str = "XOF") -> str:
    """`7500|money:"XOF"` -> `7 500 FCFA` (XOF and XAF have no minor unit)."""
    grouped = f"{int(amount):,}".replace(",", "\u202f")
    return f"{grouped} {SYMBOLS.get(currency, currency)}"
