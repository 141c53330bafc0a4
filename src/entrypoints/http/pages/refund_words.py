"""Words of the refund parts of the vendor's pages (French first, then English)."""

from __future__ import annotations

REFUND_WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "refunds": "Remboursements",
        "refunded": "Remboursé",
        "no_refunds": "Aucun remboursement sur la période.",
        "no_refund_yet": "Aucun remboursement pour ce paiement.",
        "amount_refunded": "Déjà remboursé",
        "refund_left": "Reste remboursable : {amount}",
        "refund_amount": "Montant à rembourser",
        "refund_amount_hint": "Laissez vide pour rembourser tout le reste.",
        "refund_reason": "Motif (facultatif)",
        "refund_button": "Rembourser",
        "refund_created": "Remboursement demandé.",
        "refund_full_only": "{provider} ne rembourse que le paiement entier.",
        "refund_manual": (
            "{provider} n'a pas d'API de remboursement : un opérateur le fera à la main."
        ),
        "refund_status_pending": "En cours",
        "refund_status_succeeded": "Remboursé",
        "refund_status_failed": "Échoué",
        "refund_status_requires_action": "À traiter par un opérateur",
        "refund_error_payment_not_refundable": "Seul un paiement réussi peut être remboursé.",
        "refund_error_refund_exceeds_payment": "Ce montant dépasse ce qu'il reste à rembourser.",
        "refund_error_partial_refund_not_supported": (
            "Ce fournisseur ne rembourse que le paiement entier."
        ),
        "refund_error_validation_failed": "Le montant doit être un nombre entier positif.",
        "refund_error_provider_not_available": "Ce fournisseur n'est plus disponible.",
    },
    "en": {
        "refunds": "Refunds",
        "refunded": "Refunded",
        "no_refunds": "No refunds in this period.",
        "no_refund_yet": "No refund for this payment.",
        "amount_refunded": "Already refunded",
        "refund_left": "Left to refund: {amount}",
        "refund_amount": "Amount to refund",
        "refund_amount_hint": "Leave empty to refund all that is left.",
        "refund_reason": "Reason (optional)",
        "refund_button": "Refund",
        "refund_created": "Refund requested.",
        "refund_full_only": "{provider} only refunds the whole payment.",
        "refund_manual": "{provider} has no refund API: an operator will refund by hand.",
        "refund_status_pending": "Pending",
        "refund_status_succeeded": "Refunded",
        "refund_status_failed": "Failed",
        "refund_status_requires_action": "Waiting for an operator",
        "refund_error_payment_not_refundable": "Only a succeeded payment can be refunded.",
        "refund_error_refund_exceeds_payment": "This amount is more than is left to refund.",
        "refund_error_partial_refund_not_supported": (
            "This provider only refunds the whole payment."
        ),
        "refund_error_validation_failed": "The amount must be a positive whole number.",
        "refund_error_provider_not_available": "This provider is no longer available.",
    },
}
