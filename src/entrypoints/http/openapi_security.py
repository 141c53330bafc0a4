"""How the OpenAPI document says who may call what, so that `/docs` ("Authorize", then "Try it
out") works: two bearer schemes, and each operation names the one it takes.

- `storeKey`: a store's API key (`sk_test_...` in the sandbox, `sk_live_...` in production),
  on every `/api/v1/` route but the operators';
- `operatorToken`: an operator's named token (`op_...`) or `PAYMENTS_ADMIN_TOKEN`, on the
  routes guarded by `admin_guard` (all of `/api/v1/admin/`);
- webhooks, health, readiness and metrics name none (they have their own checks)."""

from __future__ import annotations

from typing import Any

from litestar import Litestar
from litestar.openapi.spec import OpenAPI, SecurityScheme
from litestar.routes import HTTPRoute

from entrypoints.http.authentication import admin_guard

STORE_KEY = "storeKey"
OPERATOR_TOKEN = "operatorToken"  # noqa: S105 (the scheme's name, not a secret)

SCHEMES = {
    STORE_KEY: SecurityScheme(
        type="http",
        scheme="bearer",
        description=(
            "The store's API key, given once when the store is created "
            "(`sk_test_...` in the sandbox). Sent as `Authorization: Bearer <key>`."
        ),
    ),
    OPERATOR_TOKEN: SecurityScheme(
        type="http",
        scheme="bearer",
        description=(
            "An operator's token (`payments operators create NAME`) or PAYMENTS_ADMIN_TOKEN "
            "(`sandbox-admin-token` in the sandbox). Sent as `Authorization: Bearer <token>`."
        ),
    ),
}


def document_security(app: Litestar, document: OpenAPI) -> None:
    """Declare the schemes and name the one each operation of `document` takes."""
    if document.components.security_schemes is None:
        document.components.security_schemes = {}
    document.components.security_schemes.update(SCHEMES)
    for path, methods in _schemes_by_route(app).items():
        item = (document.paths or {}).get(path)
        for method, scheme in methods.items():
            operation = getattr(item, method, None) if item is not None else None
            if operation is not None:
                operation.security = [{scheme: []}]


def scheme_of(path: str, guards: list[Any]) -> str | None:
    """The scheme a route takes: the operators' when guarded by `admin_guard` or under
    `/api/v1/admin/`, a store key elsewhere under `/api/v1/`, else none."""
    if admin_guard in guards or path.startswith("/api/v1/admin/"):
        return OPERATOR_TOKEN
    if path.startswith("/api/v1/"):
        return STORE_KEY
    return None


def _schemes_by_route(app: Litestar) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            scheme = scheme_of(route.path_format, list(handler.resolve_guards()))
            if scheme is None:
                continue
            for method in handler.http_methods:
                found.setdefault(route.path_format, {})[method.lower()] = scheme
    return found
