"""Fuzzing: schemathesis drives every operation of the running server (`payments serve`) from
its OpenAPI document (the app's own, checked equal to the one the server serves at
`/schema/openapi.json`) with inputs generated from it, valid
and invalid, and with hostile values slipped into bodies, query strings and path parameters:
NUL and other control characters, lone surrogates, bytes that are not UTF-8, huge numbers,
very long strings. No answer may be a 5xx.

Bounded for `make test`: a few examples per operation, no shrinking, no example database
(everything is local: the server runs on 127.0.0.1 and the document is its own)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st

from entrypoints.container import Container
from entrypoints.http.app import create_app
from entrypoints.settings import SANDBOX_ADMIN_TOKEN, Settings

EXAMPLES_PER_OPERATION = 10

HOSTILE_TEXT = [
    "\x00",
    "a\x00b",
    "ord_\x00",
    "\x01\x02\x1b[31m\x7f",
    "\u0085\u2028\u2029",
    "\ud800",
    "x\udfffy",
    "\r\n\t",
    "A" * 70_000,
    "é" * 40_000,
    "../../etc/passwd",
    "' OR 1=1 --",
    "%00",
    "{{7*7}}<script>",
    "\ufeff\u202e",
    "0" * 400,
]
HUGE_NUMBERS = [10**20, -(10**20), 2**63, 2**64 + 1, -1, 0, 10**400, 1e308, -0.0, 1.5]
#: In a query string or a path, text cannot carry a lone surrogate: it goes as the bytes it
#: would be (invalid UTF-8) instead.
NOT_UTF8 = [b"\xff\xfe", b"\xed\xa0\x80", b"\xc3"]


def _wire_safe(text: str, where: str) -> str | bytes:
    """A query value with a lone surrogate goes as its (invalid UTF-8) bytes; a path cannot
    carry bytes, so there the surrogates are left out (tests/integration/test_hostile_input.py
    sends invalid UTF-8 in paths by hand)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        if where == "query":
            return text.encode("utf-8", "surrogatepass")
        return text.encode("utf-8", "ignore").decode("utf-8") or "\x00"
    return text


hostile_text = st.sampled_from(HOSTILE_TEXT) | st.text(
    st.characters(categories=["Cc", "Cs", "Zl", "Zp", "Cf"]), min_size=1, max_size=8
)
hostile_number = st.sampled_from(HUGE_NUMBERS)


@st.composite
def poisoned(draw: st.DrawFn, value: Any, where: str = "body") -> Any:
    """`value` with some of its strings and numbers, at any depth, replaced by hostile ones."""
    if isinstance(value, dict):
        return {key: draw(poisoned(item, where)) for key, item in value.items()}
    if isinstance(value, list):
        return [draw(poisoned(item, where)) for item in value]
    if isinstance(value, str):
        if not draw(st.integers(0, 2)):
            text = draw(hostile_text)
            return text if where == "body" else _wire_safe(text, where)
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return draw(hostile_number) if not draw(st.integers(0, 2)) else value
    return value


def _document() -> dict[str, Any]:
    """The app's OpenAPI document, built without starting anything."""
    settings = Settings(database_url="postgresql://unused@127.0.0.1:1/unused")
    document: dict[str, Any] = create_app(Container(settings=settings)).openapi_schema.to_schema()
    return document


DOCUMENT = _document()
schema = schemathesis.openapi.from_dict(DOCUMENT)


def flatmap_body(context: Any, body: Any) -> Any:
    return st.just(body) | poisoned(body)


def flatmap_query(context: Any, query: Any) -> Any:
    return poisoned(query, "query") if query else st.just(query)


#: Ids of the fuzzing store's own objects on the live server, by path parameter: half the
#: paths use one, so that bodies and queries reach the use cases behind a found object.
REAL_IDS: dict[str, str] = {}


@st.composite
def _path_with_real_ids(draw: st.DrawFn, path: dict[str, Any]) -> dict[str, Any]:
    chosen = draw(poisoned(path, "path"))
    for name in chosen:
        if name in REAL_IDS and draw(st.booleans()):
            chosen[name] = REAL_IDS[name]
    return chosen


def flatmap_path_parameters(context: Any, path: Any) -> Any:
    return _path_with_real_ids(path) if path else st.just(path)


for _hook in (flatmap_body, flatmap_query, flatmap_path_parameters):
    schema.hook(_hook)


def test_the_fuzzed_document_is_the_one_the_server_serves(live_server: str) -> None:
    served = httpx.get(f"{live_server}/schema/openapi.json", timeout=10)
    assert served.status_code == 200
    assert served.json()["paths"] == DOCUMENT["paths"]


@pytest.fixture
def credentials(live_server: str, clean_db: None) -> dict[str, str]:
    """A store's API key on the live server (the store routes answer 401 without one), with an
    order and a payment of its own whose ids the paths use half the time."""
    admin = {"Authorization": f"Bearer {SANDBOX_ADMIN_TOKEN}"}
    created = httpx.post(
        f"{live_server}/api/v1/admin/stores", json={"name": "Fuzz"}, headers=admin, timeout=10
    )
    assert created.status_code == 201, created.text
    store = {"Authorization": f"Bearer {created.json()['api_key']}"}
    order = httpx.post(
        f"{live_server}/api/v1/orders",
        json={"reference": "F-1", "amount": 5000, "currency": "XOF", "country": "CI"},
        headers=store,
        timeout=10,
    ).json()
    payment = httpx.post(
        f"{live_server}/api/v1/orders/{order['id']}/payments",
        json={"provider": "sandbox", "phone": "+2250700000099"},
        headers=store,
        timeout=10,
    ).json()
    # Not the store's own id: rotating its key would shut the fuzzing out of the store routes.
    REAL_IDS.update(order_id=order["id"], payment_id=payment["id"])
    return {"store": store["Authorization"], "admin": admin["Authorization"]}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_input_makes_the_server_fail(
    case: Any, live_server: str, credentials: dict[str, str]
) -> None:
    admin = case.path.startswith("/api/v1/admin")
    headers = {"Authorization": credentials["admin" if admin else "store"]}
    response = case.call(base_url=live_server, headers=headers, timeout=30)
    assert response.status_code < 500, (
        f"{case.method} {case.path} answered {response.status_code}: {response.text[:300]}"
        f"\n{case.as_curl_command()}"
    )
