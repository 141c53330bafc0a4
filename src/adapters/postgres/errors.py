"""Errors of the Postgres adapter."""

from application.errors import ConcurrentChange


class ConcurrentUpdate(ConcurrentChange):
    """A row changed since it was read (its version moved on): the server refused the write
    (`versioned.guarded`) and the transaction was rolled back. Callers that lock the row with
    `get(..., for_update=True)` never see this."""
