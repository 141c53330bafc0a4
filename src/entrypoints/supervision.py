"""Server worker processes never outlive their supervisor: `payments serve --workers N` starts
N worker processes under uvicorn's supervisor, and a worker whose supervisor was killed
(SIGKILL, a crash) is killed with it instead of serving on, orphaned."""

from __future__ import annotations

import ctypes
import os
import signal
import sys

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
