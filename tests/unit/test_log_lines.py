"""The service's JSON lines written straight to the stream are the lines the standard
library's records and formatter wrote: the same keys, order, values and redaction."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import structlog

from adapters.logging_setup import configure_logging

API_KEY = "sk_sandbox_Q2hhbmdlTWUhIFRoaXMgaXMgYSBrZXk"


@contextmanager
def configured(direct: bool) -> Iterator[io.StringIO]:
    saved_structlog = structlog.get_config()
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    stream = io.StringIO()
    configure_logging("INFO", stream=stream, fmt="json", direct=direct)
    try:
        yield stream
    finally:
        structlog.contextvars.clear_contextvars()
        root.handlers[:], root.level = saved
        structlog.configure(**saved_structlog)


def some_lines() -> None:
    log = structlog.get_logger("payments.test")
    structlog.contextvars.bind_contextvars(request_id="req-1")
    log.info("provider.call", provider="wave", duration_ms=4.2, outcome="200")
    log.warning("refused", authorization=f"Bearer {API_KEY}", note=f"key {API_KEY}")
    log.info("payer", phone="+2250712345656", text="call +2250712345656")
    try:
        raise ValueError(f"the request failed with {API_KEY}")
    except ValueError:
        log.exception("boom")
    log.warning("with", exc_info=RuntimeError("given"))
    log.info("formatted %s", "argument")
    log.log(logging.ERROR, "by level", n=1)
    log.debug("hidden at info")
    logging.disable(logging.CRITICAL)
    try:
        log.error("while logging is disabled")
    finally:
        logging.disable(logging.NOTSET)
    structlog.get_logger("httpx").info("quietened library")
    logging.getLogger("some.library").warning("plain %s", "stdlib")


def lines(stream: io.StringIO) -> list[dict[str, Any]]:
    out = []
    for text in stream.getvalue().splitlines():
        line = json.loads(text)
        assert line.pop("timestamp").endswith("Z")
        out.append(line)
    return out


def test_direct_lines_are_the_standard_librarys_lines() -> None:
    with configured(direct=False) as through_records:
        some_lines()
    with configured(direct=True) as direct:
        some_lines()

    expected = lines(through_records)
    assert len(expected) == 8
    assert lines(direct) == expected
    keys = [list(line) for line in expected]
    assert [list(line) for line in lines(direct)] == keys  # the order of the keys too
    assert API_KEY not in direct.getvalue()
    assert "+2250712345656" not in direct.getvalue()


def test_a_line_after_its_handler_is_gone_still_reaches_the_standard_library() -> None:
    with configured(direct=True):
        log = structlog.get_logger("payments.test")
        log.info("bound while configured")
    records: list[logging.LogRecord] = []
    catcher = logging.Handler()
    catcher.emit = records.append  # type: ignore[method-assign]
    root = logging.getLogger()
    root.addHandler(catcher)
    try:
        log.warning("after", n=2)
    finally:
        root.removeHandler(catcher)
    assert any('"event": "after"' in record.getMessage() for record in records)
