"""docs/api.md stays true: every route of the OpenAPI document the app generates and every
problem code the code defines is on that page, and every API route the page lists exists.

When this fails after adding a route or a problem code, add it to docs/api.md: a table row
`| METHOD | `/path/{param}` | answer |` in the section of its resource, or a row of the
problem codes table `| `code` | status | meaning |`."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from litestar.testing import AsyncTestClient

from entrypoints.http import problems

ROOT = Path(__file__).parents[2]
DOC = ROOT / "docs" / "api.md"
METHODS = "GET|POST|PUT|PATCH|DELETE"
ROUTE_ROW = re.compile(rf"^\|\s*((?:(?:{METHODS})(?:,\s*)?)+)\s*\|\s*`([^`]+)`", re.M)
CODE_ROW = re.compile(r"^\|\s*`([a-z_]+)`\s*\|\s*\d{3}", re.M)


def _normal(path: str) -> str:
    """`/payment/webhook/{provider}/` and `/payment/webhook/{provider}` are one route."""
    return path.split("?")[0].rstrip("/") or "/"


def documented_routes() -> set[tuple[str, str]]:
    text = DOC.read_text()
    return {
        (method.strip(), _normal(path))
        for methods, path in ROUTE_ROW.findall(text)
        for method in methods.split(",")
    }


def documented_codes() -> set[str]:
    return set(CODE_ROW.findall(DOC.read_text()))


def defined_codes() -> set[str]:
    """Codes of the problem table, the HTTP status codes, and every `Problem(status, "code",
    ...)` written anywhere in src/."""
    codes = {p.code for p in problems.TABLE.values()} | set(problems.HTTP_CODES.values())
    codes.add(problems.INTERNAL.code)
    for source in (ROOT / "src").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", getattr(node.func, "attr", None)) == "Problem"
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
            ):
                codes.add(str(node.args[1].value))
    return codes


async def served_routes(client: AsyncTestClient[Any]) -> set[tuple[str, str]]:
    document = (await client.get("/schema/openapi.json")).json()
    return {
        (method.upper(), _normal(path))
        for path, item in document["paths"].items()
        for method in item
        if method.upper() in METHODS.split("|")
    }


async def test_every_served_route_is_documented(app_client: AsyncTestClient[Any]) -> None:
    missing = sorted(await served_routes(app_client) - documented_routes())
    assert not missing, (
        "docs/api.md does not document these routes of the OpenAPI document; add a row "
        "`| METHOD | `/path` | answer |` for each: "
        + ", ".join(f"{method} {path}" for method, path in missing)
    )


async def test_every_documented_api_route_exists(app_client: AsyncTestClient[Any]) -> None:
    served = await served_routes(app_client)
    api = {(m, p) for m, p in documented_routes() if p.startswith(("/api/", "/payment/webhook"))}
    stale = sorted(api - served)
    assert not stale, "docs/api.md lists routes the app does not serve: " + ", ".join(
        f"{method} {path}" for method, path in stale
    )


def test_every_problem_code_is_documented() -> None:
    missing = sorted(defined_codes() - documented_codes())
    assert not missing, (
        "docs/api.md's problem codes table lacks these codes; add a row "
        "`| `code` | status | meaning |` for each: " + ", ".join(missing)
    )


def test_every_documented_problem_code_exists() -> None:
    stale = sorted(documented_codes() - defined_codes())
    assert not stale, "docs/api.md documents codes the code never answers: " + ", ".join(stale)
