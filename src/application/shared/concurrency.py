"""Running a batch of independent tasks."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any


async def gather_all(tasks: list[Coroutine[Any, Any, None]]) -> None:
    """Run every task to its end, even when some fail; then raise the first failure, so the
    job that ran the batch is reported failed (its leases make the failed items come back)."""
    results = await asyncio.gather(*tasks, return_exceptions=True)
    for result in results:
        if isinstance(result, BaseException):
            raise result
