"""The writes of a transaction flushed as one statement.

A settlement writes a payment, its order, their events, the store's notifications, a ledger
movement and the inbox row: eight to ten statements, each parsed, bound, planned and executed
on its own by the server, and built, sent and read back on its own by the driver. Queued
here instead, they leave as **one statement**: each write becomes a data-modifying common
table expression (`WITH w0 AS (UPDATE ...), w1 AS (INSERT ...) SELECT ...`), which
PostgreSQL runs in the statement's single snapshot.

Rules:
- a write is queued (`write`) only by the repositories that opt in; any other statement on
  the connection (a read, an unqueued write, COMMIT) first flushes what is queued, so the
  order of the statements of a transaction is kept and a read sees every earlier write;
- the sub-statements of one statement cannot see each other's changes: a write touching a
  row already written in the queue (the same `key`) flushes the queue first;
- a guarded update (`versioned.guarded`: `WITH changed AS (UPDATE ... RETURNING 1) SELECT
  expect_one_row_changed(...) FROM changed`) keeps its check: its SELECT is one more
  expression of the statement, which reads every such check, so a stale version still fails
  the transaction;
- rows written together (`rows.write_all`) keep their order (an identity column such as the
  event histories' `seq` numbers them as given): they are one multi-row INSERT (`multi_row`);
- a write's own common table expressions are lifted to the top (PostgreSQL allows
  data-modifying ones only there), renamed `w<n>_<name>`, as its named parameters are
  `w<n>_<name>` (a queued write has named parameters only).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from psycopg import AsyncConnection, AsyncCursor, AsyncRawCursor

_NAMED = re.compile(r"%\((\w+)\)s")
_CTE = re.compile(r"\s*(\w+)\s+AS\s*\(", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Fragment:
    """One write as parts of the combined statement: its common table expressions (name,
    body) and, for a guarded update, the SELECT reading its check (else None)."""

    ctes: tuple[tuple[str, str], ...]
    check: str | None


@lru_cache(maxsize=512)
def _fragment(query: str, n: int) -> _Fragment:
    """`query` made the `n`th write of a combined statement."""
    prefix = f"w{n}_"
    text = _NAMED.sub(lambda m: f"%({prefix}{m.group(1)})s", query.strip())
    ctes, main = _split(text)
    for name, _ in ctes:
        text_pattern = re.compile(rf"\b{name}\b")
        ctes = [(own, text_pattern.sub(prefix + name, body)) for own, body in ctes]
        main = text_pattern.sub(prefix + name, main)
    renamed = tuple((prefix + name, body) for name, body in ctes)
    if main.lstrip()[:6].upper() == "SELECT":
        return _Fragment(renamed, main)
    return _Fragment((*renamed, (f"w{n}", main)), None)


def _split(text: str) -> tuple[list[tuple[str, str]], str]:
    """A statement's leading `WITH a AS (...), b AS (...)` and the statement after it."""
    if not re.match(r"WITH\b", text, re.IGNORECASE):
        return [], text
    at, ctes = 4, []
    while True:
        match = _CTE.match(text, at)
        if match is None:
            raise ValueError(f"cannot read the WITH clause of {text[:80]!r}")
        end = _closing(text, match.end() - 1)
        ctes.append((match.group(1), text[match.end() : end].strip()))
        at = end + 1
        rest = text[at:].lstrip()
        if not rest.startswith(","):
            return ctes, rest
        at = len(text) - len(rest) + 1


def _closing(text: str, opening: int) -> int:
    """The index of the parenthesis closing the one at `opening` (quotes are respected)."""
    depth, quoted = 0, False
    for i in range(opening, len(text)):
        char = text[i]
        if char == "'":
            quoted = not quoted
        elif quoted:
            continue
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return i
    raise ValueError(f"unbalanced parentheses in {text[:80]!r}")


_VALUES = re.compile(r"\bVALUES\s*(\(.*\))\s*$", re.IGNORECASE | re.DOTALL)


@lru_cache(maxsize=128)
def multi_row(query: str, rows: int) -> str | None:
    """`INSERT ... VALUES (...)` for `rows` rows, row `i`'s parameters named `r<i>_<name>`;
    None when `query` does not end with its one VALUES tuple."""
    match = _VALUES.search(query)
    if match is None or _closing(query, match.start(1)) != match.end(1) - 1:
        return None
    row = match.group(1)
    tuples = [_NAMED.sub(lambda m, i=i: f"%(r{i}_{m.group(1)})s", row) for i in range(rows)]
    return query[: match.start(1)] + ",\n       ".join(tuples)


@dataclass(frozen=True, slots=True)
class _Statement:
    """A combined statement in PostgreSQL's own `$n` placeholders (psycopg neither parses
    nor caches a statement this long with this many parameters: it would read the text
    again at every flush), and where each parameter's value is, `$1` first: the number of
    its write in the queue and its name among that write's parameters."""

    text: str
    sources: tuple[tuple[int, str], ...]


