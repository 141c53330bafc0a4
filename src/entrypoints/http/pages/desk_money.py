"""The desk's "where is the money" page: each provider account's ledger figure beside what
its operator says it holds, the fees booked, and the difference (application/payouts/
where_is_the_money.py states the rules). Nothing is changed from here."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency, Provide

from application.payouts.where_is_the_money import AccountHoldings, WhereIsTheMoney
from domain.money import Money
from domain.operator import Actor
from entrypoints.http.pages.desk import provide_desk_operator
from entrypoints.http.pages.web import render


def row_view(row: AccountHoldings) -> dict[str, Any]:
    """Amounts as Money (the template formats them), None where there is no figure."""

    def money(value: int | None) -> Money | None:
        return None if value is None or row.currency is None else Money(value, row.currency)

    return {
        "row": row,
        "ledger": money(row.ledger),
        "fees_booked": money(row.fees_booked),
        "operator": money(row.operator),
        "difference": money(row.difference),
    }


class MoneyPageController(Controller):
    path = "/money"
    include_in_schema = False
    dependencies = {"operator": Provide(provide_desk_operator)}

    @get("/", name="desk_money")
    async def money(
        self,
        request: Request[Any, Any, Any],
        operator: NamedDependency[Actor],
        where_is_the_money: NamedDependency[WhereIsTheMoney],
    ) -> Response[Any]:
        rows = await where_is_the_money()
        context = {"operator": operator, "rows": [row_view(r) for r in rows], "nav": "money"}
        return render(request, "desk_money.html", context)
