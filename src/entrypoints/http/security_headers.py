"""Security headers on every answer (README, Limits on use).

Rules:
- Every answer: `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` (checkout
  links carry their token in the URL: it must not leak to a provider's page), `X-Frame-Options:
  DENY`; in production `Strict-Transport-Security` (one year, subdomains).
- Every answer but the OpenAPI viewer (`/schema`, whose page starts Swagger UI with an inline
  script; its assets come from this service, `/docs/assets`): a strict Content-Security-Policy
  with no third-party origin: scripts, styles, images,
  fonts and fetches from this service only, no inline script or style, no plugins, no
  `<base>`, never framed (`frame-ancestors 'none'`). Forms post to this service; `https:` is
  allowed too because the checkout form's answer redirects to the provider's page (Orange,
  Wave), and browsers check that redirect against `form-action`. Outside production the local
  `http:` origins of the operators' simulators (`payments simulate`) are allowed as well.
- Every answer of the JSON API (`/api/`): `Cache-Control: no-store` unless the route set its
  own; its answers carry orders' customers, masked phone numbers, stores' keys and secrets, and
  no shared or browser cache may keep them. (The pages set it themselves.)
"""

from __future__ import annotations

from collections.abc import Callable

from litestar.enums import ScopeType
from litestar.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self' https:; frame-ancestors 'none'"
)
#: Sandbox: the checkout form may also lead to a simulator on this machine.
SANDBOX_CSP = CSP.replace(
    "form-action 'self' https:", "form-action 'self' https: http://127.0.0.1:* http://localhost:*"
)
SCHEMA_CSP = "frame-ancestors 'none'"
HSTS = "max-age=31536000; includeSubDomains"
SCHEMA_PREFIX = "/schema"
API_PREFIX = "/api/"
NO_STORE = (b"cache-control", b"no-store")


def security_headers(production: bool) -> list[tuple[bytes, bytes]]:
    headers = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-frame-options", b"DENY"),
    ]
    if production:
        headers.append((b"strict-transport-security", HSTS.encode()))
    return headers


def page_headers(production: bool) -> list[tuple[bytes, bytes]]:
    """Every header added to an answer outside `/schema` (but `Cache-Control` under `/api/`)."""
    csp = CSP if production else SANDBOX_CSP
    return [*security_headers(production), (b"content-security-policy", csp.encode())]


def security_headers_middleware(production: bool) -> Callable[[ASGIApp], ASGIApp]:
    """The ASGI middleware adding them (a factory taking the app, for Litestar)."""
    common = security_headers(production)
    pages = page_headers(production)
    schema_headers = [*common, (b"content-security-policy", SCHEMA_CSP.encode())]
    names = {name for name, _ in common} | {b"content-security-policy"}

    def wrap(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP:
                await app(scope, receive, send)
                return
            added = schema_headers if scope["path"].startswith(SCHEMA_PREFIX) else pages
            api = scope["path"].startswith(API_PREFIX)

            async def send_with_headers(message: Message) -> None:
                if message["type"] == "http.response.start":
                    kept = [h for h in message.get("headers", ()) if h[0].lower() not in names]
                    if api and all(h[0].lower() != NO_STORE[0] for h in kept):
                        kept.append(NO_STORE)
                    message["headers"] = [*kept, *added]
                await send(message)

            await app(scope, receive, send_with_headers)

        return middleware

    return wrap
