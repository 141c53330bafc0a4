"""`payments balances`: where is the money. One line per provider account and currency:
what the ledger says the operator holds for the marketplace, the operators' fees the ledger
booked, what the operator says it holds, and the difference (operator less ledger)."""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Sequence
from typing import Any

from application.payouts.where_is_the_money import AccountHoldings
from domain.money import Money
from entrypoints.container import Container, resolve
from entrypoints.database import prepare
from entrypoints.settings import Settings

HEADERS = ("provider", "country", "currency", "ledger", "fees booked", "operator", "difference")
NO_BALANCE_API = "the operator tells no balance"


def add_command(commands: Any) -> None:
    balances = commands.add_parser(
        "balances", help="where is the money: the ledger beside each operator's balance"
    )
    balances.add_argument("--json", action="store_true", help="print JSON instead of a table")
    balances.set_defaults(run=run)


def run(settings: Settings, args: argparse.Namespace) -> int:
    prepare(settings)  # migrations as the tables' owner, as every command does
    rows = asyncio.run(holdings(settings))
    print(json.dumps([as_json(r) for r in rows], indent=2) if args.json else table(rows))
    return 0


async def holdings(settings: Settings) -> list[AccountHoldings]:
    container = Container(settings=settings)
    await container.init_resources()  # type: ignore[misc]
    try:
        return list(await (await resolve(container.where_is_the_money))())
    finally:
        await container.shutdown_resources()  # type: ignore[misc]


def table(rows: Sequence[AccountHoldings]) -> str:
    """Aligned columns, amounts in currency units; a note says why an operator is blank."""
    if not rows:
        return "No provider account holds money yet, and no operator tells a balance."
    lines = [HEADERS, *(_cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(HEADERS))]
    text = []
    for line, row in zip(lines, [None, *rows], strict=True):
        cells = [
            c.ljust(w) if i < 3 else c.rjust(w)
            for i, (c, w) in enumerate(zip(line, widths, strict=True))
        ]
        note = _note(row) if row else "note"
        text.append("  ".join([*cells, note]).rstrip())
    text.append("difference = operator - ledger: the operators' own fees and money on its way.")
    return "\n".join(text)


def _align(column: int, cell: str, width: int) -> str:
    """Names to the left, amounts to the right."""
    return cell.ljust(width) if column < 3 else cell.rjust(width)


def _cells(row: AccountHoldings) -> tuple[str, ...]:
    def amount(value: int | None) -> str:
        if value is None or row.currency is None:
            return "-"
        return Money(value, row.currency).format("en").rsplit(" ", 1)[0]

    return (
        row.provider,
        row.country or "default",
        str(row.currency or "-"),
        amount(row.ledger),
        amount(row.fees_booked),
        amount(row.operator),
        amount(row.difference),
    )


def _note(row: AccountHoldings) -> str:
    if row.unavailable:
        return f"unavailable: {row.unavailable}"
    return NO_BALANCE_API if row.operator is None else ""


def as_json(row: AccountHoldings) -> dict[str, Any]:
    return {
        "provider": row.provider,
        "country": row.country,
        "currency": str(row.currency) if row.currency else None,
        "ledger": row.ledger,
        "fees_booked": row.fees_booked,
        "operator": row.operator,
        "difference": row.difference,
        "unavailable": row.unavailable,
    }
