"""Operators: the marketplace's staff, who act on stores and on what needs a person."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did an operator action, as the audit log names them."""

    id: str
    name: str


#: The single `PAYMENTS_ADMIN_TOKEN`, kept as the bootstrap credential.
BOOTSTRAP = Actor("bootstrap", "admin")
#: The `payments` command line, run by whoever has the server's shell.
COMMAND_LINE = Actor("cli", "command line")


@dataclass(slots=True, kw_only=True)
class Operator:
    """A named operator token. Like API keys, the token is only ever kept as a hash and
    shown once; a revoked operator's token stops working at once and is never reactivated."""

    id: str
    name: str
    token_hash: str
    token_prefix: str
    created_at: datetime
    revoked_at: datetime | None = None

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None

    @property
    def actor(self) -> Actor:
        return Actor(self.id, self.name)

    def revoke(self, at: datetime) -> bool:
        """Returns False when it was already revoked."""
        if self.revoked_at is not None:
            return False
        self.revoked_at = at
        return True
