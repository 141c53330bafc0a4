"""Moov Money (Benin push API) over the service's HTTP API, Moov answered by a respx route
speaking SOAP as reference/providers.md 4.1 documents it (namespaces that vary, faults,
status codes), plus hostile XML."""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import AsyncIterator, Iterator
from typing import Any
from xml.etree import ElementTree

import httpx
import pytest
import respx
from litestar.testing import AsyncTestClient
from tests.integration.conftest import StoreKeys, create_store
from tests.integration.helpers import count, problem
from tests.integration.provider_app import (
    order_and_payment,
    order_status,
    payment_state,
    provider_app,
)

from adapters.providers import catalog, moov_money, moov_money_wire
from entrypoints.settings import SANDBOX_SECRET, Settings

MOOV_HOST = "https://moov.test"
MOOV_PATH = "/com.tlc.merchant.api/UssdPush"
ENV = {
    "MOOV_MONEY_USERNAME": "myusername",
    "MOOV_MONEY_PASSWORD": "mypassword",
    "MOOV_MONEY_ENCRYPTION_KEY": "tlc12345tlc12345tlc12345tlc12345",
    "MOOV_MONEY_URL": MOOV_HOST + MOOV_PATH,
}
#: The token of these credentials in the Brainsial SDK's own test (AES-256-CBC, zero IV).
TOKEN = "7a1FPyjZ4eqAhFIoHpLumttby9GoBPGuwV5AIaB22tc="
PHONE = "+2290195901234"
WEBHOOK = "/payment/webhook/moov/"

ENVELOPE = """<?xml version="1.0" encoding="{encoding}"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">
  <soap:Body>
    <ns2:{element} xmlns:ns2="{namespace}">
      <{wrapper}>{fields}</{wrapper}>
    </ns2:{element}>
  </soap:Body>
</soap:Envelope>"""

FAULT = """<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<soap:Fault><faultcode>soap:Server</faultcode><faultstring>For input string: "5000x"</faultstring>
</soap:Fault></soap:Body></soap:Envelope>"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
<!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
<!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
<!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
<!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
<!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">]>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<ns2:getTransactionStatusResponse xmlns:ns2="http://tlc.com.ph/"><response>
<status>0</status><description>&lol9;</description></response>
</ns2:getTransactionStatusResponse></soap:Body></soap:Envelope>"""

EXTERNAL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<return><status>0</status><referenceid>&x;</referenceid></return></soap:Body></soap:Envelope>"""

#: Harmless in size, but a parser that expands entities would read a success here.
SMALL_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY ok "0">]>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>
<response><status>&ok;</status><description>SUCCESS</description></response>
</soap:Body></soap:Envelope>"""


def answer(
    element: str,
    wrapper: str,
    namespace: str = "http://tlc.com.ph/",
    encoding: str = "UTF-8",
    **fields: str,
) -> str:
    body = "".join(f"<{name}>{value}</{name}>" for name, value in fields.items())
    return ENVELOPE.format(
        element=element, wrapper=wrapper, namespace=namespace, encoding=encoding, fields=body
    )


class FakeMoov:
    """The TLC merchant endpoint: one POST URL, the operation is the Body's element.
    `push` and `status` are the next answers (status by transid); a string or a
    Response overrides the documented shape."""

    def __init__(self, router: respx.MockRouter) -> None:
        self.router = router
        self.push: dict[str, str] | str | httpx.Response = {
            "status": "100",
            "description": "IN PENDING STATE",
        }
        self.statuses: dict[str, dict[str, str] | str | httpx.Response] = {}
        self.received: list[tuple[str, dict[str, str]]] = []
        self.route = router.post(MOOV_PATH).mock(side_effect=self._answer)

    def _answer(self, request: httpx.Request) -> httpx.Response:
        body = ElementTree.fromstring(request.content).find(
            "{http://schemas.xmlsoap.org/soap/envelope/}Body"
        )
        assert body is not None
        (operation,) = list(body)
        fields = {child.tag: (child.text or "") for child in operation.iter() if not len(child)}
        name = operation.tag.rsplit("}", 1)[-1]
        self.received.append((name, fields))
        if name == "PushWithPending":
            reply = self.push
            element, wrapper = "PushWithPendingResponse", "return"
        else:
            reply = self.statuses.get(fields["transid"], {"status": "94"})
            element, wrapper = "getTransactionStatusResponse", "response"
        if isinstance(reply, httpx.Response):
            return reply
        if isinstance(reply, str):
            return httpx.Response(200, text=reply, headers={"Content-Type": "text/xml"})
        text = answer(element, wrapper, **reply)
        return httpx.Response(200, text=text, headers={"Content-Type": "text/xml"})

    def operations(self) -> list[str]:
        return [name for name, _ in self.received]


