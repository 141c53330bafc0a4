"""Callbacks of providers that sign nothing (MTN, Orange): the URL we handed them carries
`?payment=<id>&sig=<hex HMAC(secret, "<route>:<id>")>` (docs/api.md), checked here first."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from adapters.urls import ServiceUrls
from application.errors import MalformedWebhook, WebhookRejected

INVALID_SIGNATURE = "invalid_callback_signature"

#: The header under which the HTTP layer hands authenticators the caller's address (the
#: socket's peer, or what `TRUSTED_PROXIES` allow to be read from X-Forwarded-For); a header
#: of that name sent by the caller is replaced, never believed.
CLIENT_ADDRESS_HEADER = "x-payments-client-address"


def signed_payment_id(urls: ServiceUrls, route: str, query: Mapping[str, str]) -> str:
    """The payment the callback URL was signed for; `WebhookRejected` when `sig` is
    missing or is not ours."""
    payment_id = query.get("payment")
    if payment_id is None or not urls.verify_callback(route, payment_id, query.get("sig")):
        raise WebhookRejected(INVALID_SIGNATURE)
    return payment_id


def json_object(body: bytes, provider: str) -> dict[str, Any]:
    """The callback body as a JSON object; `MalformedWebhook` when it is anything else."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise MalformedWebhook(f"the {provider} callback is not JSON") from error
    if not isinstance(data, dict):
        raise MalformedWebhook(f"the {provider} callback is not a JSON object")
    return data
