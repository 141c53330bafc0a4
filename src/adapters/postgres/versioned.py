"""Optimistic version checks that hold in pipeline mode: the server itself refuses a stale
write (migration 0006), so that the transaction fails before its COMMIT, whatever the client
has read back yet."""

from __future__ import annotations


def guarded(update: str, table: str) -> str:
    """`update` (`UPDATE ... WHERE id = %(id)s AND version = %(version)s`) made to fail its
    transaction with `serialization_failure` when it changes no row."""
    return (
        f"WITH changed AS ({update.strip()} RETURNING 1)\n"
        f"SELECT expect_one_row_changed(count(*), '{table} ' || %(id)s) FROM changed"
    )