def hint_sig(payment_id: str, purpose: str = "moov") -> str:
    message = f"{purpose}:{payment_id}".encode()
    return hmac.new(SANDBOX_SECRET.encode(), message, hashlib.sha256).hexdigest()


async def hint(client: Any, payment_id: str | None, sig: str | None, body: bytes = b"{}") -> Any:
    query = {k: v for k, v in {"payment": payment_id, "sig": sig}.items() if v is not None}
    return await client.post(WEBHOOK, params=query, content=body)


async def verify(client: Any, store: StoreKeys, payment_id: str) -> Any:
    return await client.post(f"/api/v1/payments/{payment_id}/verify", headers=store.headers)


@pytest.fixture(scope="module")
async def moov_app(settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    async with provider_app(settings, ENV) as client:
        yield client


@pytest.fixture
async def client(moov_app: AsyncTestClient[Any], clean_db: None) -> AsyncTestClient[Any]:
    return moov_app


@pytest.fixture
def fake() -> Iterator[FakeMoov]:
    with respx.mock(using="stream", base_url=MOOV_HOST, assert_all_called=False) as router:
        yield FakeMoov(router)


@pytest.fixture
async def store(client: Any) -> StoreKeys:
    return await create_store(client)


async def started(client: Any, store: StoreKeys) -> tuple[dict[str, Any], dict[str, Any]]:
    order, response = await order_and_payment(client, store, "moov_money", phone=PHONE)
    assert response.status_code == 201, response.text
    return order, response.json()


# -- the flows over HTTP ---------------------------------------------------------------------


async def test_the_whole_flow_with_a_signed_hint_ends_succeeded_and_the_order_paid(
    client: Any, store: StoreKeys, fake: FakeMoov, pool: Any
) -> None:
    order, payment = await started(client, store)
    assert payment["status"] == "pending"
    assert payment["provider_reference"] is None  # pending pushes carry no referenceid
    assert payment["next_action"]["type"] == "approve_on_phone"
    operation, sent = fake.received[0]
    assert operation == "PushWithPending"
    assert sent["token"] == TOKEN
    assert (sent["msisdn"], sent["amount"], sent["fee"]) == ("2290195901234", "5000", "0")
    assert sent["externaldata1"] == payment["id"]
    assert "5000" in sent["message"]
    assert fake.route.calls.last.request.headers["Content-Type"].startswith("text/xml")

    fake.statuses[payment["id"]] = {"status": "0", "description": "SUCCESS"}
    response = await hint(client, payment["id"], hint_sig(payment["id"]))
    assert response.status_code == 200, response.text
    assert (await payment_state(client, store, payment["id"]))["status"] == "succeeded"
    assert await order_status(client, store, order["id"]) == "paid"
    assert fake.received[1] == ("getTransactionStatus", {"token": TOKEN, "transid": payment["id"]})
    assert {call.request.url.host for call in fake.router.calls} == {"moov.test"}
    assert await count(pool, "webhook_deliveries") == 1


async def test_a_completed_push_is_settled_by_its_referenceid(
    client: Any, store: StoreKeys, fake: FakeMoov
) -> None:
    fake.push = {"status": "0", "description": "SUCCESS", "referenceid": "720220120000006",
                 "transid": "whatever"}  # fmt: skip
    _, payment = await started(client, store)
    assert payment["provider_reference"] == "720220120000006"
    fake.statuses["720220120000006"] = {"status": "0", "referenceid": "720220120000006"}
    verified = await verify(client, store, payment["id"])
    assert verified.json()["status"] == "succeeded"
    assert fake.received[-1][1]["transid"] == "720220120000006"


async def test_status_92_fails_the_payment_and_leaves_the_order_payable(
    client: Any, store: StoreKeys, fake: FakeMoov
) -> None:
    order, payment = await started(client, store)
    fake.statuses[payment["id"]] = {"status": "92", "description": "Timeout in USSD PUSH"}
    verified = await verify(client, store, payment["id"])
    assert verified.status_code == 200, verified.text
    assert (verified.json()["status"], verified.json()["failure_code"]) == ("failed", "92")
    assert await order_status(client, store, order["id"]) == "pending_payment"


async def test_status_555_on_the_push_is_a_refusal(
    client: Any, store: StoreKeys, fake: FakeMoov
) -> None:
    fake.push = {"status": "555", "description": "Destination not registered"}
    _, payment = await started(client, store)
    assert (payment["status"], payment["failure_code"]) == ("failed", "555")


async def test_a_timeout_on_the_push_leaves_it_pending_and_verify_settles_it(
    client: Any, store: StoreKeys, fake: FakeMoov
) -> None:
    fake.route.side_effect = httpx.ReadTimeout("no answer")
    order, payment = await started(client, store)
    assert payment["status"] == "pending"
    fake.route.side_effect = fake._answer
    fake.statuses[payment["id"]] = {"status": "0", "description": "SUCCESS"}
    assert (await verify(client, store, payment["id"])).json()["status"] == "succeeded"
    assert await order_status(client, store, order["id"]) == "paid"


async def test_pending_and_not_found_change_nothing(
    client: Any, store: StoreKeys, fake: FakeMoov
) -> None:
    _, payment = await started(client, store)
    for status in ("100", "94", "777"):  # pending, "does not exist", unknown code
        fake.statuses[payment["id"]] = {"status": status}
        assert (await verify(client, store, payment["id"])).json()["status"] == "pending"


async def test_odd_but_documented_answer_shapes_are_read(
    client: Any, store: StoreKeys, fake: FakeMoov
) -> None:
    push = answer("PushResponse", "return", encoding="utf-16", status="100", message="PENDING")
    fake.push = push.replace("<return>", "<return>\n   ")
    _, payment = await started(client, store)
    fake.statuses[payment["id"]] = answer(
        "getTransactionStatusResponse",
        "response",
        namespace="http://api.merchant.tlc.com/",
        description="SUCCESS",
        referenceid="72024103000000009",
        status=" 0 ",
    )
    assert (await verify(client, store, payment["id"])).json()["status"] == "succeeded"


# -- faults and hostile XML ------------------------------------------------------------------


async def test_a_soap_fault_on_the_push_fails_it_without_showing_the_fault(
    client: Any, store: StoreKeys, fake: FakeMoov
) -> None:
    fake.push = httpx.Response(500, text=FAULT, headers={"Content-Type": "text/xml"})
    _, response = await order_and_payment(client, store, "moov_money", phone=PHONE)
    payment = response.json()
    assert (payment["status"], payment["failure_code"]) == ("failed", "soap_fault")
    assert "For input string" not in response.text
    history = (await payment_state(client, store, payment["id"]))["history"]
    assert "For input string" in str(history[-1]["data"])


async def test_a_soap_fault_on_a_status_query_changes_nothing(
    client: Any, store: StoreKeys, fake: FakeMoov
) -> None:
    _, payment = await started(client, store)
    fake.statuses[payment["id"]] = httpx.Response(500, text=FAULT)
    problem(await verify(client, store, payment["id"]), 503, "provider_unavailable")
    assert (await payment_state(client, store, payment["id"]))["status"] == "pending"


@pytest.mark.parametrize(
    "hostile", [BILLION_LAUGHS, EXTERNAL_ENTITY, SMALL_ENTITY], ids=["laughs", "xxe", "entity"]
)
async def test_hostile_xml_from_moov_is_refused_safely(
    client: Any, store: StoreKeys, fake: FakeMoov, hostile: str
) -> None:
    fake.push = hostile
    began = time.monotonic()
    _, payment = await started(client, store)
    assert payment["status"] == "pending"  # outcome unknown, nothing expanded or trusted
    assert payment["provider_reference"] is None
    fake.statuses[payment["id"]] = hostile
    problem(await verify(client, store, payment["id"]), 503, "provider_unavailable")
    assert (await payment_state(client, store, payment["id"]))["status"] == "pending"
    assert time.monotonic() - began < 5


async def test_a_status_for_another_referenceid_is_not_applied(
    client: Any, store: StoreKeys, fake: FakeMoov
) -> None:
    fake.push = {"status": "0", "referenceid": "720220120000006"}
    _, payment = await started(client, store)
    fake.statuses["720220120000006"] = {"status": "0", "referenceid": "999999999999999"}
    assert (await verify(client, store, payment["id"])).json()["status"] == "pending"


# -- the signed hint -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda pid: (pid, None),
        lambda pid: (None, hint_sig(pid)),
        lambda pid: (pid, "00" * 32),
        lambda pid: (pid, hint_sig(pid, purpose="mtn")),
        lambda pid: (pid, hint_sig("pay_someone_else")),
    ],
    ids=["missing-sig", "missing-payment", "wrong-sig", "mtn-sig", "other-payment"],
)
async def test_a_hint_without_a_valid_signature_is_a_401_and_changes_nothing(
    client: Any, store: StoreKeys, fake: FakeMoov, pool: Any, make: Any
) -> None:
    _, payment = await started(client, store)
    fake.statuses[payment["id"]] = {"status": "0"}
    problem(await hint(client, *make(payment["id"])), 401, "invalid_signature")
    assert await count(pool, "webhook_deliveries") == 0
    assert fake.operations() == ["PushWithPending"]
    assert (await payment_state(client, store, payment["id"]))["status"] == "pending"


