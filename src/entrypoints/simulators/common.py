"""What the operators' routes share: reading bodies, scenario hooks, the customer's choice."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from litestar import Request, Response

from entrypoints.simulators.ledger import Ledger, Transaction
from entrypoints.simulators.scenarios import Outcome


def json_answer(body: Any, status: int = 200) -> Response[Any]:
    return Response(body, status_code=status, media_type="application/json")


def empty(status: int) -> Response[bytes]:
    return Response(b"", status_code=status, media_type="text/plain")


async def json_body(request: Request[Any, Any, Any]) -> Any:
    """The request's JSON, or None when it is not JSON."""
    try:
        return json.loads(await request.body())
    except (ValueError, UnicodeDecodeError):
        return None


async def start_delay(outcome: Outcome, hang_seconds: float) -> None:
    """The 06 scenario: the request is taken, its answer comes too late for the client."""
    if outcome is Outcome.START_HANGS:
        await asyncio.sleep(hang_seconds)


async def customer_choice(
    ledger: Ledger, transaction: Transaction, choice: str, callback: str | None
) -> bool:
    """The customer's answer on a simulated page: `approve` or `decline`; `callback=lost`
    or `twice` changes how the result is announced. An amount whose scenario fails (`…02`)
    fails even when the customer confirms before the simulator settles it: the wallet is
    short, as the operator would say (a confirmation never turns the failure path into a
    success)."""
    short = transaction.outcome is Outcome.FAILS
    if callback == "lost":
        transaction.outcome = Outcome.CALLBACK_LOST
    elif callback == "twice":
        transaction.outcome = Outcome.CALLBACK_TWICE
    if choice == "approve" and short:
        return await ledger.settle(transaction, False, "insufficient_funds")
    if choice == "approve":
        return await ledger.settle(transaction, True, None)
    return await ledger.settle(transaction, False, "declined")
