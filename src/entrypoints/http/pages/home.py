"""`/`: where a person who opens the service's address finds its surfaces (the API's docs,
the vendors' sign-in, the operators' desk) and the mode it runs in."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from entrypoints.http.deps import container_of
from entrypoints.http.pages.web import render


@get("/", name="home", include_in_schema=False)
async def home(request: Request[Any, Any, Any]) -> Response[Any]:
    settings = container_of(request).settings()
    return render(request, "home.html", {"sandbox": settings.is_sandbox})
