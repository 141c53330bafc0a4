"""The vendor's money pages: the balance with its entries (and their CSV), the payout numbers
and the payouts. The same use cases and rules as the API; a refused request comes back to
the page with the rule's code (`?error=insufficient_balance`)."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlencode

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect
from msgspec import Struct

from application.ledger.balance import BalanceQueries
from application.ledger.ports import EntryFilter
from application.payouts.create_payout import CreatePayout, CreatePayoutCommand
from application.payouts.destinations import (
    AddDestination,
    AddDestinationCommand,
    DestinationQueries,
    DisableDestination,
)
from application.payouts.queries import PayoutQueries
from application.shared.ports import PageRequest
from domain.errors import PaymentError
from domain.ledger import EntryType
from domain.money import Currency, Money
from domain.payout_destination import PAYOUT_PROVIDERS
from domain.store import Store
from entrypoints.http import ledger_wire
from entrypoints.http.listing import list_parameters
from entrypoints.http.pages.form_amount import BadAmount, checked_form, form_amount
from entrypoints.http.pages.payout_words import PAYOUT_WORDS
from entrypoints.http.pages.vendor import provide_vendor
from entrypoints.http.pages.web import render
from entrypoints.http.problems import lookup

# The entry types a store's own account holds: the filter offers only these. `payout_sent` and
# `provider_fee` move money between the platform's accounts and never show on a store's.
VENDOR_ENTRY_TYPES = tuple(
    kind for kind in EntryType if kind not in {EntryType.PAYOUT_SENT, EntryType.PROVIDER_FEE}
)

PAGE_SIZE = 20
PAYOUTS = "/store/payouts/"


class DestinationForm(Struct, frozen=True):
    provider: str = ""
    phone: str = ""
    name: str = ""


class PayoutForm(Struct, frozen=True):
    amount: str = ""
    currency: str = ""
    destination_id: str = ""


def money_of(amount: int, currency: Currency) -> Money:
    return Money(amount, currency)


def error_key(code: str) -> str:
    """The page's words for a refusal's code (a code without words: the generic ones)."""
    key = f"payout_error_{code}"
    return key if key in PAYOUT_WORDS["fr"] else "payout_error_validation_failed"


def _code(error: PaymentError) -> str:
    problem = lookup(error)
    return problem.code if problem else "validation_failed"


class VendorMoneyController(Controller):
    path = "/store"
    include_in_schema = False
    dependencies = {"vendor": Provide(provide_vendor)}

    @get("/balance", name="vendor_balance", guards=[list_parameters("le")])
    async def balance(
        self,
        request: Request[Any, Any, Any],
        vendor: NamedDependency[Store],
        balance_queries: NamedDependency[BalanceQueries],
        type: FromQuery[str] = "",
        starting_after: FromQuery[str] = "",
    ) -> Response[Any]:
        kind = EntryType(type) if type in set(EntryType) else None
        page = await balance_queries.entries(
            vendor.id, EntryFilter(type=kind), PageRequest(PAGE_SIZE, starting_after or None)
        )
        context = {
            "store": vendor,
            "balances": await balance_queries.balances(vendor.id),
            "page": page,
            "types": [t.value for t in VENDOR_ENTRY_TYPES],
            "chosen": kind.value if kind else "",
            "base_query": urlencode({"type": kind.value}) if kind else "",
            "paged": bool(starting_after),
            "money_of": money_of,
            "nav": "balance",
        }
        return render(request, "store_balance.html", context)

    @get("/balance/entries.csv", name="vendor_balance_csv")
    async def balance_csv(
        self, vendor: NamedDependency[Store], balance_queries: NamedDependency[BalanceQueries]
    ) -> Response[str]:
        every = await balance_queries.export(vendor.id, EntryFilter())
        return Response(
            ledger_wire.entries_csv(every),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="ledger.csv"'},
        )

    @get("/payouts", name="vendor_payouts")
    async def payouts(
        self,
        request: Request[Any, Any, Any],
        vendor: NamedDependency[Store],
        destination_queries: NamedDependency[DestinationQueries],
        payout_queries: NamedDependency[PayoutQueries],
        balance_queries: NamedDependency[BalanceQueries],
        error: FromQuery[str] = "",
        done: FromQuery[str] = "",
    ) -> Response[Any]:
        now = destination_queries.now()
        destinations = await destination_queries.of_store(vendor.id)
        context = {
            "store": vendor,
            "now": now,
            "destinations": [(d, d.status_at(now).value) for d in destinations],
            "usable": [d for d in destinations if d.status_at(now).value == "active"],
            "payouts": (await payout_queries.search(vendor.id, None, PageRequest(50))).data,
            "balances": await balance_queries.balances(vendor.id),
            "providers": sorted(PAYOUT_PROVIDERS),
            "currencies": [c.value for c in Currency],
            "error": error_key(error) if error else "",
            "money_of": money_of,
            "done": done if done in ("payout", "destination") else "",
            "nav": "payouts",
        }
        return render(request, "store_payouts.html", context)

    @post("/payout-destinations", status_code=303)
    async def add_destination(
        self,
        vendor: NamedDependency[Store],
        data: Annotated[DestinationForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
        add_destination: NamedDependency[AddDestination],
    ) -> Redirect:
        checked_form(data)
        command = AddDestinationCommand(
            vendor.id, data.provider.strip(), data.phone.strip(), data.name.strip()[:255] or None
        )
        try:
            await add_destination(command)
        except PaymentError as error:
            return Redirect(f"{PAYOUTS}?error={_code(error)}", status_code=303)
        return Redirect(f"{PAYOUTS}?done=destination", status_code=303)

    @post("/payout-destinations/{destination_id:str}/disable", status_code=303)
    async def disable_destination(
        self,
        destination_id: FromPath[str],
        vendor: NamedDependency[Store],
        disable_destination: NamedDependency[DisableDestination],
    ) -> Redirect:
        await disable_destination(vendor.id, destination_id)
        return Redirect(PAYOUTS, status_code=303)

    @post("/payouts", status_code=303)
    async def ask_payout(
        self,
        vendor: NamedDependency[Store],
        data: Annotated[PayoutForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
        create_payout: NamedDependency[CreatePayout],
    ) -> Redirect:
        checked_form(data)
        try:
            amount = form_amount(data.amount)
            if amount is None:
                raise BadAmount(data.amount)
            money = Money.of(amount, data.currency)
            command = CreatePayoutCommand(vendor.id, money, data.destination_id.strip())
            await create_payout(command)
        except BadAmount:
            return Redirect(f"{PAYOUTS}?error=validation_failed", status_code=303)
        except PaymentError as error:
            return Redirect(f"{PAYOUTS}?error={_code(error)}", status_code=303)
        return Redirect(f"{PAYOUTS}?done=payout", status_code=303)
