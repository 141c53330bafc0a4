"""What every page shares: the language, rendering a template with its helpers, dependencies
asked of the container, and the HTML answers to errors."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import structlog
from litestar import Request, Response
from litestar.datastructures import Cookie
from litestar.exceptions import HTTPException
from litestar.response import Redirect, Template

from application.errors import InvalidCursor, NotFound
from domain.accounts import country_name
from domain.money import Money
from entrypoints.http.accepted_input import RefusedInput
from entrypoints.http.pages import i18n
from entrypoints.http.pages.providers import brand, of_provider

log = structlog.get_logger(__name__)

LANG_COOKIE = "lang"
ONE_YEAR = 365 * 24 * 3600


def lang_of(request: Request[Any, Any, Any]) -> str:
    return i18n.language(request.query_params.get("lang"), request.cookies.get(LANG_COOKIE))


def render(
    request: Request[Any, Any, Any],
    template: str,
    context: dict[str, Any],
    status_code: int = 200,
) -> Template:
    """The page `template` with the helpers every template uses: `t` (translate), `money`,
    `lang`, `brand` (a provider's name and colours). `?lang=` is remembered in a cookie."""
    lang = lang_of(request)
    cookies = []
    if request.query_params.get("lang") in i18n.LANGUAGES:
        cookies.append(Cookie(key=LANG_COOKIE, value=lang, max_age=ONE_YEAR, samesite="lax"))
    other = "en" if lang == "fr" else "fr"
    helpers = {
        "t": i18n.translator(lang),
        "lang": lang,
        "other_lang": other,
        "switch_lang_url": _with_query(request, lang=other),
        "money": lambda m: m.format(lang) if isinstance(m, Money) else m,
        "when": lambda at: _when(at, lang),
        "percent": lambda rate: _percent(rate, lang),
        "brand": brand,
        "of_provider": of_provider,
        "country_name": country_name,
    }
    return Template(
        template_name=f"pages/{template}",
        context={**helpers, **context},
        status_code=status_code,
        cookies=cookies,
        headers={"Cache-Control": "no-store"},
    )


def _with_query(request: Request[Any, Any, Any], **changes: str) -> str:
    query = {**dict(request.query_params), **changes}
    return f"{request.url.path}?{urlencode(query)}"


def _when(at: datetime | None, lang: str) -> str:
    if at is None:
        return "—"
    at = at.astimezone(UTC)
    return at.strftime("%d/%m/%Y %H:%M" if lang == "fr" else "%Y-%m-%d %H:%M") + " UTC"


def _percent(rate: float | None, lang: str) -> str:
    if rate is None:
        return "—"
    value = f"{rate * 100:.0f}"
    return f"{value}\u202f%" if lang == "fr" else f"{value}%"


class SignInRequired(Exception):
    """A vendor page was asked for without a valid session."""


def sign_in_redirect(request: Request[Any, Any, Any], _: SignInRequired) -> Response[Any]:
    return Redirect("/store/login/", status_code=303)


def not_found_page(request: Request[Any, Any, Any], _: Exception) -> Response[Any]:
    return _error_page(request, 404, "not_found_title", "not_found")


def refused_input_page(request: Request[Any, Any, Any], _: RefusedInput) -> Response[Any]:
    """Text the service does not accept (`accepted_input`): 422, nothing done."""
    return _error_page(request, 422, "error_title", "error_generic")


def stale_cursor_page(request: Request[Any, Any, Any], _: InvalidCursor) -> Response[Any]:
    """A list page asked past an item that is not the caller's: 400, as the API answers."""
    return _error_page(request, 400, "error_title", "error_generic")


def http_error_page(request: Request[Any, Any, Any], error: HTTPException) -> Response[Any]:
    if error.status_code >= 500:
        log.error("page.failed", path=request.url.path, error=repr(error.__cause__ or error))
    if error.status_code == 404:
        return not_found_page(request, error)
    if error.status_code == 403:
        return _error_page(request, 403, "forbidden_title", "forbidden")
    return _error_page(request, error.status_code, "error_title", "error_generic")


def _error_page(
    request: Request[Any, Any, Any], status: int, title: str, text: str
) -> Response[Any]:
    return render(request, "error.html", {"title": title, "text": text}, status)


EXCEPTION_HANDLERS: dict[Any, Any] = {
    SignInRequired: sign_in_redirect,
    NotFound: not_found_page,
    RefusedInput: refused_input_page,
    InvalidCursor: stale_cursor_page,
    HTTPException: http_error_page,
}
