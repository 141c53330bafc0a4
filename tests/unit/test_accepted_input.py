"""The one rule on text the service accepts (entrypoints/http/accepted_input.py)."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from adapters.ids import UlidGenerator, looks_like_id
from application.errors import NotFound
from entrypoints.http import wire
from entrypoints.http.accepted_input import RefusedInput, check_fields, check_request, refusal


@pytest.mark.parametrize(
    "text",
    ["\x00", "a\x01", "\x1b[31m", "\x7f", "\x85", "\u2028", "\u2029", "\ud800", "tab\there", "\n"],
)
def test_control_characters_and_lone_surrogates_are_refused(text: str) -> None:
    assert refusal(text) is not None


@pytest.mark.parametrize("text", ["Boutique Awa", "Pagne wax – 2 m", "مرحبا", "ẞ 😀", ""])
def test_ordinary_text_in_any_script_is_accepted(text: str) -> None:
    assert refusal(text) is None


def test_a_multiline_field_may_hold_line_breaks_and_tabs_but_no_other_control() -> None:
    assert refusal("ligne 1\r\nligne 2\tfin", multiline=True) is None
    assert refusal("ligne\x00", multiline=True) is not None
    assert refusal("ligne\u2028", multiline=True) is not None


def _refused_field(body: bytes) -> str:
    with pytest.raises(RefusedInput) as refused:
        wire.decode(body, wire.CreateOrderIn)
    return refused.value.field


@pytest.mark.parametrize(
    ("body", "field"),
    [
        (b'{"reference": "a\\u0000", "amount": 5, "currency": "XOF"}', "reference"),
        (
            b'{"reference": "a", "amount": 5, "currency": "XOF",'
            b' "items": [{"name": "x\\u001b", "quantity": 1, "unit_amount": 5}]}',
            "items[0].name",
        ),
        (
            b'{"reference": "a", "amount": 5, "currency": "XOF", "metadata": {"k": "v\\u0007"}}',
            "metadata.k",
        ),
        (
            b'{"reference": "a", "amount": 5, "currency": "XOF", "metadata": {"k\\u0000": "v"}}',
            "metadata",
        ),
        (
            b'{"reference": "a", "amount": 5, "currency": "XOF", "description": "l1\\u0000"}',
            "description",
        ),
        (
            b'{"reference": "a", "amount": 5, "currency": "XOF", "customer": {"name": "\\n"}}',
            "customer.name",
        ),
    ],
)
def test_a_body_is_refused_naming_the_field(body: bytes, field: str) -> None:
    assert _refused_field(body) == field


def test_a_description_keeps_its_line_breaks_and_a_phone_is_left_to_the_phone_rule() -> None:
    body = (
        b'{"reference": "a", "amount": 5, "currency": "XOF", "description": "l1\\nl2",'
        b' "customer": {"phone": "+225\\u0000"}}'
    )
    order = wire.decode(body, wire.CreateOrderIn)
    assert order.description == "l1\nl2"


@pytest.mark.parametrize(
    "body", [b"[]", b'"text"', b"12", b"", b"\xff\xfe", b'{"reference": "\\ud800"}', b"{oops"]
)
def test_anything_but_utf8_json_holding_an_object_is_invalid_json(body: bytes) -> None:
    with pytest.raises(wire.InvalidJson):
        wire.decode(body, wire.CreateOrderIn)


def test_a_wrong_type_is_still_a_validation_error() -> None:
    with pytest.raises(msgspec.ValidationError):
        wire.decode(b'{"reference": "a", "amount": "5", "currency": "XOF"}', wire.CreateOrderIn)


def _scope(**parts: Any) -> dict[str, Any]:
    return {"type": "http", "headers": [], "query_string": b"", "path_params": {}, **parts}


@pytest.mark.parametrize(
    ("scope", "field"),
    [
        (_scope(query_string=b"reference=a%00b"), "reference"),
        (_scope(query_string=b"reference=%ff"), "reference"),
        (_scope(query_string=b"a%00=1"), "query"),
        (_scope(path_params={"order_id": "ord_\x00"}), "order_id"),
        (_scope(path_params={"provider": "wave\x01"}), "provider"),
        (_scope(headers=[(b"idempotency-key", b"k\x01")]), "Idempotency-Key"),
        (_scope(headers=[(b"X-Request-ID", b"r\x7f")]), "X-Request-ID"),
    ],
)
def test_a_request_is_refused_naming_the_parameter(scope: dict[str, Any], field: str) -> None:
    with pytest.raises(RefusedInput) as refused:
        check_request(scope)  # type: ignore[arg-type]
    assert refused.value.field == field


def test_other_headers_and_ordinary_queries_pass() -> None:
    scope = _scope(
        headers=[(b"user-agent", b"x\x01"), (b"x-request-id", b"abc-123")],
        query_string=b"reference=CMD+1001&status=paid&lang=fr",
    )
    check_request(scope)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("order_id", "ord_lowercase"),
        ("order_id", "pay_01ABC"),
        ("payment_id", "pay_"),
        ("event_id", "evt_1;DROP"),
        ("store_id", "str_" + "A" * 65),
        ("payment_id", "pay_\ufffd"),
    ],
)
def test_an_id_of_the_wrong_shape_is_not_found(name: str, value: str) -> None:
    with pytest.raises(NotFound):
        check_request(_scope(path_params={name: value}))  # type: ignore[arg-type]


def test_our_own_ids_have_the_shape() -> None:
    ids = UlidGenerator()
    assert all(looks_like_id(ids.new(p), p) for p in ("ord", "pay", "evt", "str"))
    assert not looks_like_id(ids.new("ord"), "pay")


def test_form_structs_are_checked_like_bodies() -> None:
    class Form(msgspec.Struct):
        token: str
        provider: str

    with pytest.raises(RefusedInput) as refused:
        check_fields(Form(token="t", provider="wave\x00"))
    assert refused.value.field == "provider"


def test_the_command_line_refuses_a_store_name_the_api_would_refuse(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.logging_capture import captured_logs

    from entrypoints import cli

    monkeypatch.setattr(cli, "prepare", _no_database)
    with captured_logs():
        assert cli.main(["stores", "create", "--name", "Boutique\x1b[2J"]) == 2
    assert (
        "refused: --name must not contain the control character U+001B" in capsys.readouterr().err
    )


def _no_database(settings: object) -> None:
    raise AssertionError("a refused name never reaches the database")
