"""Real processes for the reliability tests: `payments serve` and `payments worker`
subprocesses on the session's database, and a store's server (the vendor endpoint) running in
a thread, that records what it receives and can be told to fail or to hang.

Every process started by a test is stopped at its end (SIGKILL if it does not stop)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from tests.limits import HIGH_LIMITS_ENV

from entrypoints.settings import SANDBOX_ADMIN_TOKEN

ROOT = Path(__file__).parents[3]
ADMIN = {"Authorization": f"Bearer {SANDBOX_ADMIN_TOKEN}"}
ORDER = {"reference": "CMD-2001", "amount": 5000, "currency": "XOF"}

#: What every process of these tests runs with: a short sandbox time-to-live and a 1 s first
#: notification retry, so that each test takes seconds rather than minutes.
FAST = {"PAYMENT_TTL_SECONDS_SANDBOX": "8", "NOTIFICATION_RETRY_SECONDS": "1"}


# -- the store's server ----------------------------------------------------------------------


@dataclass(frozen=True)
class Received:
    at: float
    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict[str, Any]:
        event: dict[str, Any] = json.loads(self.body)
        return event


@dataclass
class Vendor:
    """A store's notification endpoint. It answers 200, or `fail(n)` times `status` first,
    or holds requests while `hang()` is on (until `release()`)."""

    url: str = ""
    received: list[Received] = field(default_factory=list)
    _failures: list[int] = field(default_factory=list)
    _open: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._open.set()

    def fail(self, times: int, status: int = 500) -> None:
        with self._lock:
            self._failures.extend([status] * times)

    def hang(self) -> None:
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def answer(self, headers: dict[str, str], body: bytes) -> int:
        with self._lock:
            self.received.append(Received(time.monotonic(), headers, body))
            status = self._failures.pop(0) if self._failures else 200
        self._open.wait(timeout=30)
        return status

    def events(self, type_: str | None = None) -> list[dict[str, Any]]:
        with self._lock:
            events = [r.event for r in self.received]
        return [e for e in events if type_ is None or e["type"] == type_]

    def wait_for(self, type_: str, seconds: float = 20, count: int = 1) -> list[Received]:
        """The deliveries of events of this type once there are `count` of them."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            with self._lock:
                found = [r for r in self.received if r.event["type"] == type_]
            if len(found) >= count:
                return found
            time.sleep(0.1)
        raise AssertionError(f"{type_} x{count} not received in {seconds} s: {self.events()}")


@pytest.fixture
def vendor() -> Iterator[Vendor]:
    vendor = Vendor()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            status = vendor.answer(dict(self.headers.items()), body)
            try:
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
            except OSError:
                pass  # the caller gave up (timeout, or its process was killed)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    vendor.url = f"http://127.0.0.1:{server.server_address[1]}/notify"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield vendor
    vendor.release()
    server.shutdown()
    server.server_close()


# -- service processes -----------------------------------------------------------------------


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Process:
    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    url: str | None = None

    def kill(self) -> None:
        """SIGKILL: the process gets no chance to finish anything."""
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


class Cluster:
    """Starts `serve` and `worker` processes on one database and stops them all at the end."""

    def __init__(self, database_url: str, workdir: Path, env: dict[str, str]) -> None:
        self._database_url, self._workdir, self._env = database_url, workdir, env
        self.processes: list[Process] = []

    def _spawn(self, name: str, args: list[str], env: dict[str, str]) -> Process:
        log = self._workdir / f"{name}-{len(self.processes)}.log"
        full_env = {
            **os.environ,
            "PAYMENT_ENVIRONMENT": "sandbox",
            "DATABASE_URL": self._database_url,
            "LOG_DIR": str(self._workdir / "logs"),
            "DATABASE_POOL_MIN": "1",
            **HIGH_LIMITS_ENV,
            **self._env,
            **env,
        }
        with log.open("wb") as out:
            popen = subprocess.Popen(
                [sys.executable, "-m", "entrypoints.cli", *args],
                cwd=ROOT / "src",
                env=full_env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def server(self, **env: str) -> Process:
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        process = self._spawn(
            "server", ["serve"], {"PORT": str(port), "PUBLIC_BASE_URL": url, **env}
        )
        process.url = url
        _wait(lambda: _ready(url), process, "the server to answer /ready")
        return process

    def worker(self, **env: str) -> Process:
        process = self._spawn("worker", ["worker"], env)
        _wait(lambda: "Starting worker" in process.output(), process, "the worker to start")
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            process.stop()


def _ready(url: str) -> bool:
    try:
        return httpx.get(f"{url}/ready", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False


def _wait(check: Callable[[], bool], process: Process, what: str, seconds: float = 120) -> None:
    """Up to two minutes: a busy 2-core machine may take one to start a server."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            raise RuntimeError(
                f"{process.name} exited while waiting for {what}:\n{process.output()}"
            )
        if check():
            return
        time.sleep(0.1)
    raise RuntimeError(f"timed out waiting for {what}:\n{process.output()}")


@pytest.fixture
def cluster(database_url: str, clean_db: None, tmp_path: Path) -> Iterator[Cluster]:
    cluster = Cluster(database_url, tmp_path, FAST)
    yield cluster
    cluster.stop_all()


# -- talking to the service ------------------------------------------------------------------


@dataclass
class Api:
    """A store's view of one server: `httpx.Client` with the store's key."""

    http: httpx.Client
    store_id: str
    webhook_secret: str

    def order(self) -> dict[str, Any]:
        response = self.http.post("/api/v1/orders", json=ORDER)
        assert response.status_code == 201, response.text
        order: dict[str, Any] = response.json()
        return order

    def pay(self, order_id: str, phone: str | None) -> dict[str, Any]:
        body = {"provider": "sandbox", **({"phone": phone} if phone else {})}
        response = self.http.post(f"/api/v1/orders/{order_id}/payments", json=body)
        assert response.status_code == 201, response.text
        payment: dict[str, Any] = response.json()
        return payment

    def payment(self, payment_id: str) -> dict[str, Any]:
        payment: dict[str, Any] = self.http.get(f"/api/v1/payments/{payment_id}").json()
        return payment

    def wait_for(self, payment_id: str, status: str, seconds: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + seconds
        while True:
            payment = self.payment(payment_id)
            if payment["status"] == status:
                return payment
            if time.monotonic() > deadline:
                raise AssertionError(f"{payment_id} is {payment['status']}, not {status}")
            time.sleep(0.2)

    def history(self, payment_id: str) -> list[str]:
        events = self.http.get(f"/api/v1/payments/{payment_id}/events").json()["data"]
        return [event["type"] for event in events]

    def events(self) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = self.http.get("/api/v1/events?limit=100").json()["data"]
        return events


def store_api(base_url: str, notification_url: str | None = None) -> Api:
    http = httpx.Client(base_url=base_url, timeout=15)
    body = {"name": "Boutique Awa"}
    if notification_url is not None:
        body["notification_url"] = notification_url
    response = http.post("/api/v1/admin/stores", json=body, headers=ADMIN)
    assert response.status_code == 201, response.text
    store = response.json()
    http.headers["Authorization"] = f"Bearer {store['api_key']}"
    return Api(http, store["id"], store["webhook_secret"])


def rows(database_url: str, query: str, *params: Any) -> list[tuple[Any, ...]]:
    with psycopg.connect(database_url, autocommit=True) as conn:
        return list(conn.execute(query, params).fetchall())
