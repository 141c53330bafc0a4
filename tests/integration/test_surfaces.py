"""Every surface can be found: `/` links the API docs, the vendors' sign-in and the operators'
desk and says the mode; the OpenAPI document declares who may call each operation (so
`/docs` can "Authorize"), carries real examples, and every example body is accepted; errors
say which field is missing and how to send a key."""

from __future__ import annotations

import json
from typing import Any

from litestar.testing import AsyncTestClient
from tests.integration.conftest import ADMIN, StoreKeys

from entrypoints.http.openapi_examples import EXAMPLES


async def test_the_root_page_links_every_surface_and_says_the_mode(
    client: AsyncTestClient[Any],
) -> None:
    page = await client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    for link in ('href="/docs"', 'href="/store/login/"', 'href="/admin/login/"'):
        assert link in page.text
    assert 'data-mode="sandbox"' in page.text and "aucun argent réel" in page.text
    english = await client.get("/?lang=en")
    client.cookies.delete("lang")  # the language is remembered: not for the next tests
    assert "no real money moves" in english.text


async def document(client: Any) -> dict[str, Any]:
    answer = await client.get("/schema/openapi.json")
    assert answer.status_code == 200
    doc: dict[str, Any] = answer.json()
    return doc


async def test_each_api_operation_names_its_bearer_scheme(client: AsyncTestClient[Any]) -> None:
    doc = await document(client)
    schemes = doc["components"]["securitySchemes"]
    assert {name: s["scheme"] for name, s in schemes.items()} == {
        "storeKey": "bearer",
        "operatorToken": "bearer",
    }
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            if not isinstance(operation, dict) or not path.startswith("/api/v1/"):
                continue
            expected = "operatorToken" if path.startswith("/api/v1/admin/") else "storeKey"
            assert operation.get("security") == [{expected: []}], (method, path)
    assert "security" not in doc["paths"]["/payment/webhook/{provider}"]["post"]


async def test_no_example_is_made_up(client: AsyncTestClient[Any]) -> None:
    """Swagger UI invents `additionalProp1` for a free-form object without an example."""
    doc = await document(client)
    for name, schema in doc["components"]["schemas"].items():
        for field, prop in (schema.get("properties") or {}).items():
            if "additionalProperties" in json.dumps(prop):
                assert "example" in prop, f"{name}.{field}: add it to openapi_examples.FREE_FORM"
    for path, item in doc["paths"].items():
        for method, operation in item.items():
            body = operation.get("requestBody") if isinstance(operation, dict) else None
            if body:
                media = body["content"]["application/json"]
                assert media.get("example"), f"{method} {path}: add it to openapi_examples"


async def test_the_example_bodies_are_accepted(
    client: AsyncTestClient[Any], store: StoreKeys
) -> None:
    created = await client.post(
        "/api/v1/orders", json=EXAMPLES["CreateOrderIn"], headers=store.headers
    )
    assert created.status_code == 201, created.text
    paid = await client.post(
        f"/api/v1/orders/{created.json()['id']}/payments",
        json=EXAMPLES["CreatePaymentIn"],
        headers=store.headers,
    )
    assert paid.status_code == 201, paid.text
    shop = await client.post("/api/v1/admin/stores", json=EXAMPLES["CreateStoreIn"], headers=ADMIN)
    assert shop.status_code == 201, shop.text


async def test_a_missing_field_is_named(client: AsyncTestClient[Any], store: StoreKeys) -> None:
    answer = await client.post(
        "/api/v1/orders", json={"reference": "A", "amount": 5}, headers=store.headers
    )
    assert answer.status_code == 422
    assert answer.json()["errors"] == [
        {"field": "currency", "message": "Object missing required field `currency`"}
    ]


async def test_a_key_without_bearer_is_told_how_to_send_it(
    client: AsyncTestClient[Any], store: StoreKeys
) -> None:
    answer = await client.get("/api/v1/orders", headers={"Authorization": store.api_key})
    assert answer.status_code == 401
    assert "Authorization: Bearer <key>" in answer.json()["detail"]
    admin = await client.get(
        "/api/v1/admin/queue", headers={"Authorization": "sandbox-admin-token"}
    )
    assert admin.status_code == 401 and "Bearer" in admin.json()["detail"]
