"""Words of the hosted pages, in French (the default) and English (`?lang=en`)."""

from __future__ import annotations

from collections.abc import Callable

from entrypoints.http.pages.desk_i18n import DESK_MESSAGES
from entrypoints.http.pages.health_words import HEALTH_MESSAGES
from entrypoints.http.pages.money_words import MONEY_WORDS
from entrypoints.http.pages.payout_words import PAYOUT_WORDS

LANGUAGES = ("fr", "en")
DEFAULT = "fr"

MESSAGES: dict[str, dict[str, str]] = {
    "fr": {
        "pay_title": "Paiement",
        "order": "Commande",
        "total": "Total",
        "quantity": "Qté",
        "choose_provider": "Choisissez comment payer",
        "phone": "Numéro de téléphone",
        "phone_hint": "Exemple : {example}",
        "phone_optional": "facultatif",
        "pay_button": "Payer {amount}",
        "redirect_note": "Vous serez redirigé vers la page {of_provider}.",
        "approve_note": "Vous confirmerez le paiement sur votre téléphone.",
        "order_paid": "Cette commande est déjà payée. Merci !",
        "order_closed": "Cette commande ne peut plus être payée ({status}).",
        "payment_in_progress": "Un paiement est déjà en cours pour cette commande.",
        "see_status": "Voir où en est le paiement",
        "no_provider": "Aucun moyen de paiement n'est disponible pour le moment.",
        "error_invalid_phone": "Ce numéro de téléphone n'est pas valide. Exemple : {example}",
        "error_phone_required": "{provider} a besoin de votre numéro de téléphone.",
        "error_provider": "Choisissez un moyen de paiement.",
        "error_unavailable": "{provider} ne répond pas pour le moment. Réessayez dans un instant.",
        "error_generic": "Le paiement n'a pas pu démarrer. Réessayez.",
        "status_title": "Suivi du paiement",
        "status_created": "Nous préparons votre paiement…",
        "status_pending": "En attente de votre confirmation",
        "status_pending_detail": (
            "Validez le paiement auprès de {provider}. Cette page se met à jour toute seule."
        ),
        "status_pending_phone": (
            "Un message de confirmation a été envoyé sur "
            "votre téléphone. Saisissez votre code secret pour valider."
        ),
        "status_succeeded": "Paiement réussi",
        "status_succeeded_detail": "Merci ! {amount} ont bien été payés à {store}.",
        "status_failed": "Le paiement n'a pas abouti",
        "status_failed_detail": "Aucun montant n'a été débité.",
        "status_expired": "Le paiement a expiré",
        "status_expired_detail": (
            "Le délai de confirmation est dépassé. Aucun montant n'a été débité."
        ),
        "status_cancelled": "Le paiement a été annulé",
        "status_cancelled_detail": "Aucun montant n'a été débité.",
        "try_again": "Essayer un autre moyen",
        "continue_provider": "Continuer sur la page de {provider}",
        "checking": "Mise à jour automatique…",
        "refresh": "Actualiser",
        "back_to_shop": "Vous pouvez fermer cette page.",
        "return_to_shop": "Retour à {store}",
        "not_found_title": "Page introuvable",
        "not_found": "Ce lien n'existe pas ou n'est plus valable.",
        "forbidden_title": "Action refusée",
        "forbidden": "Le formulaire a expiré. Revenez en arrière, actualisez la page et réessayez.",
        "error_title": "Erreur",
        "login_title": "Espace vendeur",
        "login_intro": "Connectez-vous avec la clé API de votre boutique.",
        "api_key": "Clé API",
        "sign_in": "Se connecter",
        "sign_out": "Se déconnecter",
        "login_failed": "Cette clé n'est pas valable.",
        "login_rate_limited": "Trop de tentatives. Réessayez dans {seconds} s.",
        "error_rate_limited": "Trop de paiements demandés. Réessayez dans {minutes} min.",
        "verify_rate_limited": "Vérifié il y a un instant. Réessayez dans une minute.",
        "dashboard": "Tableau de bord",
        "orders": "Commandes",
        "payments": "Paiements",
        "last_30_days": "30 derniers jours",
        "revenue": "Encaissé",
        "no_revenue": "Rien encaissé pour l'instant",
        "success_rate": "Taux de réussite",
        "by_provider": "Par moyen de paiement",
        "by_country": "Par pays",
        "country_unknown": "Pays inconnu",
        "by_status": "Par statut",
        "revenue_per_day": "Encaissé par jour",
        "no_data": "Aucune donnée",
        "count": "Nombre",
        "provider": "Moyen",
        "status": "Statut",
        "amount": "Montant",
        "date": "Date",
        "reference": "Référence",
        "all": "Tous",
        "filter": "Filtrer",
        "next_page": "Page suivante",
        "first_page": "Première page",
        "nothing": "Rien à afficher.",
        "payment": "Paiement",
        "history": "Historique",
        "source": "Origine",
        "provider_answer": "Réponse du fournisseur",
        "verify_now": "Vérifier maintenant",
        "verified": "Vérifié auprès du fournisseur.",
        "verify_unavailable": "Le fournisseur ne répond pas. Réessayez plus tard.",
        "phone_masked": "Téléphone",
        "provider_reference": "Référence fournisseur",
        "failure": "Échec",
        "needs_refund": "À rembourser (double paiement)",
        "created_at": "Créé le",
        "checkout_link": "Lien de paiement",
        "order_status_pending_payment": "En attente",
        "order_status_paid": "Payée",
        "order_status_cancelled": "Annulée",
        "order_status_expired": "Expirée",
        "pay_status_created": "Créé",
        "pay_status_pending": "En attente",
        "pay_status_succeeded": "Réussi",
        "pay_status_failed": "Échoué",
        "pay_status_expired": "Expiré",
        "pay_status_cancelled": "Annulé",
        "source_api": "API",
        "source_webhook": "Notification du fournisseur",
        "source_reconciliation": "Rapprochement",
        "source_verification": "Vérification",
        "source_system": "Système",
        "language": "English",
        "see_all": "Tout voir",
        "sandbox_badge": "SANDBOX",
    },
    "en": {
        "pay_title": "Payment",
        "order": "Order",
        "total": "Total",
        "quantity": "Qty",
        "choose_provider": "Choose how to pay",
        "phone": "Phone number",
        "phone_hint": "For example: {example}",
        "phone_optional": "optional",
        "pay_button": "Pay {amount}",
        "redirect_note": "You will be taken to the {provider} page.",
        "approve_note": "You will confirm the payment on your phone.",
        "order_paid": "This order is already paid. Thank you!",
        "order_closed": "This order can no longer be paid ({status}).",
        "payment_in_progress": "A payment is already in progress for this order.",
        "see_status": "See how the payment is going",
        "no_provider": "No payment method is available right now.",
        "error_invalid_phone": "This phone number is not valid. For example: {example}",
        "error_phone_required": "{provider} needs your phone number.",
        "error_provider": "Choose a payment method.",
        "error_unavailable": "{provider} is not answering right now. Try again in a moment.",
        "error_generic": "The payment could not start. Please try again.",
        "status_title": "Payment status",
        "status_created": "We are preparing your payment…",
        "status_pending": "Waiting for your confirmation",
        "status_pending_detail": (
            "Approve the payment with {provider}. This page updates by itself."
        ),
        "status_pending_phone": (
            "A confirmation request was sent to your phone. Enter your PIN to approve it."
        ),
        "status_succeeded": "Payment successful",
        "status_succeeded_detail": "Thank you! {amount} has been paid to {store}.",
        "status_failed": "The payment did not go through",
        "status_failed_detail": "No money was taken.",
        "status_expired": "The payment expired",
        "status_expired_detail": "It was not confirmed in time. No money was taken.",
        "status_cancelled": "The payment was cancelled",
        "status_cancelled_detail": "No money was taken.",
        "try_again": "Try another way",
        "continue_provider": "Continue on the {provider} page",
        "checking": "Updating automatically…",
        "refresh": "Refresh",
        "back_to_shop": "You can close this page.",
        "return_to_shop": "Back to {store}",
        "not_found_title": "Page not found",
        "not_found": "This link does not exist or is no longer valid.",
        "forbidden_title": "Action refused",
        "forbidden": "The form has expired. Go back, reload the page and try again.",
        "error_title": "Error",
        "login_title": "Vendor area",
        "login_intro": "Sign in with your store's API key.",
        "api_key": "API key",
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "login_failed": "This key is not valid.",
        "login_rate_limited": "Too many attempts. Try again in {seconds} s.",
        "error_rate_limited": "Too many payment requests. Try again in {minutes} min.",
        "verify_rate_limited": "Checked a moment ago. Try again in a minute.",
        "dashboard": "Dashboard",
        "orders": "Orders",
        "payments": "Payments",
        "last_30_days": "Last 30 days",
        "revenue": "Received",
        "no_revenue": "Nothing received yet",
        "success_rate": "Success rate",
        "by_provider": "By payment method",
        "by_country": "By country",
        "country_unknown": "Country unknown",
        "by_status": "By status",
        "revenue_per_day": "Received per day",
        "no_data": "No data",
        "count": "Count",
        "provider": "Method",
        "status": "Status",
        "amount": "Amount",
        "date": "Date",
        "reference": "Reference",
        "all": "All",
        "filter": "Filter",
        "next_page": "Next page",
        "first_page": "First page",
        "nothing": "Nothing to show.",
        "payment": "Payment",
        "history": "History",
        "source": "Source",
        "provider_answer": "Provider's answer",
        "verify_now": "Verify now",
        "verified": "Checked with the provider.",
        "verify_unavailable": "The provider is not answering. Try again later.",
        "phone_masked": "Phone",
        "provider_reference": "Provider reference",
        "failure": "Failure",
        "needs_refund": "To refund (double payment)",
        "created_at": "Created",
        "checkout_link": "Payment link",
        "order_status_pending_payment": "Pending",
        "order_status_paid": "Paid",
        "order_status_cancelled": "Cancelled",
        "order_status_expired": "Expired",
        "pay_status_created": "Created",
        "pay_status_pending": "Pending",
        "pay_status_succeeded": "Succeeded",
        "pay_status_failed": "Failed",
        "pay_status_expired": "Expired",
        "pay_status_cancelled": "Cancelled",
        "source_api": "API",
        "source_webhook": "Provider notification",
        "source_reconciliation": "Reconciliation",
        "source_verification": "Verification",
        "source_system": "System",
        "language": "Français",
        "see_all": "See all",
        "sandbox_badge": "SANDBOX",
    },
}

