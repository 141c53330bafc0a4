"""The production app (`entrypoints.asgi`, what `payments serve` runs in each worker) puts its
startup heap out of the cyclic collector's sight once it has started
(`entrypoints/heap.py`)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.integration.conftest import ROOT

# Runs in a process of its own: the freeze would otherwise keep this test process's objects.
STARTED = """
import gc
from litestar.testing import TestClient
from entrypoints.asgi import app
before = gc.get_freeze_count()
with TestClient(app) as client:
    assert client.get("/ready").status_code == 200
    print(before, gc.get_freeze_count())
"""


def test_the_served_app_freezes_what_its_start_left(database_url: str, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PAYMENT_ENVIRONMENT": "sandbox",
        "DATABASE_URL": database_url,
        "PUBLIC_BASE_URL": "http://127.0.0.1:8000",
        "LOG_DIR": str(tmp_path / "logs"),
        "DATA_DIR": str(tmp_path / "data"),
    }
    done = subprocess.run(
        [sys.executable, "-c", STARTED], cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    before, after = map(int, done.stdout.split()[-2:])
    assert before == 0
    assert after > 10_000  # the modules, routes and resources, not a handful of objects
