"""SIGTERM (systemd, Kubernetes, `kill`) and SIGINT (Ctrl-C) stop `payments serve` and
`payments worker` gracefully, and the embedded PostgreSQL they started is stopped with them
(a real process each time, on its own embedded database)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from tests.integration.conftest import ROOT, _free_port, _wait_until_up
from tests.integration.helpers import ORDER

from entrypoints.production_checks import SANDBOX_ADMIN_TOKEN


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """One embedded database for the module (initialised once, started by each process)."""
    path = tmp_path_factory.mktemp("signals")
    yield path
    _stop_leftover(path / "pg")


def _env(data_dir: Path, port: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        PAYMENT_ENVIRONMENT="sandbox",
        DATA_DIR=str(data_dir),
        LOG_DIR=str(data_dir / "logs"),
        PORT=str(port),
        PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        LOG_FORMAT="json",
    )
    return env


def _start(data_dir: Path, *command: str, **extra: str) -> tuple[subprocess.Popen[str], int]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli", *command],
        cwd=ROOT,
        env={**_env(data_dir, port), **extra},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    return process, port


def _postmaster(data_dir: Path) -> int:
    pid_file = data_dir / "pg" / "postmaster.pid"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if pid_file.exists() and (first := pid_file.read_text().split("\n", 1)[0]).isdigit():
            return int(first)
        time.sleep(0.2)
    raise AssertionError("the embedded PostgreSQL did not start")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _gone_within(pid: int, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if not _alive(pid):
            return True
        time.sleep(0.2)
    return False


def _stop_leftover(pg: Path) -> None:
    pid_file = pg / "postmaster.pid"
    if pid_file.exists():
        first = pid_file.read_text().split("\n", 1)[0]
        if first.isdigit() and _alive(int(first)):
            os.kill(int(first), signal.SIGINT)


def _signal_and_wait(process: subprocess.Popen[str], data_dir: Path, signum: int) -> str:
    """Send `signum` once the embedded PostgreSQL runs; the process must exit cleanly and
    take PostgreSQL with it. Returns what it printed."""
    try:
        postgres = _postmaster(data_dir)
        time.sleep(2)  # a few periodic passes run
        process.send_signal(signum)
        output, _ = process.communicate(timeout=40)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, output
    assert "Traceback" not in output, output
    assert _gone_within(postgres, 15), "the embedded PostgreSQL was left running"
    assert "Warning" not in output, output  # a clean start says nothing alarming
    return output


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_serve_stops_and_takes_the_embedded_postgres_with_it(
    data_dir: Path, signum: signal.Signals
) -> None:
    process, port = _start(data_dir, "serve", "--with-worker")
    try:
        _wait_until_up(f"http://127.0.0.1:{port}", process)  # type: ignore[arg-type]
    except RuntimeError:
        process.kill()
        raise
    output = _signal_and_wait(process, data_dir, signum)
    assert f"Payments is ready on http://127.0.0.1:{port} (sandbox)" in output  # the banner
    assert f"http://127.0.0.1:{port}/docs" in output
    assert "Applying" not in output and "applying step" not in output  # migrations: DEBUG


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_worker_stops_between_jobs_and_takes_the_embedded_postgres_with_it(
    data_dir: Path, signum: signal.Signals
) -> None:
    process, _ = _start(data_dir, "worker")
    assert process.stdout is not None
    for line in process.stdout:  # the job loop runs once the line is printed
        if line.startswith("worker running"):
            break
    _signal_and_wait(process, data_dir, signum)


class SlowProvider(BaseHTTPRequestHandler):
    """A provider API that takes 3 s to answer (and then refuses): a request to the service
    that calls it is in flight for that long."""

    called = threading.Event()

    def do_POST(self) -> None:
        SlowProvider.called.set()
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        time.sleep(3)
        body = b'{"code": "request-validation-error", "message": "slow and refused"}'
        self.send_response(400)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_a_request_in_flight_when_sigterm_arrives_gets_its_answer(data_dir: Path) -> None:
    provider = ThreadingHTTPServer(("127.0.0.1", 0), SlowProvider)
    threading.Thread(target=provider.serve_forever, daemon=True).start()
    wave = {
        "WAVE_API_KEY": "wave_ci_test",
        "WAVE_BASE_URL": f"http://127.0.0.1:{provider.server_port}",
    }
    process, port = _start(data_dir, "serve", **wave)
    url = f"http://127.0.0.1:{port}"
    answers: list[httpx.Response] = []
    try:
        _wait_until_up(url, process)  # type: ignore[arg-type]
        admin = {"Authorization": f"Bearer {SANDBOX_ADMIN_TOKEN}"}
        store = httpx.post(f"{url}/api/v1/admin/stores", json={"name": "Awa"}, headers=admin).json()
        key = {"Authorization": f"Bearer {store['api_key']}"}
        order = httpx.post(f"{url}/api/v1/orders", json=ORDER, headers=key).json()

        def pay() -> None:
            path = f"{url}/api/v1/orders/{order['id']}/payments"
            answers.append(httpx.post(path, json={"provider": "wave"}, headers=key, timeout=20))

        paying = threading.Thread(target=pay)
        paying.start()
        assert SlowProvider.called.wait(10), "the payment did not reach the provider"
        process.send_signal(signal.SIGTERM)  # while the request waits on the provider
        paying.join(20)
        output, _ = process.communicate(timeout=40)
    finally:
        provider.shutdown()
        if process.poll() is None:
            process.kill()
    assert len(answers) == 1, output
    # the whole answer arrived, after the provider's 3 s: the payment, refused by the provider
    answer = answers[0]
    assert answer.status_code == 201, answer.text
    assert answer.json()["status"] in ("failed", "pending"), answer.text
    assert process.returncode == 0, output
