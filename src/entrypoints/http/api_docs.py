"""Interactive API docs (Swagger UI, from Litestar's OpenAPI render plugin) served with their
own assets: the JavaScript and CSS come from the `swagger-ui-py` package installed with the
service, so the docs work on a server with no internet access and no browser ever asks a CDN.

`/docs` sends the reader to the UI (`/schema/swagger`); the document itself is
`/schema/openapi.json`."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from litestar import get
from litestar.openapi.plugins import SwaggerRenderPlugin
from litestar.response import Redirect
from litestar.router import Router
from litestar.static_files import create_static_files_router

SCHEMA_PATH = "/schema"
UI_PATH = "/swagger"
ASSETS_PATH = "/docs/assets"


def _assets_directory() -> Path:
    """swagger-ui-py's copy of the swagger-ui-dist files (found without importing it)."""
    spec = importlib.util.find_spec("swagger_ui")
    assert spec is not None and spec.submodule_search_locations, "swagger-ui-py is missing"
    return Path(next(iter(spec.submodule_search_locations))) / "static"


def render_plugin() -> SwaggerRenderPlugin:
    return SwaggerRenderPlugin(
        js_url=f"{ASSETS_PATH}/swagger-ui-bundle.js",
        css_url=f"{ASSETS_PATH}/swagger-ui.css",
        standalone_preset_js_url=f"{ASSETS_PATH}/swagger-ui-standalone-preset.js",
        favicon=f"<link rel='icon' type='image/png' href='{ASSETS_PATH}/favicon-32x32.png'>",
        path=UI_PATH,
    )


@get("/docs", include_in_schema=False)
async def docs() -> Redirect:
    return Redirect(SCHEMA_PATH + UI_PATH)


def handlers() -> list[Router | object]:
    assets = create_static_files_router(
        path=ASSETS_PATH,
        directories=[_assets_directory()],
        include_in_schema=False,
        name="docs_assets",
    )
    return [docs, assets]