def numbered_rows(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The parameters of `multi_row`'s statement: row `i`'s as `r<i>_<name>`."""
    return {f"r{i}_{k}": v for i, row in enumerate(rows) for k, v in row.items()}


@lru_cache(maxsize=256)
def _statement(queries: tuple[str, ...]) -> _Statement:
    names: dict[str, int] = {}

    def number(match: re.Match[str]) -> str:
        return f"${names.setdefault(match.group(1), len(names) + 1)}"

    text = _NAMED.sub(number, _combined(queries)).replace("%%", "%")
    sources = tuple((int(write[1:]), name) for write, _, name in (n.partition("_") for n in names))
    return _Statement(text, sources)


def _combined(queries: tuple[str, ...]) -> str:
    """The one statement for these writes, in this order."""
    ctes: list[str] = []
    checks: list[str] = []
    for n, query in enumerate(queries):
        fragment = _fragment(query, n)
        ctes += [f"{name} AS ({body})" for name, body in fragment.ctes]
        if fragment.check is not None:
            checks.append(f"c{n}")
            ctes.append(f"c{n} AS ({fragment.check})")
    # a plain SELECT expression runs only when read: the checks are read by the main query
    main = f"SELECT count(*) FROM {', '.join(checks)}" if checks else "SELECT 1"
    return "WITH " + ",\n".join(ctes) + "\n" + main


class WriteBatch:
    """The queue of one transaction's writes (see the module's rules)."""

    def __init__(self) -> None:
        self._writes: list[tuple[str, dict[str, Any]]] = []
        self._keys: dict[object, int] = {}  # a key: where its last write is in the queue

    def conflicts(self, key: object | None) -> bool:
        return key is not None and key in self._keys

    def add(self, query: str, params: dict[str, Any], key: object | None) -> None:
        if key is not None:
            self._keys[key] = len(self._writes)
        self._writes.append((query, params))

    def amend(self, key: object, values: dict[str, Any]) -> bool:
        """Set `values` among the parameters of the last queued write of `key`, when that
        write has them all (a row still to be inserted takes them with its INSERT); False,
        changing nothing, otherwise."""
        at = self._keys.get(key)
        if at is None:
            return False
        params = self._writes[at][1]
        if not values.keys() <= params.keys():
            return False
        params.update(values)
        return True

    def take(self) -> tuple[str, dict[str, Any] | list[Any]] | None:
        """The statement and its parameters (a list for `$n` placeholders, when several
        writes are combined); the queue is emptied."""
        writes, self._writes, self._keys = self._writes, [], {}
        if len(writes) <= 1:  # one write is sent as it is (its text is prepared as it is)
            return writes[0] if writes else None
        statement = _statement(tuple(query for query, _ in writes))
        return statement.text, [writes[n][1][name] for n, name in statement.sources]


class BatchedConnection:
    """A transaction's connection as its repositories see it: `write` queues, every other
    use flushes the queue first. Whatever else is asked is the connection's own.

    The transaction is opened (`begin`: pipeline mode and BEGIN) just before its first
    statement that leaves before the commit. A transaction whose only statement is its final
    flush (a settlement: every write queued, nothing read) is never opened: `finish` sends
    that one statement alone, which PostgreSQL runs as a transaction of its own, all or
    nothing, in one round trip."""

    def __init__(
        self, conn: AsyncConnection[Any], begin: Callable[[], Awaitable[None]] | None = None
    ) -> None:
        self._conn = conn
        self._batch = WriteBatch()
        self._begin_with = begin

    async def write(self, query: str, params: dict[str, Any], key: object | None = None) -> None:
        if self._batch.conflicts(key):
            await self.flush()
        self._batch.add(query, params, key)

    def amend(self, key: object, values: dict[str, Any]) -> bool:
        """`WriteBatch.amend`: whether the queued write of `key` took `values`."""
        return self._batch.amend(key, values)

    async def flush(self) -> None:
        """Send what is queued as one statement (in the pipeline: not waited for)."""
        taken = self._batch.take()
        if taken is not None:
            await self._begin()
            await self._send(*taken)

    async def finish(self) -> None:
        """At commit: send what is queued, without opening the transaction (when it was
        not opened, that statement is its own); nothing opens it afterwards."""
        self._begin_with = None
        await self.flush()

    async def _begin(self) -> None:
        if self._begin_with is not None:
            begin, self._begin_with = self._begin_with, None
            await begin()

    async def _send(self, query: str, params: dict[str, Any] | list[Any]) -> None:
        if isinstance(params, list):
            await AsyncRawCursor(self._conn).execute(query, params)
        else:
            await self._conn.execute(query, params)

    async def execute(self, query: Any, params: Any = None, **kwargs: Any) -> AsyncCursor[Any]:
        await self.flush()
        await self._begin()
        return await self._conn.execute(query, params, **kwargs)

    @asynccontextmanager
    async def cursor(self, *args: Any, **kwargs: Any) -> AsyncIterator[AsyncCursor[Any]]:
        await self.flush()
        await self._begin()
        async with self._conn.cursor(*args, **kwargs) as cur:
            yield cur

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)


async def write(
    conn: AsyncConnection[Any], query: str, params: dict[str, Any], key: object | None = None
) -> None:
    """Queue `query` when `conn` batches (a transaction of the unit of work), else run it."""
    if isinstance(conn, BatchedConnection):
        await conn.write(query, params, key)
    else:
        await conn.execute(query, params)
