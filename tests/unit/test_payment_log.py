import io
import json
import logging
from datetime import UTC, datetime, timedelta, timezone

import structlog

from adapters.logging_setup import configure_logging
from adapters.payment_log import StructlogPaymentLog
from domain.events import Source
from domain.money import Money
from domain.payment import Payment

PHONE = "+2250712345656"
AT = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


class FixedClock:
    def now(self) -> datetime:
        return AT


def a_payment() -> Payment:
    return Payment.create(
        id="pay_01",
        order_id="ord_01",
        store_id="str_01",
        provider="mtn_momo",
        amount=Money.of(5000, "XOF"),
        at=AT,
        phone=PHONE,
    )


def read_lines(log: StructlogPaymentLog) -> list[dict]:
    return [json.loads(line) for line in log.path.read_text("utf-8").splitlines()]


def test_each_change_is_one_json_line_with_a_masked_phone(tmp_path):
    log = StructlogPaymentLog(tmp_path / "logs", clock=FixedClock())
    payment = a_payment()
    payment.mark_pending(AT, Source.API, reference="ref-1", data={"token": "s3cr3t"})
    later = datetime(2025, 3, 1, 13, 5, tzinfo=timezone(timedelta(hours=1)))
    payment.mark_succeeded(later, Source.WEBHOOK, data={"payer": PHONE, "apiKey": "s3cr3t"})
    for event in payment.events[1:]:
        log.changed(payment, event)
    log.close()

    first, second = read_lines(log)
    assert first == {
        "event": "payment.changed",
        "level": "info",
        "payment_id": "pay_01",
        "order_id": "ord_01",
        "store_id": "str_01",
        "provider": "mtn_momo",
        "amount": 5000,
        "currency": "XOF",
        "phone": "+225 07 •• •• •• 56",
        "needs_refund": False,
        "old_status": "created",
        "new_status": "pending",
        "change": "payment.pending",
        "source": "api",
        "timestamp": "2025-03-01T12:00:00+00:00",
    }
    assert (second["old_status"], second["new_status"]) == ("pending", "succeeded")
    assert (second["source"], second["timestamp"]) == ("webhook", "2025-03-01T12:05:00+00:00")
    text = log.path.read_text("utf-8")
    assert PHONE not in text and "0712345656" not in text and "s3cr3t" not in text


def test_an_anomaly_is_a_warning_without_secrets_or_phones(tmp_path):
    log = StructlogPaymentLog(tmp_path, clock=FixedClock())
    detail = {
        "current": "succeeded",
        "target": "pending",
        "notif_token": "s3cr3t",
        "note": f"payer {PHONE}",
        "raw": {"msisdn": "0712345656", "code": 7},
    }
    log.anomaly(a_payment(), "illegal_transition", detail)
    log.close()

    (line,) = read_lines(log)
    assert line["event"] == "payment.anomaly" and line["level"] == "warning"
    assert line["what"] == "illegal_transition"
    assert line["timestamp"] == "2025-03-01T12:00:00+00:00"
    assert line["detail"] == {
        "current": "succeeded",
        "target": "pending",
        "note": "payer +225 07 •• •• •• 56",
        "raw": {"code": 7},
    }
    text = log.path.read_text("utf-8")
    assert "s3cr3t" not in text and "0712345656" not in text


def test_the_file_rotates(tmp_path):
    log = StructlogPaymentLog(tmp_path, max_bytes=2_000, backup_count=2)
    payment = a_payment()
    for _ in range(30):
        log.changed(payment, payment.events[0])
    log.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "payments.log",
        "payments.log.1",
        "payments.log.2",
    ]


def test_two_logs_write_to_their_own_files(tmp_path):
    first = StructlogPaymentLog(tmp_path / "a")
    second = StructlogPaymentLog(tmp_path / "b")
    payment = a_payment()
    first.changed(payment, payment.events[0])
    first.close()
    second.close()
    assert len(read_lines(first)) == 1
    assert second.path.read_text("utf-8") == ""


