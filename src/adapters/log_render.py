"""How log lines look, and which libraries' lines are routine.

Rules: on a terminal a person reads the lines (structlog's console renderer, one short line
each); JSON lines are for machines: when `LOG_FORMAT=json`, when stderr is a file or a pipe
(systemd's journal, a container's log collector). Libraries' routine lines (yoyo's migration
steps, procrastinate's periodic deferrals, job starts and successes, uvicorn's start-up lines,
which the service's own banner replaces) are demoted to DEBUG, so
that they show with `LOG_LEVEL=debug` only; their warnings and errors are untouched.
"""

from __future__ import annotations

import logging
from typing import IO, Any

import structlog

#: (logger name prefix, start of the message) of routine INFO lines; "" matches any message.
ROUTINE: tuple[tuple[str, str], ...] = (
    ("yoyo", ""),
    ("procrastinate.periodic", ""),
    ("procrastinate.blueprints", ""),
    ("procrastinate.worker", "Starting job"),
    ("procrastinate.worker", "Job "),
    ("procrastinate.worker", "Stop requested"),
    ("procrastinate.worker", "Stopped worker"),
    ("procrastinate.worker", "Waiting for"),
    ("uvicorn.error", "Started server process"),
    ("uvicorn.error", "Waiting for application"),
    ("uvicorn.error", "Application startup complete"),
    ("uvicorn.error", "Uvicorn running on"),
)


def use_console(fmt: str | None, stream: IO[str]) -> bool:
    """`fmt` is `console`, `json` or None (console exactly when `stream` is a terminal)."""
    if fmt is not None:
        return fmt == "console"
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def renderer(console: bool) -> Any:
    """The last processor of the chain: console lines or JSON lines."""
    if console:
        return structlog.dev.ConsoleRenderer(colors=True, sort_keys=False)
    return structlog.processors.JSONRenderer()


class RoutineToDebug(logging.Filter):
    """Demotes the libraries' routine INFO lines to DEBUG; drops them unless the root logger
    lets DEBUG through."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno != logging.INFO or not _routine(record):
            return True
        record.levelno, record.levelname = logging.DEBUG, "DEBUG"
        return logging.getLogger().isEnabledFor(logging.DEBUG)


#: The loggers `ROUTINE` names: a line from any other is never routine (one test per line).
_ROUTINE_LOGGERS = tuple({prefix for prefix, _ in ROUTINE})


def _routine(record: logging.LogRecord) -> bool:
    if not record.name.startswith(_ROUTINE_LOGGERS):
        return False
    message = str(record.msg)
    return any(
        record.name.startswith(prefix) and message.startswith(start) for prefix, start in ROUTINE
    )
