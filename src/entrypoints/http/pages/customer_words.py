"""Words of the customer's pages added with the failure reasons, the way out of a pending
payment, the phone field per provider and the sandbox hints (French first, then English).

`reason_<code>` covers every code of `adapters.providers.reasons.REASONS`
(tests/unit/test_customer_reasons.py checks it): `{provider}` is the operator's name."""

from __future__ import annotations

CUSTOMER_WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "home_title": "Paiements mobile money",
        "home_sandbox": (
            "Ce service tourne en mode sandbox : les paiements sont simulés, aucun argent réel "
            "ne circule."
        ),
        "home_production_badge": "PRODUCTION",
        "home_production": "Ce service tourne en production : les paiements sont réels.",
        "home_docs": "Documentation de l'API",
        "home_docs_note": "Tous les appels, à essayer avec la clé de votre boutique (Authorize).",
        "home_vendor": "Espace vendeur",
        "home_vendor_note": "Commandes, paiements et remboursements de votre boutique.",
        "home_desk": "Bureau des opérateurs",
        "home_desk_note": "Ce qui attend une personne, les boutiques, le journal d'audit.",
        "home_try_title": "Pour commencer",
        "home_try": (
            "Créez une boutique avec le jeton opérateur du sandbox (sandbox-admin-token) : "
            "POST /api/v1/admin/stores, puis une commande avec sa clé API ; son checkout_url "
            "ouvre la page de paiement."
        ),
        "reason_insufficient_funds": "Solde insuffisant.",
        "reason_declined": "Le paiement a été refusé.",
        "reason_not_confirmed": "Le paiement n'a pas été confirmé à temps sur le téléphone.",
        "reason_expired": "Le délai pour confirmer le paiement est dépassé.",
        "reason_invalid_phone": "{provider} ne reconnaît pas ce numéro de téléphone.",
        "reason_no_account": "Ce numéro n'a pas de compte {provider}.",
        "reason_account_blocked": (
            "Votre compte {provider} est bloqué ou inactif : contactez {provider}."
        ),
        "reason_limit_reached": (
            "Une limite de votre compte {provider} est atteinte (montant ou nombre d'opérations)."
        ),
        "reason_amount_too_high": "Ce montant dépasse le maximum accepté par {provider}.",
        "reason_amount_too_low": "Ce montant est inférieur au minimum accepté par {provider}.",
        "reason_wrong_account": (
            "Le paiement venait d'un autre compte {provider} que celui du numéro indiqué."
        ),
        "reason_unsupported_currency": "{provider} n'accepte pas ce montant dans cette monnaie.",
        "reason_operator_refused": "{provider} a refusé le paiement.",
        "reason_unknown": "{provider} a refusé le paiement sans en donner la raison.",
        "stuck_waiting": "Le paiement n'avance pas ? Vous pouvez payer autrement.",
        "pay_another_way": "Payer autrement",
        "back_to_the_shop": "Retour à la boutique",
        "cannot_cancel": (
            "{provider} ne permet pas d'annuler une demande en cours : refusez-la sur votre "
            "téléphone ou attendez qu'elle expire, puis payez autrement."
        ),
        "error_wrong_country": (
            "{provider} accepte ici les numéros {country} ({prefix}). Exemple : {example}"
        ),
        "sandbox_hints_title": "Mode test",
        "sandbox_hints": (
            "Aucun argent réel. Avec Sandbox, le paiement suit les deux derniers chiffres "
            "du numéro : 01 réussit, 02 échoue (solde insuffisant), 03 ne se termine jamais, "
            "04 réussit sans notification, 05 notifie deux fois ; un autre numéro vous "
            "laisse choisir sur la page du simulateur. Avec les opérateurs simulés, ce sont "
            "les deux derniers chiffres du montant (06 : l'opérateur tarde, 07 : il est "
            "indisponible)."
        ),
    },
    "en": {
        "home_title": "Mobile-money payments",
        "home_sandbox": (
            "This service runs in sandbox mode: payments are simulated, no real money moves."
        ),
        "home_production_badge": "PRODUCTION",
        "home_production": "This service runs in production: payments are real.",
        "home_docs": "API documentation",
        "home_docs_note": "Every call, to try with your store's key (Authorize).",
        "home_vendor": "Vendor area",
        "home_vendor_note": "Your store's orders, payments and refunds.",
        "home_desk": "Operators' desk",
        "home_desk_note": "What needs a person, the stores, the audit log.",
        "home_try_title": "Getting started",
        "home_try": (
            "Create a store with the sandbox's operator token (sandbox-admin-token): "
            "POST /api/v1/admin/stores, then an order with its API key; its checkout_url opens "
            "the payment page."
        ),
        "reason_insufficient_funds": "Insufficient balance.",
        "reason_declined": "The payment was declined.",
        "reason_not_confirmed": "The payment was not confirmed on the phone in time.",
        "reason_expired": "The time to confirm the payment ran out.",
        "reason_invalid_phone": "{provider} does not recognise this phone number.",
        "reason_no_account": "This number has no {provider} account.",
        "reason_account_blocked": (
            "Your {provider} account is blocked or inactive: please contact {provider}."
        ),
        "reason_limit_reached": (
            "A limit of your {provider} account was reached (amount or number of operations)."
        ),
        "reason_amount_too_high": "This amount is above the maximum {provider} accepts.",
        "reason_amount_too_low": "This amount is below the minimum {provider} accepts.",
        "reason_wrong_account": (
            "The payment came from another {provider} account than the number given."
        ),
        "reason_unsupported_currency": "{provider} does not accept this amount in this currency.",
        "reason_operator_refused": "{provider} refused the payment.",
        "reason_unknown": "{provider} refused the payment without giving a reason.",
        "stuck_waiting": "Nothing happening? You can pay another way.",
        "pay_another_way": "Pay another way",
        "back_to_the_shop": "Back to the shop",
        "cannot_cancel": (
            "{provider} cannot cancel a request in progress: decline it on your phone or let "
            "it expire, then pay another way."
        ),
        "error_wrong_country": (
            "{provider} takes {country} numbers here ({prefix}). For example: {example}"
        ),
        "sandbox_hints_title": "Test mode",
        "sandbox_hints": (
            "No real money. With Sandbox the payment follows the number's last two digits: "
            "01 succeeds, 02 fails (insufficient balance), 03 never ends, 04 succeeds "
            "without a notification, 05 notifies twice; any other number lets you choose on "
            "the simulator's page. With the simulated operators, the amount's last two "
            "digits decide (06: the operator is slow, 07: it is unavailable)."
        ),
    },
}
