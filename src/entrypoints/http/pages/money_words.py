"""Words of the desk's "where is the money" page, French (first) and English."""

from __future__ import annotations

MONEY_WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "money": "Où est l'argent",
        "money_intro": (
            "Pour chaque compte opérateur : ce que le grand livre dit que l'opérateur détient "
            "pour la place de marché, ce que l'opérateur dit détenir, et l'écart."
        ),
        "money_account": "Compte",
        "money_default_account": "compte par défaut",
        "money_ledger": "Grand livre",
        "money_fees_booked": "Frais comptés",
        "money_operator": "Opérateur",
        "money_difference": "Écart",
        "money_no_balance_api": "l'opérateur ne donne pas de solde",
        "money_unavailable": "indisponible : {reason}",
        "money_nothing": "Aucun compte opérateur ne détient d'argent pour l'instant.",
        "money_fees_note": (
            "L'écart est le solde de l'opérateur moins celui du grand livre. Les frais des "
            "opérateurs le creusent : ceux que le grand livre a comptés (frais de versement "
            "Wave) sont affichés à côté ; le reste de l'écart, ce sont les frais que "
            "l'opérateur prélève sans nous les dire (frais d'encaissement, de transfert MTN ou "
            "Moov) ou de l'argent encore en route."
        ),
    },
    "en": {
        "money": "Where is the money",
        "money_intro": (
            "For each operator account: what the ledger says the operator holds for the "
            "marketplace, what the operator says it holds, and the difference."
        ),
        "money_account": "Account",
        "money_default_account": "default account",
        "money_ledger": "Ledger",
        "money_fees_booked": "Fees booked",
        "money_operator": "Operator",
        "money_difference": "Difference",
        "money_no_balance_api": "the operator tells no balance",
        "money_unavailable": "unavailable: {reason}",
        "money_nothing": "No operator account holds money yet.",
        "money_fees_note": (
            "The difference is the operator's balance less the ledger's. The operators' fees "
            "make it: those the ledger booked (Wave's payout fee) are shown beside it; the "
            "rest is what the operator charges without telling us (collection fees, MTN's or "
            "Moov's transfer fees) or money still on its way."
        ),
    },
}
