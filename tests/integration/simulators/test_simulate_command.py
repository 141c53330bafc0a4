"""`payments simulate` as a person runs it: it prints the variables to give the service,
writes them when asked, and serves the operators' home page."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import httpx
from tests.integration.reliability.conftest import ROOT, free_port


def test_simulate_serves_and_writes_the_services_variables(tmp_path: Path) -> None:
    port = free_port()
    env_file = tmp_path / "simulated.env"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "entrypoints.cli",
            "simulate",
            "--port",
            str(port),
            "--write-env",
            str(env_file),
        ],
        cwd=ROOT / "src",
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                home = httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except httpx.HTTPError:
                assert process.poll() is None, process.stdout.read() if process.stdout else ""
                assert time.monotonic() < deadline, "payments simulate did not start"
                time.sleep(0.1)
        assert home.status_code == 200
        assert "Opérateurs simulés" in home.text
        assert env_file.stat().st_mode & 0o077 == 0  # readable by its owner only
        variables = dict(line.split("=", 1) for line in env_file.read_text().splitlines())
        assert variables["WAVE_BASE_URL"] == f"http://127.0.0.1:{port}/wave"
        assert variables["MOOV_MONEY_URL"].endswith("/com.tlc.merchant.api/UssdPush")
        assert {"MTN_MOMO_API_USER", "ORANGE_MONEY_MERCHANT_KEY", "WAVE_WEBHOOK_SECRET"} <= set(
            variables
        )
    finally:
        process.terminate()
        output = process.communicate(timeout=10)[0].decode()
    assert f"Simulated operators on http://127.0.0.1:{port}" in output
