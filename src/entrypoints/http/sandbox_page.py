"""`/sandbox/pay/{payment_id}`: the simulated operator's page, where a tester approves or
declines a sandbox payment. Sandbox mode only; the signed token stands in for the
operator's own session, so a form cannot be forged for another payment."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, get, post
from litestar.di import NamedDependency
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect, Template
from msgspec import Struct

from adapters.providers.sandbox import SandboxOperator, SandboxPage
from adapters.urls import SANDBOX_PAGE, ServiceUrls
from application.errors import NotFound
from entrypoints.http.accepted_input import check_fields


class Decision(Struct, frozen=True):
    token: str
    decision: str


class SandboxPageController(Controller):
    path = "/sandbox/pay/{payment_id:str}"
    include_in_schema = False

    @get("/", name="sandbox_page")
    async def page(
        self,
        payment_id: FromPath[str],
        sandbox_operator: NamedDependency[SandboxOperator],
        urls: NamedDependency[ServiceUrls],
        token: FromQuery[str] = "",
    ) -> Template:
        page = await _page(payment_id, token, sandbox_operator, urls)
        context = {
            "payment_id": payment_id,
            "token": token,
            "amount": page.amount.format(),
            "decided": page.decided,
            "manual": page.manual,
            "return_url": urls.status(payment_id),
        }
        return Template(template_name="sandbox_pay.html", context=context)

    @post("/", status_code=303)
    async def decide(
        self,
        payment_id: FromPath[str],
        request: Request[Any, Any, Any],
        data: Annotated[Decision, Body(media_type=RequestEncodingType.URL_ENCODED)],
        sandbox_operator: NamedDependency[SandboxOperator],
        urls: NamedDependency[ServiceUrls],
    ) -> Redirect:
        check_fields(data)
        await _page(payment_id, data.token, sandbox_operator, urls)
        await sandbox_operator.decide(payment_id, approve=data.decision == "approve")
        return Redirect(f"/sandbox/pay/{payment_id}?token={data.token}", status_code=303)


async def _page(
    payment_id: FromPath[str],
    token: str,
    operator: SandboxOperator,
    urls: NamedDependency[ServiceUrls],
) -> SandboxPage:
    """The operator's page of the payment, or 404 when the token does not sign it."""
    page = await operator.page(payment_id) if urls.verify(SANDBOX_PAGE, payment_id, token) else None
    if page is None:
        raise NotFound("unknown sandbox payment")
    return page
