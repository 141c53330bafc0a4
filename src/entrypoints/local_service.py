"""The service as a child process on this machine, sandbox mode: what the client's and the
example shop's tests run against, and what `make demo` starts.

`LocalService` runs `payments serve --with-worker` (migrations first, the job worker inside,
so notifications and sandbox callbacks flow) on a free port unless one is given, waits until
`/ready` answers, and stops it on exit. Without a `database_url` the service uses its own
embedded PostgreSQL under `data_dir`; `fresh_database()` makes a fresh one on the embedded
server for a test session and drops it afterwards."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

import httpx

from adapters.postgres.embedded import create_database, drop_database, embedded_database_url
from adapters.postgres.migrate import apply_migrations
from entrypoints.child_process import stop_child
from entrypoints.production_checks import SANDBOX_ADMIN_TOKEN

ROOT = Path(__file__).resolve().parents[2]


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as sock:
        sock.bind((host, 0))
        port: int = sock.getsockname()[1]
        return port


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    """True when a server could listen on it now (as servers do, with SO_REUSEADDR: a port
    whose last connections are closing is free)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
        return True


@contextmanager
def fresh_database(data_dir: Path = ROOT / ".data" / "test-pg") -> Iterator[str]:
    """A fresh, migrated database on the embedded server, dropped on exit
    (`TEST_DATABASE_URL`'s server when that is set)."""
    server = os.environ.get("TEST_DATABASE_URL") or embedded_database_url(data_dir)
    name = f"test_{uuid.uuid4().hex[:12]}"
    url = create_database(server, name)
    try:
        apply_migrations(url)
        yield url
    finally:
        drop_database(server, name)


class LocalService:
    """`payments serve --with-worker` in a child process (see the module's docstring)."""

    def __init__(
        self,
        *,
        database_url: str | None = None,
        port: int | None = None,
        host: str = "127.0.0.1",
        log_file: Path | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.host, self.port = host, port or free_port(host)
        self.url = f"http://{host}:{self.port}"
        self.admin_token = SANDBOX_ADMIN_TOKEN
        self._database_url = database_url
        self._log_file = log_file
        self._env = dict(env or {})
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def start(self, timeout: float = 60) -> None:
        env = {
            **os.environ,
            "PAYMENT_ENVIRONMENT": "sandbox",
            "HOST": self.host,
            "PORT": str(self.port),
            "PUBLIC_BASE_URL": self.url,
            **self._env,
        }
        if self._database_url:
            env["DATABASE_URL"] = self._database_url
        self._log = self._log_file.open("ab") if self._log_file else None
        self._process = subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli", "serve", "--with-worker"],
            cwd=ROOT,
            env=env,
            stdout=self._log or subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_ready(timeout)

    def _wait_until_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process is not None and self._process.poll() is not None:
                raise RuntimeError(f"the service exited during start-up (log: {self._log_file})")
            try:
                if httpx.get(f"{self.url}/ready", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the service was not ready within {timeout:.0f} s")

    def create_store(self, name: str, notification_url: str | None = None) -> dict[str, Any]:
        """A new store (`id`, `api_key`, `webhook_secret`...) through the admin API."""
        body = {"name": name, "notification_url": notification_url}
        headers = {"Authorization": f"Bearer {self.admin_token}"}
        response = httpx.post(f"{self.url}/api/v1/admin/stores", json=body, headers=headers)
        response.raise_for_status()
        store: dict[str, Any] = response.json()
        return store

    def stop(self, grace: float = 0) -> None:
        """Stop it with SIGTERM (`stop_child`). After a Ctrl-C in the terminal the process
        has its own SIGINT already: `grace` seconds are left to it first, since a second
        signal would cut its shutdown short."""
        if self._process is not None and grace:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self._process.wait(timeout=grace)
        if self._process is not None:
            stop_child(self._process)
        self._process = None
        if self._log:
            self._log.close()
            self._log = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
