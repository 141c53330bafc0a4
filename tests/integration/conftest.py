"""The HTTP app on the session's database: in process (`client`), and as a real server
process (`live_server`) for flows where the sandbox operator calls the service back."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from litestar.testing import AsyncTestClient
from tests.limits import HIGH_LIMITS, HIGH_LIMITS_ENV

from entrypoints.container import Container
from entrypoints.http.app import create_app
from entrypoints.settings import SANDBOX_ADMIN_TOKEN, Settings

ROOT = Path(__file__).parent.parent.parent
BASE_URL = "http://testserver.local"
ADMIN = {"Authorization": f"Bearer {SANDBOX_ADMIN_TOKEN}"}


@dataclass(frozen=True)
class StoreKeys:
    id: str
    api_key: str
    webhook_secret: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.api_key}"}


@pytest.fixture(scope="session")
def settings(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        database_url=database_url,
        public_base_url=BASE_URL,
        log_dir=tmp_path_factory.mktemp("logs"),
        pool_min_size=1,
        pool_max_size=4,
        settle_webhooks_inline=True,  # each request's effects are there when it is answered
        limits=HIGH_LIMITS,
    )


@pytest.fixture(scope="session")
async def app_client(settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    app = create_app(Container(settings=settings))
    async with AsyncTestClient(app, base_url=BASE_URL) as client:
        yield client


@pytest.fixture
async def client(app_client: AsyncTestClient[Any], clean_db: None) -> AsyncTestClient[Any]:
    return app_client


@pytest.fixture
def container(app_client: AsyncTestClient[Any]) -> Container:
    container: Container = app_client.app.state.container
    return container


async def create_store(client: Any, name: str = "Boutique Awa") -> StoreKeys:
    response = await client.post("/api/v1/admin/stores", json={"name": name}, headers=ADMIN)
    assert response.status_code == 201, response.text
    body = response.json()
    return StoreKeys(body["id"], body["api_key"], body["webhook_secret"])


@pytest.fixture
async def store(client: AsyncTestClient[Any]) -> StoreKeys:
    return await create_store(client)


@pytest.fixture
async def other_store(client: AsyncTestClient[Any]) -> StoreKeys:
    return await create_store(client, "Chez Koffi")


# -- a real server process -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def live_server_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where `live_server` writes its request log and payment log (`payments logs` reads them)."""
    return tmp_path_factory.mktemp("server-logs")


@pytest.fixture(scope="session")
def live_server(
    database_url: str, live_server_logs: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """`payments serve` on a free port, on the session's database."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "PAYMENT_ENVIRONMENT": "sandbox",
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "PUBLIC_BASE_URL": url,
        "LOG_DIR": str(live_server_logs),
        **HIGH_LIMITS_ENV,
    }
    log = (tmp_path_factory.mktemp("server") / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli", "serve"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()


def _wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 120  # a busy 2-core machine may take a minute to start it
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server process exited during start-up")
        try:
            if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not become ready in 120 s")
