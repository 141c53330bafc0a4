"""The logging pipeline's redaction step and exceptions without locals."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from tests.builders import make_order, make_payment, make_store
from tests.logging_capture import captured_logs

from adapters.log_redaction import REDACTED, redact, redact_secrets, scrub_text
from adapters.payment_log import StructlogPaymentLog

API_KEY = "sk_sandbox_Q2hhbmdlTWUhIFRoaXMgaXMgYSBrZXk"
WHSEC = "whsec_c2lnbmluZyBzZWNyZXQgb2YgdGhlIHN0b3Jl"


@pytest.mark.parametrize(
    "key",
    [
        "authorization",
        "Authorization",
        "Proxy-Authorization",
        "cookie",
        "Set-Cookie",
        "set_cookie",
        "webhook_secret",
        "CLIENT_SECRET",
        "access_token",
        "notif_token",
        "password",
        "MOOV_MONEY_PASSWORD",
        "api_key",
        "X-Api-Key",
        "apikey",
        "Ocp-Apim-Subscription-Key",
    ],
)
def test_values_under_secret_keys_are_redacted_at_any_depth(key: str) -> None:
    line = {"event": "x", "outer": {"list": [{key: "v4lue"}]}, key: "v4lue"}
    assert redact_secrets(None, "info", line) == {
        "event": "x",
        "outer": {"list": [{key: REDACTED}]},
        key: REDACTED,
    }


def test_header_pairs_are_read_as_a_mapping() -> None:
    headers = [(b"authorization", b"Bearer abc"), (b"cookie", b"s=1"), (b"accept", b"*/*")]
    assert redact(headers) == [
        ("authorization", REDACTED),
        ("cookie", REDACTED),
        ["accept", "*/*"],
    ]


def test_ordinary_keys_and_values_stay() -> None:
    line = {"payment_id": "pay_01", "status": 200, "ok": True, "amount": 5000, "note": None}
    assert redact_secrets(None, "info", dict(line)) == line


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"key {API_KEY} refused", f"key sk_{REDACTED} refused"),
        (f"secret={WHSEC}", f"secret={REDACTED}"),
        (f"signed with {WHSEC}.", f"signed with whsec_{REDACTED}."),
        ("Authorization: Bearer abc.def-ghi", f"Authorization: Bearer {REDACTED}"),
        ("Basic dXNlcjpwYXNz", f"Basic {REDACTED}"),
        ("GET /x?token=abcdef&lang=fr", f"GET /x?token={REDACTED}&lang=fr"),
        ("/mtn/?payment=pay_1&sig=0a1b2c", f"/mtn/?payment=pay_1&sig={REDACTED}"),
        ('Cookie: vendor_session="abc=="; lang=fr', f"Cookie: {REDACTED}; lang=fr"),
        ("{'client_secret': 'abc', 'id': 1}", f"{{'client_secret': {REDACTED}, 'id': 1}}"),
        ('{"access_token": "abc"}', f'{{"access_token": {REDACTED}}}'),
        ("nothing secret here", "nothing secret here"),
        ("CSRF token verification failed", "CSRF token verification failed"),
        ("Basic validation failed", "Basic validation failed"),
    ],
)
def test_secrets_in_free_text_are_masked(text: str, expected: str) -> None:
    assert scrub_text(text) == expected


@pytest.fixture
def stream() -> Iterator[io.StringIO]:
    with captured_logs() as out:
        yield out


def _fail(api_key: str, webhook_secret: str) -> None:
    raise ValueError("the request failed")


def test_exceptions_are_logged_without_their_frames_locals(stream: io.StringIO) -> None:
    try:
        _fail(API_KEY, WHSEC)
    except ValueError:
        structlog.get_logger("t").exception("boom")
    line = json.loads(stream.getvalue().splitlines()[-1])
    assert line["exception"][0]["exc_type"] == "ValueError"
    assert all("locals" not in frame for frame in line["exception"][0]["frames"])
    assert API_KEY not in stream.getvalue() and WHSEC not in stream.getvalue()


def test_a_console_shows_the_traceback_without_locals_or_secrets() -> None:
    with captured_logs("console") as out:
        try:
            _fail(API_KEY, WHSEC)
        except ValueError:
            structlog.get_logger("t").exception("boom", authorization=f"Bearer {API_KEY}")
    text = out.getvalue()
    assert "boom" in text and "ValueError: the request failed" in text and "_fail" in text
    assert API_KEY not in text and WHSEC not in text


def test_libraries_lines_are_redacted_too(stream: io.StringIO) -> None:
    logging.getLogger("some.library").warning(
        "retrying with Authorization: Bearer %s", API_KEY, exc_info=RuntimeError(WHSEC)
    )
    text = stream.getvalue()
    assert API_KEY not in text and WHSEC not in text and REDACTED in text


def test_the_payment_log_is_redacted(tmp_path: Path) -> None:
    log = StructlogPaymentLog(tmp_path)
    order = make_order(make_store())
    try:
        log.anomaly(make_payment(order), "odd", {"message": f"the key {API_KEY} leaked"})
    finally:
        log.close()
    text = (tmp_path / "payments.log").read_text()
    assert "payment.anomaly" in text and API_KEY not in text


OPERATOR_TOKEN = "op_Q2hhbmdlTWUhIFRoaXMgaXMgYW4gb3BlcmF0b3I"


def _refuse_operator(token: str, phone: str) -> None:
    raise PermissionError(f"operator token {token} refused while paying {phone}")


def test_operator_tokens_and_phone_numbers_in_exception_text_are_masked(
    stream: io.StringIO,
) -> None:
    try:
        _refuse_operator(OPERATOR_TOKEN, "+2250700000001")
    except PermissionError as error:
        structlog.get_logger("t").exception("desk.failed", detail=str(error))
    text = stream.getvalue()
    assert OPERATOR_TOKEN not in text and "0700000001" not in text
    line = json.loads(text.splitlines()[-1])
    assert line["detail"] == "operator token op_[REDACTED] refused while paying +225 07 •• •• •• 01"
    assert OPERATOR_TOKEN not in json.dumps(line["exception"])


def test_a_providers_error_body_loses_its_phone_numbers(stream: io.StringIO) -> None:
    body = {"status": 400, "body": {"payer": {"partyId": "2250700000001"}, "msisdn": 22507000002}}
    structlog.get_logger("t").warning(
        "mtn.refused",
        raw=body,
        text='{"reason": "PAYER_NOT_FOUND", "partyId": "2250700000003", "to": "+225 0700000004"}',
        message="msisdn=2250700000005 unknown; subscriber 2250700000006 blocked",
        phone="+2250700000007",
    )
    text = stream.getvalue()
    for number in ("0700000001", "07000002", "0700000003", "0700000004", "0700000005"):
        assert number not in text, number
    assert "0700000006" not in text and "0700000007" not in text
    line = json.loads(text.splitlines()[-1])
    assert line["phone"] == "+225 07 •• •• •• 07" and "PAYER_NOT_FOUND" in line["text"]


@pytest.mark.parametrize(
    "text",
    [
        "order ord_01J2 paid at 2026-12-07T00:05:53.728973+00:00 for 5000 XOF",
        "stop_the_op_worker after 1733535953123 ms",
        "payment_id=pay_01M96X4FE0HEEQE1STXV80AQXT amount=1500000",
    ],
)
def test_text_without_a_phone_or_token_stays(text: str) -> None:
    assert redact(text) == text
