"""Real examples of the request bodies for the OpenAPI document (Swagger UI otherwise makes
them up from the schemas: `"string"`, `additionalProp1`). Each is a body the API accepts
(tests/integration/test_openapi_document.py sends them)."""

from __future__ import annotations

from typing import Any

EXAMPLES: dict[str, dict[str, Any]] = {
    "CreateOrderIn": {
        "reference": "CMD-2041",
        "amount": 7500,
        "currency": "XOF",
        "description": "Boubou brodé",
        "country": "CI",
        "customer": {"name": "Awa Koné", "phone": "+2250700000001"},
        "items": [
            {"name": "Boubou brodé", "quantity": 1, "unit_amount": 6000},
            {"name": "Livraison Abidjan", "quantity": 1, "unit_amount": 1500},
        ],
        "metadata": {"cart_id": "c_81"},
        "return_url": "https://shop.example/orders/2041",
    },
    "CreatePaymentIn": {"provider": "sandbox", "phone": "+2250700000001"},
    "CreateStoreIn": {
        "name": "Boutique Awa",
        "notification_url": "https://shop.example/payments/notifications",
    },
    "CreateRefundIn": {"amount": 2500, "reason": "Taille trop petite"},
    "StoreUpdateIn": {
        "notification_url": "https://shop.example/payments/notifications",
        "reason": "Nouvelle adresse du vendeur",
    },
    "StoreActionIn": {"reason": "Fraude signalée par l'opérateur"},
    "ResolveIn": {"action": "dismiss", "reason": "Vérifié avec le vendeur"},
    "AdjustmentIn": {"amount": 500, "currency": "XOF", "reason": "Geste commercial"},
    "DestinationIn": {"provider": "wave", "phone": "+2250700000001", "name": "Awa Koné"},
    "PayoutIn": {
        "amount": 5000,
        "currency": "XOF",
        "destination_id": "pdst_01JH0Y7M8Q2W3E4R5T6Y7U8I9O",
        "description": "Ventes de la semaine",
    },
    "ScheduleIn": {
        "interval": "daily",
        "destination_id": "pdst_01JH0Y7M8Q2W3E4R5T6Y7U8I9O",
        "minimum": 1000,
    },
    "RecordPayoutIn": {"outcome": "succeeded", "reference": "MP250301.1512.C00042"},
}

#: Examples of the free-form objects of the answers (Swagger UI would show `additionalProp1`).
FREE_FORM: dict[tuple[str, str], Any] = {
    ("AuditEntryOut", "before"): {"notification_url": "https://shop.example/old"},
    ("AuditEntryOut", "after"): {"notification_url": "https://shop.example/payments/notify"},
    ("EventOut", "data"): {"provider": {"status": "SUCCESSFUL"}},
    ("OrderOut", "metadata"): {"cart_id": "c_81"},
    ("OrdersOut", "by_status"): {"paid": 12, "pending_payment": 3},
    ("PaymentsOut", "by_status"): {"succeeded": 12, "failed": 2},
    ("PaymentsOut", "by_provider"): {"wave": 9, "mtn_momo": 5},
    ("StatsOut", "success_rate_by_provider"): {"wave": 0.94, "mtn_momo": 0.81},
    ("StatsOut", "by_country"): {
        "CI": {
            "payments": 14,
            "success_rate": 0.93,
            "revenue": [{"amount": 75000, "currency": "XOF"}],
        },
    },
    ("StoreEventOut", "data"): {"object": {"id": "pay_01J...", "status": "succeeded"}},
    ("CreateOrderIn", "metadata"): {"cart_id": "c_81"},
}


def add_free_form_examples(schemas: dict[str, Any]) -> None:
    """Give each free-form object of `FREE_FORM` its example, on the property itself."""
    for (name, field), example in FREE_FORM.items():
        schema = schemas.get(name)
        properties = (
            schema.get("properties")
            if isinstance(schema, dict)
            else getattr(schema, "properties", None)
        )
        prop = (properties or {}).get(field)
        if isinstance(prop, dict):
            prop["example"] = example
        elif prop is not None and hasattr(prop, "example"):
            prop.example = example
