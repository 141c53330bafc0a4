"""The operators' pages (French first): sign-in with an operator token (the bootstrap
`PAYMENTS_ADMIN_TOKEN` too), then the queue of items that need a person, each resolved with
a form (refund it, record a manual refund, dismiss with a reason). The session cookie is tied
to the token's hash: revoking the token signs the operator out."""

from __future__ import annotations

import hashlib
import hmac
from typing import Annotated, Any

import structlog
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency, Provide
from litestar.enums import RequestEncodingType
from litestar.params import Body, FromPath, FromQuery
from litestar.response import Redirect
from msgspec import Struct

from application.errors import NotFound, ProviderUnavailable, RateLimited, Unauthorized
from application.stores.operators import AuthenticateOperator, SignedIn
from application.stores.review_queue import ResolveCommand, ResolveItem, ReviewQueueQueries
from application.stores.sign_in_sessions import SessionKind
from domain.errors import PaymentError
from domain.operator import Actor
from domain.review import (
    AlreadyResolved,
    ResolutionIncomplete,
    ResolutionNotAllowed,
    ReviewAction,
    ReviewKind,
)
from entrypoints.http import authentication
from entrypoints.http.pages.form_amount import BadAmount, checked_form, form_amount
from entrypoints.http.pages.i18n import translator
from entrypoints.http.pages.web import lang_of, render

log = structlog.get_logger(__name__)

QUEUE_SIZE = 100


class TokenForm(Struct, frozen=True):
    token: str = ""


class ResolveForm(Struct, frozen=True):
    action: str = ""
    reason: str = ""
    reference: str = ""
    amount: str = ""


class OperatorSignInRequired(Exception):
    """An operator page was asked for without a valid operator session."""


def session_key(signed_in: SignedIn) -> str:
    return hashlib.sha256(f"operator-session:{signed_in.token_hash}".encode()).hexdigest()


async def provide_desk_operator(
    request: Request[Any, Any, Any], authenticate_operator: NamedDependency[AuthenticateOperator]
) -> Actor:
    """The signed-in operator, or `OperatorSignInRequired` (a redirect to the sign-in): the
    cookie's server-side session must still be good (it idles out), and its operator too."""
    session = request.session or {}
    operator_id = await authentication.session_subject(request, SessionKind.OPERATOR)
    signed_in = await authenticate_operator.by_id(operator_id) if operator_id else None
    key = str(session.get("key"))
    if signed_in is None or not hmac.compare_digest(session_key(signed_in), key):
        request.clear_session()
        raise OperatorSignInRequired
    return signed_in.actor


def sign_in_redirect(request: Request[Any, Any, Any], _: Exception) -> Response[Any]:
    return Redirect("/admin/login/", status_code=303)