def test_app_logging_is_json_with_bound_context_and_leaves_the_payment_log_alone(tmp_path):
    stream = io.StringIO()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    log = StructlogPaymentLog(tmp_path)
    try:
        configure_logging("INFO", stream=stream)
        structlog.contextvars.bind_contextvars(request_id="req_42")
        structlog.get_logger("payments.test").info("hello", n=1)
        logging.getLogger("uvicorn.test").warning("plain %s", "stdlib")
        structlog.get_logger("payments.test").debug("hidden")
        log.changed(a_payment(), a_payment().events[0])
    finally:
        structlog.contextvars.clear_contextvars()
        root.handlers[:], root.level = saved
        structlog.reset_defaults()
        log.close()

    mine, foreign = (json.loads(line) for line in stream.getvalue().splitlines())
    assert mine["event"] == "hello" and mine["n"] == 1 and mine["request_id"] == "req_42"
    assert mine["level"] == "info" and mine["timestamp"].endswith("Z")
    assert foreign["event"] == "plain stdlib" and foreign["request_id"] == "req_42"
    assert foreign["logger"] == "uvicorn.test" and foreign["level"] == "warning"
    assert len(read_lines(log)) == 1


def test_a_line_keeps_structlogs_shape_and_the_bound_request_id(tmp_path):
    """The line is written without structlog's chain but as it wrote it: the fields, `event`,
    what is bound in the context, `level`; the same JSON text, key for key."""
    log = StructlogPaymentLog(tmp_path, clock=FixedClock())
    payment = a_payment()
    payment.mark_pending(AT, Source.API, reference="ref-1", data={"token": "s3cr3t"})
    structlog.contextvars.bind_contextvars(request_id="req_42")
    try:
        log.changed(payment, payment.events[-1])
    finally:
        structlog.contextvars.clear_contextvars()
        log.close()

    assert log.path.read_text("utf-8") == (
        '{"payment_id": "pay_01", "order_id": "ord_01", "store_id": "str_01", '
        '"provider": "mtn_momo", "amount": 5000, "currency": "XOF", '
        '"phone": "+225 07 •• •• •• 56", "needs_refund": false, "old_status": "created", '
        '"new_status": "pending", "change": "payment.pending", "source": "api", '
        '"timestamp": "2025-03-01T12:00:00+00:00", "event": "payment.changed", '
        '"request_id": "req_42", "level": "info"}\n'
    )


def test_what_is_bound_in_the_context_is_redacted_like_any_log_value(tmp_path):
    log = StructlogPaymentLog(tmp_path, clock=FixedClock())
    structlog.contextvars.bind_contextvars(
        request_id="sk_live_Q2hhbmdlTWUhIFRoaXM", caller=f"payer {PHONE}", payment_id="forged"
    )
    try:
        log.changed(a_payment(), a_payment().events[0])
    finally:
        structlog.contextvars.clear_contextvars()
        log.close()

    (line,) = read_lines(log)
    assert line["request_id"] == "sk_[REDACTED]"
    assert line["caller"] == "payer +225 07 •• •• •• 56"
    assert line["payment_id"] == "pay_01"  # a bound value never overrides a field


def test_a_refund_change_is_one_line_too(tmp_path):
    from domain.refund import Refund

    log = StructlogPaymentLog(tmp_path, clock=FixedClock())
    payment = a_payment()
    refund = Refund.create(
        id="rfd_01",
        payment=payment,
        amount=Money.of(2000, "XOF"),
        at=AT,
        reason="returned",
        manual=False,
    )
    log.changed(refund, refund.events[0])
    log.close()

    (line,) = read_lines(log)
    assert line["event"] == "refund.changed" and line["refund_id"] == "rfd_01"
    assert (line["payment_id"], line["amount"], line["level"]) == ("pay_01", 2000, "info")
