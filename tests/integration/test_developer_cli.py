"""The developers' commands against a running service (`live_server`), as a person runs them:
`payments listen` forwards to a local shop that checks each delivery with the client's
`verify_notification`, `payments trigger payment.succeeded` drives the sandbox, and
`payments logs` shows the requests and the payment's change. Also: the request log the
service writes for `payments logs`."""

from __future__ import annotations

import json
import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient
from tests.integration.conftest import ADMIN, ROOT, StoreKeys

from entrypoints.settings import Settings
from payments_client import InvalidNotification, verify_notification

WAIT = 90.0  # a CLI process imports the service's code: slow on a busy 2-core machine


class Shop:
    """A tiny local HTTP receiver standing for the developer's shop."""

    def __init__(self, secret: str) -> None:
        self.verified: list[tuple[str, str]] = []
        self.refused: list[str] = []
        shop = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                try:
                    event = verify_notification(body, dict(self.headers), secret)
                    shop.verified.append((event.type, event.data.object.id))
                    self.send_response(200)
                except InvalidNotification as error:
                    shop.refused.append(str(error))
                    self.send_response(400)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/payments/events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


class Running:
    """A `payments` command running in the background; its output lines are collected."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "entrypoints.cli", *args],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._queue.put(line.rstrip("\n"))

    def wait_for(self, wanted: Callable[[str], bool]) -> str:
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            try:
                line = self._queue.get(timeout=0.2)
            except queue.Empty:
                assert self.process.poll() is None, "\n".join(self.lines)
                continue
            self.lines.append(line)
            if wanted(line):
                return line
        raise AssertionError("not seen in time; output:\n" + "\n".join(self.lines))

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=15)


def wait_until(condition: Callable[[], bool]) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        time.sleep(0.2)


@pytest.fixture
def store_env(
    live_server: str, live_server_logs: Path
) -> Iterator[tuple[StoreKeys, dict[str, str]]]:
    response = httpx.post(
        f"{live_server}/api/v1/admin/stores", json={"name": "Boutique Awa"}, headers=ADMIN
    )
    body = response.json()
    keys = StoreKeys(body["id"], body["api_key"], body["webhook_secret"])
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "PAYMENTS_URL": live_server,
        "PAYMENTS_API_KEY": keys.api_key,
        "PAYMENTS_WEBHOOK_SECRET": keys.webhook_secret,
        "LOG_DIR": str(live_server_logs),
    }
    yield keys, env


def test_trigger_listen_and_logs_end_to_end(store_env: tuple[StoreKeys, dict[str, str]]) -> None:
    keys, env = store_env
    shop = Shop(keys.webhook_secret)
    listen = Running(["listen", "--forward-to", shop.url], env)
    logs = Running(["logs"], env)
    try:
        listen.wait_for(lambda line: line.startswith("Ready."))
        logs.wait_for(lambda line: line.startswith("Following"))
        triggered = subprocess.run(
            [sys.executable, "-m", "entrypoints.cli", "trigger", "payment.succeeded"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=WAIT,
        )
        assert triggered.returncode == 0, triggered.stderr
        payment_id = re.search(r"payment (pay_\w+) succeeded", triggered.stdout).group(1)  # type: ignore[union-attr]

        wait_until(lambda: ("payment.succeeded", payment_id) in shop.verified)
        assert shop.refused == []
        forwarded = listen.wait_for(lambda line: "payment.succeeded" in line)
        assert payment_id in forwarded and "[200]" in forwarded
        logs.wait_for(lambda line: f"{payment_id}  pending -> succeeded  (webhook)" in line)
        assert any(re.search(r"POST +/api/v1/orders +201", line) for line in logs.lines)
    finally:
        listen.stop()
        logs.stop()

    since = subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", "logs", "--since", "10m", "--no-follow"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    assert (
        f"POST   /api/v1/orders/{_order_of(since.stdout, payment_id)}/payments  201" in since.stdout
    )
    assert "/api/v1/events" not in since.stdout  # listen's polls are left out unless --all


def _order_of(output: str, payment_id: str) -> str:
    match = re.search(r"/api/v1/orders/(ord_\w+)/payments", output)
    assert match, output
    return match.group(1)


def test_listen_with_a_wrong_key_says_so_and_stops(
    store_env: tuple[StoreKeys, dict[str, str]],
) -> None:
    _, env = store_env
    listen = subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", "listen", "--forward-to", "http://127.0.0.1:9/"],
        cwd=ROOT,
        env={**env, "PAYMENTS_API_KEY": "sk_test_wrong"},
        capture_output=True,
        text=True,
        timeout=WAIT,
    )
    assert listen.returncode == 1
    assert "refused the API key" in listen.stderr and "unauthorized" in listen.stderr


async def test_each_request_is_one_line_of_the_request_log_without_its_query(
    client: AsyncTestClient[Any], store: StoreKeys, settings: Settings
) -> None:
    await client.get(
        "/api/v1/orders?limit=5&token=secret-in-query",
        headers={**store.headers, "X-Request-ID": "req-log-test-1"},
    )
    lines = (settings.log_dir / "requests.log").read_text().splitlines()
    line = next(json.loads(raw) for raw in lines if "req-log-test-1" in raw)
    assert {k: line[k] for k in ("event", "method", "path", "status")} == {
        "event": "http.request",
        "method": "GET",
        "path": "/api/v1/orders",
        "status": 200,
    }
    assert "secret-in-query" not in "".join(lines)
