"""The service's logging set-up (adapters/logging_setup.py) writing to a buffer for a test,
with the previous configuration put back afterwards."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from contextlib import contextmanager

import structlog

from adapters.logging_setup import configure_logging


@contextmanager
def captured_logs(fmt: str = "json") -> Iterator[io.StringIO]:
    old_structlog = structlog.get_config()
    root = logging.getLogger()
    old_handlers, old_level = list(root.handlers), root.level
    stream = io.StringIO()
    configure_logging(stream=stream, fmt=fmt)
    try:
        yield stream
    finally:
        for handler in list(root.handlers):
            if handler not in old_handlers:
                root.removeHandler(handler)
        root.setLevel(old_level)
        structlog.configure(**old_structlog)
