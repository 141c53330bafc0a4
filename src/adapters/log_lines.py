"""The service's own JSON log lines written straight to the log handler's stream.

Rules:
- With JSON lines (`LOG_FORMAT=json`, or stderr not a terminal), structlog's loggers render
  their line themselves and write it to the stream of the handler `logging_setup` installed,
  under that handler's lock, one `write` and a flush per line: no `LogRecord`, no caller's
  frame looked up, no formatter copying the record. The line is the one the standard
  library's path wrote: the same processors, in the same order, on the same event.
- The logger keeps its standard-library logger's name and level: `filter_by_level` and
  `add_logger_name` read them, so `LOG_LEVEL` and the libraries quietened still apply, and
  `logging.disable` (`payments check` silences the calls' lines with it) holds as well.
- When that handler is no longer on the root logger (a test's capture ended), a line goes
  to the standard library as a plain message, so it is never lost.
- Libraries' lines (uvicorn, psycopg, procrastinate) still go through the standard library,
  its filters and formatter.
"""

from __future__ import annotations

import logging
from typing import Any

import structlog


class Sink:
    """The handler whose stream the lines go to (`logging_setup` sets it)."""

    handler: logging.StreamHandler[Any] | None = None


SINK = Sink()
_ROOT = logging.getLogger()


class JsonLineLogger:
    """What structlog's `BoundLogger` wraps: a standard-library logger's name and level, and
    methods that write an already rendered line."""

    def __init__(self, stdlib: logging.Logger) -> None:
        self.name = stdlib.name
        self._stdlib = stdlib

    def isEnabledFor(self, level: int) -> bool:
        return self._stdlib.isEnabledFor(level)

    def getEffectiveLevel(self) -> int:
        return self._stdlib.getEffectiveLevel()

    def __getattr__(self, name: str) -> Any:
        """The rest of `logging.Logger` (handlers, propagate, ...), for code that asks."""
        return getattr(self._stdlib, name)

    def _write(self, level: int, line: str) -> None:
        """As `logging.Logger`'s methods: nothing below the logger's level or while
        `logging.disable` holds (structlog's `filter_by_level` reads the level only)."""
        if not self._stdlib.isEnabledFor(level):
            return
        handler = SINK.handler
        if handler is None or handler not in _ROOT.handlers:
            self._stdlib.log(level, "%s", line)
            return
        handler.acquire()
        try:
            handler.stream.write(line + "\n")
            handler.flush()
        except (OSError, ValueError):  # the stream is gone: as the standard library, go on
            pass
        finally:
            handler.release()

    def debug(self, line: str) -> None:
        self._write(logging.DEBUG, line)

    def info(self, line: str) -> None:
        self._write(logging.INFO, line)

    def warning(self, line: str) -> None:
        self._write(logging.WARNING, line)

    warn = warning

    def error(self, line: str) -> None:
        self._write(logging.ERROR, line)

    exception = error

    def critical(self, line: str) -> None:
        self._write(logging.CRITICAL, line)

    fatal = critical


class JsonLineLoggerFactory:
    """structlog's logger factory: the standard-library logger structlog would have used
    (named as `structlog.stdlib.LoggerFactory` names it), wrapped."""

    def __init__(self) -> None:
        self._stdlib = structlog.stdlib.LoggerFactory()

    def __call__(self, *args: Any) -> JsonLineLogger:
        return JsonLineLogger(self._stdlib(*args))
