"""What `payments serve` says in the terminal is true: one line per silent phase, "Payments
is ready" only once `/ready` answers, and a busy port said with how to choose another. A
start with both cores busy keeps its server processes (uvicorn's supervisor killed starting
workers as hung on a loaded 2-core machine: "Child process ... died")."""

from __future__ import annotations

import multiprocessing
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.integration.conftest import ROOT, _free_port
from tests.limits import HIGH_LIMITS_ENV


def _serve_env(database_url: str, port: int, log_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        "PAYMENT_ENVIRONMENT": "sandbox",
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "LOG_DIR": str(log_dir),
        "LOG_FORMAT": "json",
        **HIGH_LIMITS_ENV,
    }


def test_a_busy_port_is_said_with_how_to_choose_another(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = _serve_env("postgresql://nobody@127.0.0.1:1/none", port, tmp_path)
        done = subprocess.run(
            [sys.executable, "-m", "entrypoints.cli", "serve"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert done.returncode == 1
    assert f"port {port} is already in use" in done.stderr
    assert f"PORT={port + 1} make run" in done.stderr


def _burn() -> None:  # pragma: no cover (runs in a child process)
    while True:
        pass


@pytest.fixture
def busy_cores() -> Iterator[None]:
    """Every core busy (plus one), as on a shared machine under load."""
    burners = [
        multiprocessing.get_context("spawn").Process(target=_burn, daemon=True)
        for _ in range((os.cpu_count() or 1) + 1)
    ]
    for burner in burners:
        burner.start()
    yield
    for burner in burners:
        burner.terminate()
        burner.join()


def test_ready_is_said_once_ready_answers_and_no_worker_dies_under_load(
    database_url: str, tmp_path: Path, busy_cores: None
) -> None:
    port = _free_port()
    env = _serve_env(database_url, port, tmp_path)
    process = subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli", "serve", "--workers", "2"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    said: list[str] = []
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            said.append(line.rstrip())
            if line.startswith("Payments is ready"):
                answer = httpx.get(f"http://127.0.0.1:{port}/ready", timeout=5)
                assert answer.status_code == 200  # said once it is true
                break
        assert any(line.startswith("Payments is ready") for line in said), said
        assert "applying the database migrations…" in said
        assert "starting 2 server processes…" in said
        time.sleep(3)  # the supervisor checks its workers every half second
    finally:
        process.terminate()
        rest, _ = process.communicate(timeout=60)
    output = "\n".join(said) + rest
    assert "died" not in output, output
