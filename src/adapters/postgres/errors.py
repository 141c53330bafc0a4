"""Errors of the Postgres adapter that have no business meaning."""


class ConcurrentUpdate(Exception):
    """A row changed since it was read (its version moved on). Callers that lock the row
    with `get(..., for_update=True)` never see this."""

    def __init__(self, table: str, row_id: str, version: int) -> None:
        super().__init__(f"{table} {row_id} changed since version {version} was read")
        self.table = table
        self.row_id = row_id
        self.version = version
