"""`payments serve` starts one worker process per core by default, and its workers die with
their supervisor: a killed server leaves no orphan serving on."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from tests.integration.conftest import ROOT, _free_port, _wait_until_up


def children_of(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(stat.parent.name))
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux's parent-death signal")
def test_workers_per_core_die_with_a_killed_server(database_url: str, tmp_path: Path) -> None:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PAYMENT_ENVIRONMENT": "sandbox",
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "PUBLIC_BASE_URL": url,
        "LOG_DIR": str(tmp_path),
        "DATA_DIR": str(tmp_path / "data"),
    }
    with (tmp_path / "server.log").open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli", "serve", "--workers", "2"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            _wait_until_up(url, server)
            workers = [p for p in children_of(server.pid) if "spawn" in _cmdline(p)]
            assert len(workers) == 2
            server.send_signal(signal.SIGKILL)
            server.wait(timeout=10)
            deadline = time.monotonic() + 10
            while any(alive(w) for w in workers) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not any(alive(w) for w in workers)
        finally:
            if server.poll() is None:
                server.kill()


def test_the_default_worker_count_is_the_number_of_cores() -> None:
    from entrypoints.cli import _parser

    args = _parser().parse_args(["serve"])
    assert args.workers == (os.cpu_count() or 1)


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""
