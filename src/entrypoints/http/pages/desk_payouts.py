"""The desk's payouts page: payouts by status (those waiting for a person, with the form that
records them paid or failed), payout numbers waiting for approval, and adjustments of a
store's balance. The same use cases (audited) as the operator routes of the API."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect
from msgspec import Struct

from application.ledger.adjust import AdjustBalance, AdjustmentCommand
from application.payouts.destinations import ApproveDestination, DestinationQueries
from application.payouts.follow import RecordPayout
from application.payouts.queries import PayoutQueries
from application.shared.ports import PageRequest
from domain.errors import PaymentError
from domain.money import Currency, Money
from domain.operator import Actor
from domain.payout import PayoutStatus
from entrypoints.http.pages.desk import provide_desk_operator
from entrypoints.http.pages.form_amount import checked_form
from entrypoints.http.pages.vendor_money import error_key
from entrypoints.http.pages.web import render
from entrypoints.http.problems import lookup

PAGE = "/admin/payouts/"


class RecordForm(Struct, frozen=True):
    outcome: str = ""
    reference: str = ""
    note: str = ""


class AdjustmentForm(Struct, frozen=True):
    store_id: str = ""
    amount: str = ""
    currency: str = ""
    reason: str = ""


def _back(error: PaymentError | str | None = None, **query: str) -> Redirect:
    if isinstance(error, str):
        query["error"] = error
    elif error is not None:
        problem = lookup(error)
        query["error"] = problem.code if problem else "validation_failed"
    suffix = "&".join(f"{k}={v}" for k, v in query.items())
    return Redirect(f"{PAGE}?{suffix}", status_code=303)


class PayoutPagesController(Controller):
    path = "/payouts"
    include_in_schema = False
    dependencies = {"operator": Provide(provide_desk_operator)}

    @get("/", name="desk_payouts")
    async def payouts(
        self,
        request: Request[Any, Any, Any],
        operator: NamedDependency[Actor],
        payout_queries: NamedDependency[PayoutQueries],
        destination_queries: NamedDependency[DestinationQueries],
        status: FromQuery[str] = "",
        error: FromQuery[str] = "",
        done: FromQuery[str] = "",
    ) -> Response[Any]:
        chosen = PayoutStatus(status) if status in set(PayoutStatus) else None
        page = await payout_queries.search(None, chosen, PageRequest(50))
        context = {
            "operator": operator,
            "payouts": page.data,
            "statuses": [s.value for s in PayoutStatus],
            "chosen": chosen.value if chosen else "",
            "waiting": await destination_queries.awaiting_approval(),
            "currencies": [c.value for c in Currency],
            "error": error_key(error) if error else "",
            "done": bool(done),
            "nav": "payouts",
        }
        return render(request, "desk_payouts.html", context)

    @post("/destinations/{destination_id:str}/approve", status_code=303)
    async def approve(
        self,
        destination_id: FromPath[str],
        operator: NamedDependency[Actor],
        approve_destination: NamedDependency[ApproveDestination],
    ) -> Redirect:
        try:
            await approve_destination(destination_id, operator)
        except PaymentError as error:
            return _back(error)
        return _back(done="1")

    @post("/{payout_id:str}/record", status_code=303)
    async def record(
        self,
        payout_id: FromPath[str],
        data: Annotated[RecordForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
        operator: NamedDependency[Actor],
        record_payout: NamedDependency[RecordPayout],
    ) -> Redirect:
        checked_form(data)
        try:
            await record_payout(
                payout_id, paid=data.outcome == "succeeded", reference=data.reference.strip(),
                actor=operator, note=data.note.strip()[:500] or None,
            )  # fmt: skip
        except PaymentError as error:
            return _back(error, status="requires_action")
        return _back(done="1", status="requires_action")

    @post("/adjustments", status_code=303)
    async def adjust(
        self,
        data: Annotated[AdjustmentForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
        operator: NamedDependency[Actor],
        adjust_balance: NamedDependency[AdjustBalance],
    ) -> Redirect:
        checked_form(data)
        try:
            amount = int(data.amount.replace(" ", ""))
            money = Money.of(amount, data.currency)
            command = AdjustmentCommand(data.store_id.strip(), money, data.reason, operator)
            await adjust_balance(command)
        except ValueError:
            return _back(error="validation_failed")
        except PaymentError as error:
            return _back(error)
        return _back(done="1")
