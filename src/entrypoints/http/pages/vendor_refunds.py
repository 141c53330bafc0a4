"""The vendor starts a refund from a payment's page: the same use case and the same rules
as `POST /api/v1/payments/{id}/refunds`; a refused request comes back to the page with the
rule's code (`?refund_error=refund_exceeds_payment`)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, post
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath
from litestar.response import Redirect
from msgspec import Struct

from application.errors import NotFound
from application.refunds.create_refund import CreateRefund, CreateRefundCommand
from domain.errors import PaymentError
from domain.store import Store
from entrypoints.http.pages.form_amount import BadAmount, checked_form, form_amount
from entrypoints.http.pages.vendor import provide_vendor
from entrypoints.http.problems import lookup


class RefundForm(Struct, frozen=True):
    amount: str = ""
    reason: str = ""


class VendorRefundController(Controller):
    path = "/"
    include_in_schema = False
    dependencies = {"vendor": Provide(provide_vendor)}

    @post("/payments/{payment_id:str}/refunds", status_code=303)
    async def refund(
        self,
        payment_id: FromPath[str],
        vendor: NamedDependency[Store],
        data: Annotated[RefundForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
        create_refund: NamedDependency[CreateRefund],
    ) -> Redirect:
        page = f"/payments/{payment_id}/"
        try:
            amount = form_amount(checked_form(data).amount)
        except BadAmount:
            return Redirect(f"{page}?refund_error=validation_failed#refunds", status_code=303)
        command = CreateRefundCommand(
            payment_id, vendor.id, amount, data.reason.strip()[:500] or None
        )
        try:
            await create_refund(command)
        except NotFound:
            raise
        except PaymentError as error:
            problem = lookup(error)
            code = problem.code if problem else "refund_failed"
            return Redirect(f"{page}?refund_error={code}#refunds", status_code=303)
        return Redirect(f"{page}?refund=ok#refunds", status_code=303)
