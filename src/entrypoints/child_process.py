"""Stopping a child process this program started (the demo's and the tests' service,
simulators and shop)."""

from __future__ import annotations

import signal
import subprocess


def stop_child(process: subprocess.Popen[bytes], timeout: float = 15) -> None:
    """SIGTERM, which `payments serve`, `payments simulate` and `payments worker` answer by
    finishing what is in flight and stopping the embedded PostgreSQL (SIGINT may be ignored
    by a process started in the background); SIGKILL if it is still there after `timeout`."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
