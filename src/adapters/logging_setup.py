"""Application logging on stderr, through structlog and the standard library: JSON lines, or
human-readable lines on a terminal (`adapters.log_render` says which, and which libraries'
lines are routine DEBUG).

Rules: every line carries the level, the logger's name, an ISO UTC timestamp and whatever is
bound in structlog's contextvars (a request id bound by a middleware appears on every line
logged while handling that request); stdlib loggers (uvicorn, litestar, psycopg) come out in
the same JSON form. Calling it again replaces the previous configuration. The payment log
(`adapters.payment_log`) has its own file and is not affected.

With JSON lines, structlog's own loggers write their rendered line straight to the handler's
stream (`adapters.log_lines`: the same line, without the standard library's records);
libraries' lines go through the handler's filter and formatter.

Before any line is rendered, `adapters.log_redaction` renders its exception without frame
locals and redacts secrets (keys such as `authorization`, `cookie`, `*secret*`, `*token*`;
values such as `sk_...`, `whsec_...`, `Bearer ...` in free text), whatever logged it.
"""

from __future__ import annotations

import logging
import sys
from typing import IO, Any

import structlog

from adapters.log_lines import SINK, JsonLineLoggerFactory
from adapters.log_redaction import before_renderer
from adapters.log_render import RoutineToDebug, renderer, use_console

_HANDLER_NAME = "payments.json_stderr"


def configure_logging(
    level: str | int = "INFO",
    stream: IO[str] | None = None,
    fmt: str | None = "json",
    *,
    direct: bool = True,
) -> None:
    """`fmt`: `json`, `console`, or None for console on a terminal and JSON elsewhere.
    `direct`: JSON lines of structlog's loggers written by `adapters.log_lines` (False: through
    the standard library's records and formatter, which write the same lines)."""
    stream = stream or sys.stderr
    console = use_console(fmt, stream)
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    before: list[Any] = [
        *shared,
        structlog.stdlib.filter_by_level,
        structlog.processors.StackInfoRenderer(),
    ]
    handler = logging.StreamHandler(stream)
    handler.set_name(_HANDLER_NAME)
    handler.addFilter(RoutineToDebug())
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=shared,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                *_render(console),
            ],
        )
    )
    if direct and not console:
        structlog.configure(
            processors=[*before, *_render(console)],
            logger_factory=JsonLineLoggerFactory(),
            wrapper_class=structlog.stdlib.BoundLogger,
            cache_logger_on_first_use=True,
        )
    else:
        structlog.configure(
            processors=[*before, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
            logger_factory=structlog.stdlib.LoggerFactory(),
            wrapper_class=structlog.stdlib.BoundLogger,
            cache_logger_on_first_use=True,
        )
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER_NAME]:
        root.removeHandler(old)
    root.addHandler(handler)
    SINK.handler = handler
    root.setLevel(level.upper() if isinstance(level, str) else level)
    for noisy in _QUIET:
        logging.getLogger(noisy).setLevel(logging.WARNING)


# Libraries whose INFO lines say nothing an operator needs (pgserver echoes every pg_ctl call;
# psycopg's pool logs every connection taken and given back: three lines per transaction).
_QUIET = ("pgserver", "httpx", "httpcore", "psycopg.pool")


def _render(console: bool) -> list[Any]:
    """The redaction step (exceptions without locals, secrets masked), then the renderer."""
    return [*before_renderer(structured=not console), renderer(console)]
