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