async def test_moovs_status_wins_over_what_a_hint_says(
    client: Any, store: StoreKeys, fake: FakeMoov, pool: Any
) -> None:
    _, payment = await started(client, store)
    fake.statuses[payment["id"]] = {"status": "100"}
    body = b'{"status": "0", "description": "SUCCESS"}'
    assert (await hint(client, payment["id"], hint_sig(payment["id"]), body)).status_code == 200
    assert (await hint(client, payment["id"], hint_sig(payment["id"]), body)).status_code == 200
    assert await count(pool, "webhook_deliveries") == 1  # the same hint twice is one delivery
    assert (await payment_state(client, store, payment["id"]))["status"] == "pending"


async def test_an_order_not_in_xof_is_refused_before_any_push(
    client: Any, store: StoreKeys, fake: FakeMoov
) -> None:
    _, response = await order_and_payment(client, store, "moov_money", PHONE, currency="XAF")
    assert (response.json()["status"], response.json()["failure_code"]) == (
        "failed",
        "unsupported_currency",
    )
    assert fake.received == []


async def test_a_phone_is_required(client: Any, store: StoreKeys, fake: FakeMoov) -> None:
    _, response = await order_and_payment(client, store, "moov_money")
    assert response.status_code == 422, response.text
    assert fake.received == []


