"""`make audit` (in `make test`): where the advisory data cannot be reached, the audit says so
in one line and succeeds, without installing or asking anything else."""

from __future__ import annotations

import os
import socket
import subprocess
from pathlib import Path

SCRIPT = Path(__file__).parents[2] / "scripts" / "audit-dependencies.sh"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


def test_an_unreachable_advisory_database_is_one_line_and_success() -> None:
    probe = f"http://127.0.0.1:{_closed_port()}/pypi/pip-audit/json"
    env = {**os.environ, "AUDIT_PROBE_URL": probe, "UV": "/nonexistent/uv"}
    done = subprocess.run(["sh", str(SCRIPT)], env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"dependency audit skipped: PyPI's advisory data ({probe}) cannot be reached from here"
    ]
