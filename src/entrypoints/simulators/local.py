"""`payments simulate` in a child process: what `make demo` and the example shop's tests start
beside the service. `service_env` holds the variables that point the service at it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Self

import httpx

from entrypoints.child_process import stop_child

SRC = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LocalSimulators:
    """The four operators' simulators on `port` (a free one when None), calling the service
    back at `service_url`; with `countries`, `service_env` configures the country accounts
    too (MTN in Cameroon, Wave in Côte d'Ivoire, Orange in Senegal, Moov in Togo)."""

    def __init__(
        self,
        service_url: str,
        port: int | None = None,
        log_file: Path | None = None,
        approve_delay: float = 2.0,
        countries: bool = False,
    ) -> None:
        self.port = port or _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.service_url = service_url
        self.service_env: dict[str, str] = {}
        self._approve_delay = approve_delay
        self._countries = countries
        self._log_file = log_file
        self._log: IO[bytes] | None = None
        self._process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30) -> None:
        env_file = Path(tempfile.mkdtemp(prefix="simulators-")) / "service.env"
        self._log = self._log_file.open("ab") if self._log_file else None
        self._process = subprocess.Popen(  # noqa: S603 - our own command
            [
                sys.executable,
                "-m",
                "entrypoints.cli",
                "simulate",
                "--port",
                str(self.port),
                "--approve-delay",
                str(self._approve_delay),
                "--write-env",
                str(env_file),
                *(["--countries"] if self._countries else []),
            ],
            cwd=SRC,
            env={**os.environ, "PUBLIC_BASE_URL": self.service_url},
            stdout=self._log or subprocess.DEVNULL,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + timeout
        while not self._answers():
            if self._process.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"the simulators did not start (log: {self._log_file})")
            time.sleep(0.1)
        lines = env_file.read_text().splitlines()
        self.service_env = dict(line.split("=", 1) for line in lines if "=" in line)

    def _answers(self) -> bool:
        try:
            return httpx.get(self.url + "/", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    def stop(self) -> None:
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
