"""The request bodies in the OpenAPI document. Bodies are decoded strictly by hand (wire.py),
so Litestar cannot see them: each creating route names its body with `operation_class`, and
the bodies' schemas come from msgspec itself."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import msgspec
from litestar.openapi.spec import OpenAPI, OpenAPIMediaType, Operation, RequestBody

from entrypoints.http import admin_wire, wire
from entrypoints.http.openapi_examples import EXAMPLES, add_free_form_examples

_REF = "#/components/schemas/{name}"
#: Every body a route names with `json_body` is added here, so its `$ref` always resolves.
_BODIES: dict[str, type[msgspec.Struct]] = {
    kind.__name__: kind
    for kind in (wire.CreateOrderIn, wire.CreatePaymentIn, wire.CreateStoreIn, *admin_wire.BODIES)
}


def add_request_bodies(document: OpenAPI) -> None:
    """Add the request bodies' schemas to the app's document (Litestar replaces the
    components it is given with the ones it generates, so this runs after it has)."""
    _, schemas = msgspec.json.schema_components(tuple(_BODIES.values()), ref_template=_REF)
    document.components.schemas.update(dict[str, Any](schemas))
    add_free_form_examples(document.components.schemas)


def json_body(kind: type[msgspec.Struct]) -> type[Operation]:
    """An `Operation` whose request body is `kind`, as JSON; `kind`'s schema joins the
    document's components (`add_request_bodies`)."""
    _BODIES[kind.__name__] = kind
    schema: Any = {"$ref": _REF.format(name=kind.__name__)}

    @dataclass
    class WithJsonBody(Operation):
        def __post_init__(self) -> None:
            media = OpenAPIMediaType(schema=schema, example=EXAMPLES.get(kind.__name__))
            self.request_body = RequestBody(content={"application/json": media}, required=True)

    return WithJsonBody