# The operator's desk keeps its words in its own module.
for _lang, _words in DESK_MESSAGES.items():
    MESSAGES[_lang].update(_words)


# where is the money (pages/money_words.py)
for _lang, _words in MONEY_WORDS.items():
    MESSAGES[_lang].update(_words)

# balance and payouts (pages/payout_words.py)
for _lang, _words in PAYOUT_WORDS.items():
    MESSAGES[_lang].update(_words)

# provider health (pages/health_words.py)
for _lang, _words in HEALTH_MESSAGES.items():
    MESSAGES[_lang].update(_words)


def language(requested: str | None, remembered: str | None) -> str:
    """`?lang=` when it names a language, else the remembered one, else French."""
    for candidate in (requested, remembered):
        if candidate in LANGUAGES:
            return str(candidate)
    return DEFAULT


def translator(lang: str) -> Callable[..., str]:
    """`t("pay_button", amount="5 000 FCFA")`: the message in `lang`, or its key."""
    table = MESSAGES.get(lang, MESSAGES[DEFAULT])

    def t(key: str, **values: object) -> str:
        text = table.get(key) or MESSAGES[DEFAULT].get(key) or key
        return text.format(**values) if values else text

    return t


# -- refunds: their words live in pages/refund_words.py ---------------------------------------
def _add_refund_words() -> None:
    from entrypoints.http.pages.refund_words import REFUND_WORDS

    for lang, words in REFUND_WORDS.items():
        MESSAGES[lang].update(words)


_add_refund_words()


# -- the customer's pages: failure reasons, ways out, phone per provider (customer_words.py) ---
def _add_customer_words() -> None:
    from entrypoints.http.pages.customer_words import CUSTOMER_WORDS

    for lang, words in CUSTOMER_WORDS.items():
        MESSAGES[lang].update(words)


_add_customer_words()
