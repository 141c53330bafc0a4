"""Log lines a person can read on a terminal, JSON elsewhere; libraries' routine lines at DEBUG."""

from __future__ import annotations

import io
import json
import logging

import structlog

from adapters.logging_setup import configure_logging


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_gets_console_lines_and_a_file_gets_json() -> None:
    terminal, pipe = Terminal(), io.StringIO()
    configure_logging("INFO", stream=terminal, fmt=None)
    structlog.get_logger("t").info("payment.changed", payment_id="pay_1")
    configure_logging("INFO", stream=pipe, fmt=None)
    structlog.get_logger("t").info("payment.changed", payment_id="pay_1")
    assert "payment.changed" in terminal.getvalue()
    assert "payment_id" in terminal.getvalue()
    assert not terminal.getvalue().lstrip().startswith("{")
    assert json.loads(pipe.getvalue().splitlines()[-1])["payment_id"] == "pay_1"


def test_log_format_json_wins_on_a_terminal() -> None:
    terminal = Terminal()
    configure_logging("INFO", stream=terminal, fmt="json")
    structlog.get_logger("t").info("x", a=1)
    assert json.loads(terminal.getvalue().splitlines()[-1])["a"] == 1


def test_routine_library_lines_show_at_debug_only() -> None:
    stream = io.StringIO()
    configure_logging("INFO", stream=stream)
    logging.getLogger("yoyo.migrations").info(" - applying step 3")
    logging.getLogger("procrastinate.periodic").info("Periodic job x deferred")
    logging.getLogger("procrastinate.worker").info("Job x ended with status: Success")
    logging.getLogger("procrastinate.worker").error("Job y ended with status: Error")
    logging.getLogger("payments.anything").info("kept")
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert [line["event"] for line in lines] == ["Job y ended with status: Error", "kept"]

    stream = io.StringIO()
    configure_logging("DEBUG", stream=stream)
    logging.getLogger("yoyo.migrations").info(" - applying step 3")
    (line,) = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert line["level"] == "debug"
    configure_logging("INFO", stream=io.StringIO())