# -- configuration ---------------------------------------------------------------------------


def test_the_token_is_built_as_documented() -> None:
    key = moov_money_wire.encryption_key(moov_money_wire.DEFAULT_ENCRYPTION_KEY)
    assert moov_money_wire.token("myusername", "mypassword", key) == TOKEN
    assert moov_money_wire.encryption_key(key.hex()) == key


def test_moov_is_configured_by_its_credentials_and_guarded_in_production() -> None:
    assert moov_money.configure({}) is None
    assert moov_money.configure({**ENV, "MOOV_MONEY_PASSWORD": ""}) is None
    without_key = {k: v for k, v in ENV.items() if k != "MOOV_MONEY_ENCRYPTION_KEY"}
    config = moov_money.configure(without_key)
    assert config is not None and config.base_url == ENV["MOOV_MONEY_URL"]
    assert config.encryption_key == b"tlc12345tlc12345tlc12345tlc12345"
    assert "mypassword" not in repr(config)
    with pytest.raises(ValueError, match="MOOV_MONEY_ENCRYPTION_KEY"):
        moov_money.configure({**ENV, "MOOV_MONEY_ENCRYPTION_KEY": "too short"})
    sandbox = ENV | {
        "MOOV_MONEY_URL": "https://testapimarchand2.moov-africa.bj:2010/com.tlc.merchant.api/UssdPush"
    }
    assert any("MOOV_MONEY_URL" in p for p in catalog.sandbox_problems(sandbox))
    production = ENV | {
        "MOOV_MONEY_URL": "https://apimarchand.moov-africa.bj/com.tlc.merchant.api/UssdPush"
    }
    published_key = catalog.sandbox_problems(production)
    assert len(published_key) == 1 and "MOOV_MONEY_ENCRYPTION_KEY" in published_key[0]
    assert any("MOOV_MONEY_ENCRYPTION_KEY" in p for p in catalog.sandbox_problems(without_key))
    own_key = production | {"MOOV_MONEY_ENCRYPTION_KEY": "9f2c" * 16}
    assert catalog.sandbox_problems(own_key) == []
