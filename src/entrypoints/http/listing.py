"""The list parameters of API.md: `?limit=` (an integer from 1 to 100, default 20) and
`?starting_after=<id>` (an id of the listed kind).

Rules, checked by the guard `list_parameters(prefix)` before the handler's parameters are
read (so Litestar's lenient number parsing never sees them):
- `limit` is written in plain decimal digits and is 1 to 100: `1e2`, `10.0`, `+5`, `05`, `0`
  and `101` are refused with 422 `validation_failed` naming `limit`;
- `starting_after` has the shape of an id of the listed kind (`ord_...` for orders), else 422;
  a well-formed id that is unknown, or another store's, is 400 `invalid_cursor` (the
  repository's `check_cursor`): both get the same answer, so a cursor tells nothing about
  other stores, and a client with a stale cursor is told instead of looping;
- each may be given once.
"""

from __future__ import annotations

import re
from typing import Annotated, Any

from litestar.connection import ASGIConnection
from litestar.handlers import BaseRouteHandler
from litestar.params import QueryParameter
from litestar.types import Guard

from adapters.ids import looks_like_id
from entrypoints.http.accepted_input import RefusedInput

MAX_LIMIT = 100
_LIMIT = re.compile(r"[1-9][0-9]{0,2}")

Limit = Annotated[
    int, QueryParameter(ge=1, le=MAX_LIMIT, description="Page size, 1 to 100 (default 20)")
]
Cursor = Annotated[
    str | None,
    QueryParameter(max_length=100, description="Id of the last item of the previous page"),
]


def list_parameters(prefix: str) -> Guard:
    """The guard of a list whose items' ids start with `prefix` (`ord`, `pay`, `evt`, `str`)."""

    async def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        query = connection.query_params
        limits = query.getall("limit", [])
        cursors = query.getall("starting_after", [])
        for name, values in (("limit", limits), ("starting_after", cursors)):
            if len(values) > 1:
                raise RefusedInput(name, "must be given once")
        if limits and not (_LIMIT.fullmatch(limits[0]) and int(limits[0]) <= MAX_LIMIT):
            raise RefusedInput("limit", f"must be an integer from 1 to {MAX_LIMIT}")
        if cursors and not looks_like_id(cursors[0], prefix):
            raise RefusedInput("starting_after", f"must be the id of a listed item ({prefix}_...)")

    return guard