class DeskSignInController(Controller):
    path = "/"
    include_in_schema = False

    @get("/", name="desk_home")
    async def home(self) -> Redirect:
        return Redirect("/admin/queue/", status_code=303)

    @get("/login", name="desk_login")
    async def login_page(self, request: Request[Any, Any, Any]) -> Response[Any]:
        return render(request, "desk_login.html", {"error": ""})

    @post("/login", status_code=303)
    async def login(
        self,
        request: Request[Any, Any, Any],
        data: Annotated[TokenForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
        authenticate_operator: NamedDependency[AuthenticateOperator],
    ) -> Response[Any]:
        """Attempts count against the client's address, like the vendors' sign-in."""
        t = translator(lang_of(request))
        try:
            signed_in = await authentication.checked(
                request,
                authentication.DESK_SIGN_IN,
                lambda: authenticate_operator(data.token.strip()),
            )
        except RateLimited as limited:
            error = t("login_rate_limited", seconds=str(limited.retry_after))
            page = render(request, "desk_login.html", {"error": error}, status_code=429)
            page.headers["Retry-After"] = str(limited.retry_after)
            return page
        except Unauthorized:
            return render(request, "desk_login.html", {"error": t("desk_login_failed")}, 401)
        await authentication.sign_in(
            request,
            SessionKind.OPERATOR,
            signed_in.actor.id,
            operator_id=signed_in.actor.id,
            key=session_key(signed_in),
        )
        return Redirect("/admin/queue/", status_code=303)

    @post("/logout", status_code=303)
    async def logout(self, request: Request[Any, Any, Any]) -> Redirect:
        await authentication.sign_out(request)
        return Redirect("/admin/login/", status_code=303)


class QueuePageController(Controller):
    path = "/queue"
    include_in_schema = False
    dependencies = {"operator": Provide(provide_desk_operator)}

    @get("/", name="desk_queue")
    async def queue(
        self,
        request: Request[Any, Any, Any],
        operator: NamedDependency[Actor],
        review_queue: NamedDependency[ReviewQueueQueries],
        resolve_item: NamedDependency[ResolveItem],
        kind: FromQuery[str] = "",
        done: FromQuery[str] = "",
    ) -> Response[Any]:
        return await _queue_page(request, operator, review_queue, resolve_item, kind, done)

    @post("/{subject_id:str}/resolve", status_code=303)
    async def resolve(
        self,
        request: Request[Any, Any, Any],
        subject_id: FromPath[str],
        data: Annotated[ResolveForm, Body(media_type=RequestEncodingType.URL_ENCODED)],
        operator: NamedDependency[Actor],
        review_queue: NamedDependency[ReviewQueueQueries],
        resolve_item: NamedDependency[ResolveItem],
    ) -> Response[Any]:
        try:
            await resolve_item(_command(subject_id, checked_form(data), operator))
        except PaymentError as error:
            failure = {"subject_id": subject_id, "message": _failure(request, error)}
            args = (request, operator, review_queue, resolve_item)
            return await _queue_page(*args, failure=failure, status_code=_status(error))
        return Redirect(f"/admin/queue/?done={subject_id}", status_code=303)


async def _queue_page(
    request: Request[Any, Any, Any],
    operator: Actor,
    review_queue: ReviewQueueQueries,
    resolve_item: ResolveItem,
    kind: str = "",
    done: str = "",
    failure: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response[Any]:
    chosen = ReviewKind(kind) if kind in set(ReviewKind) else None
    page = await review_queue(chosen, QUEUE_SIZE)
    items = [(item, resolve_item.actions(item)) for item in page.data]
    context = {
        "operator": operator,
        "items": items,
        "has_more": page.has_more,
        "kinds": [k.value for k in ReviewKind],
        "kind": chosen.value if chosen else "",
        "done": done,
        "failure": failure or {},
        "nav": "queue",
    }
    return render(request, "desk_queue.html", context, status_code)


def _command(subject_id: str, data: ResolveForm, operator: Actor) -> ResolveCommand:
    if data.action not in set(ReviewAction):
        raise ResolutionNotAllowed(f"unknown action {data.action!r}")
    return ResolveCommand(
        subject_id=subject_id,
        action=ReviewAction(data.action),
        actor=operator,
        reason=data.reason,
        reference=data.reference,
        amount=_amount(data.amount),
    )


def _amount(text: str) -> int | None:
    """The form's amount in minor units ("2 000" reads 2000); empty: None (all that is left).
    Anything else is refused rather than read as "everything"."""
    try:
        return form_amount(text)
    except BadAmount as error:
        raise ResolutionIncomplete("amount", str(error)) from None


def _failure(request: Request[Any, Any, Any], error: PaymentError) -> str:
    t = translator(lang_of(request))
    if isinstance(error, ResolutionIncomplete):
        return t(f"error_{error.field}_required")
    if isinstance(error, ResolutionNotAllowed):
        return t("error_not_allowed")
    if isinstance(error, AlreadyResolved | NotFound):
        return t("error_already_resolved")
    if isinstance(error, ProviderUnavailable):
        return t("error_provider_down")
    return t("resolve_failed", detail=str(error))


def _status(error: PaymentError) -> int:
    if isinstance(error, AlreadyResolved | NotFound | ResolutionNotAllowed):
        return 409
    return 503 if isinstance(error, ProviderUnavailable) else 422


EXCEPTION_HANDLERS: dict[Any, Any] = {OperatorSignInRequired: sign_in_redirect}
