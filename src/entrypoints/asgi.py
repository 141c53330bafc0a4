"""The ASGI app for `uvicorn entrypoints.asgi:app` (and `payments serve`)."""

import os

from adapters.logging_setup import configure_logging
from entrypoints.container import Container
from entrypoints.heap import freeze_startup_heap
from entrypoints.http.app import create_app
from entrypoints.resources import IN_PROCESS_WORKER
from entrypoints.settings import Settings
from entrypoints.supervision import die_with_supervisor

die_with_supervisor()
settings = Settings.from_env()
configure_logging(settings.log_level, fmt=settings.log_format)
app = create_app(
    Container(settings=settings),
    with_worker=os.environ.get(IN_PROCESS_WORKER) == "1",
)
app.on_startup.append(freeze_startup_heap)
