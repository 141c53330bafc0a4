"""Words of the provider health notices and panel, merged into `i18n.MESSAGES`."""

from __future__ import annotations

HEALTH_MESSAGES: dict[str, dict[str, str]] = {
    "fr": {
        "provider_slow": "{provider} est lent en ce moment.",
        "provider_down": "{provider} est indisponible pour le moment.",
        "provider_down_short": "Indisponible",
        "stuck_slow": "{provider} est lent en ce moment : la confirmation peut prendre du temps.",
        "stuck_down": (
            "{provider} ne répond plus en ce moment. Si vous n'avez rien validé, "
            "vous pouvez payer autrement."
        ),
        "pay_another_way": "Payer autrement",
        "health_title": "Santé des opérateurs (24 h)",
        "health_provider": "Opérateur",
        "health_now": "Maintenant",
        "health_success": "Réussite",
        "health_latency": "Latence (médiane / p95)",
        "health_incidents": "Incidents",
        "health_no_incident": "Aucun incident",
        "health_ongoing": "en cours",
        "health_status_operational": "Opérationnel",
        "health_status_degraded": "Dégradé",
        "health_status_down": "Indisponible",
    },
    "en": {
        "provider_slow": "{provider} is slow right now.",
        "provider_down": "{provider} is unavailable right now.",
        "provider_down_short": "Unavailable",
        "stuck_slow": "{provider} is slow right now: the confirmation may take a while.",
        "stuck_down": (
            "{provider} is not answering right now. If you have not approved anything, "
            "you can pay another way."
        ),
        "pay_another_way": "Pay another way",
        "health_title": "Provider health (24 h)",
        "health_provider": "Provider",
        "health_now": "Now",
        "health_success": "Success",
        "health_latency": "Latency (median / p95)",
        "health_incidents": "Incidents",
        "health_no_incident": "No incident",
        "health_ongoing": "ongoing",
        "health_status_operational": "Operational",
        "health_status_degraded": "Degraded",
        "health_status_down": "Unavailable",
    },
}
