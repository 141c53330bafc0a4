"""Server worker processes never outlive their supervisor: `payments serve --workers N` starts
N worker processes under uvicorn's supervisor, and a worker whose supervisor was killed
(SIGKILL, a crash) is killed with it instead of serving on, orphaned."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

#: Set by `payments serve` to its own pid when it starts several worker processes.
SUPERVISOR_PID = "PAYMENTS_SUPERVISOR_PID"
_PR_SET_PDEATHSIG = 1


def die_with_supervisor() -> None:
    """In a worker process (Linux): be sent SIGKILL when the supervisor dies. Elsewhere, or
    outside a supervised worker, nothing."""
    supervisor = os.environ.get(SUPERVISOR_PID)
    if not supervisor or not sys.platform.startswith("linux") or os.getpid() == int(supervisor):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != int(supervisor):  # it died before the line above
        os._exit(1)


#: How long uvicorn's supervisor waits for a worker's answer to its health check before it
#: kills it as hung (uvicorn's default is 5 s).
WORKER_HEALTHCHECK_SECONDS = 30


@contextmanager
def light_main() -> Iterator[None]:
    """While uvicorn's supervisor starts worker processes, their `__main__` is a module that
    imports nothing.

    Why: the workers are spawned (a new interpreter each), and a spawned process first
    imports its parent's `__main__` (`payments` or `entrypoints.cli`, which imports the whole
    service: about 3 s of CPU) before it starts the thread that answers the supervisor's
    health check. On a busy 2-core machine that took more than the supervisor's 5 s, so it
    killed the worker as hung ("Child process ... died") and spawned another, again and
    again. The worker imports the app (`entrypoints.asgi`) afterwards, while it already
    answers. `WORKER_HEALTHCHECK_SECONDS` is a margin on top."""
    import entrypoints.spawned_main as light

    parent_main = sys.modules["__main__"]
    sys.modules["__main__"] = light
    try:
        yield
    finally:
        sys.modules["__main__"] = parent_main
