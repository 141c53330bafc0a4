"""The hosted HTML pages (API.md, Hosted pages): customer payment and status pages, the
vendor's sign-in, dashboard and lists."""

from __future__ import annotations

from typing import Any

from litestar.middleware import DefineMiddleware

from entrypoints.settings import Settings


def handlers(settings: Settings) -> list[Any]:
    """The pages' route handlers."""
    return []


def middleware(settings: Settings) -> list[DefineMiddleware]:
    """Middleware the pages need (sessions, CSRF), scoped to the pages' paths."""
    return []
