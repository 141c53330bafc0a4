"""A store: one vendor plugged into the service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(slots=True, kw_only=True)
class Store:
    """A vendor. Its API key is only ever kept as a hash; `webhook_secret` signs the
    notifications sent to `notification_url`."""

    id: str
    name: str
    api_key_hash: str
    api_key_prefix: str
    webhook_secret: str
    created_at: datetime
    notification_url: str | None = None
