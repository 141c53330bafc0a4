"""The simulators served over HTTP in a thread, and a real `payments serve --with-worker`
process whose four providers point at them (the variables `payments simulate` prints)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from tests.integration.reliability.conftest import Api, Cluster, free_port, store_api

from entrypoints.simulators.app import create_simulator_app
from entrypoints.simulators.config import SimulatorConfig
from entrypoints.simulators.ledger import Ledger


class Simulators:
    def __init__(self, config: SimulatorConfig) -> None:
        self.config = config
        self.ledger = Ledger(config.approve_delay)
        self.app = create_simulator_app(config, self.ledger)
        port = int(config.public_url.rsplit(":", 1)[1])
        self.server = uvicorn.Server(
            uvicorn.Config(self.app, host="127.0.0.1", port=port, log_config=None, lifespan="on")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the simulators did not start")
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    def call(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return httpx.request(method, self.config.public_url + path, timeout=10, **kwargs)

    def deliveries(self, url_part: str, payment_id: str = "") -> list[dict[str, Any]]:
        """Callbacks sent to URLs containing `url_part` (and the payment id, if given)."""
        return [
            d for d in self.ledger.deliveries if url_part in d["url"] and payment_id in d["url"]
        ]

    def wait_for_deliveries(
        self, url_part: str, count: int, payment_id: str = "", seconds: float = 10
    ) -> list[dict[str, Any]]:
        """The answered callbacks once there are `count` of them."""
        deadline = time.monotonic() + seconds
        while True:
            sent = [d for d in self.deliveries(url_part, payment_id) if "status" in d]
            if len(sent) >= count:
                return sent
            if time.monotonic() > deadline:
                raise AssertionError(f"{count} callbacks to {url_part} expected: {sent}")
            time.sleep(0.05)


@pytest.fixture(scope="module")
def simulators_and_service(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Simulators, str]]:
    service_url = f"http://127.0.0.1:{free_port()}"
    config = SimulatorConfig.from_env(
        {"PUBLIC_BASE_URL": service_url}, f"http://127.0.0.1:{free_port()}", approve_delay=0.3
    )
    simulators = Simulators(config)
    simulators.start()
    workdir: Path = tmp_path_factory.mktemp("simulated")
    cluster = Cluster(database_url, workdir, {"PAYMENT_TTL_SECONDS_SANDBOX": "30"})
    port = service_url.rsplit(":", 1)[1]
    try:
        env = {**config.service_env(), "PORT": port, "PUBLIC_BASE_URL": service_url}
        process = cluster._spawn("server", ["serve", "--with-worker"], env)
        _wait_ready(service_url, process)
        yield simulators, service_url
    finally:
        cluster.stop_all()
        simulators.stop()


def _wait_ready(url: str, process: Any) -> None:
    deadline = time.monotonic() + 120  # a busy 2-core machine may take a minute to start it
    while time.monotonic() < deadline:
        if process.popen.poll() is not None:
            raise RuntimeError(process.output())
        try:
            if httpx.get(f"{url}/ready", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the service did not start:\n{process.output()}")


@pytest.fixture
def simulators(simulators_and_service: tuple[Simulators, str]) -> Simulators:
    return simulators_and_service[0]


@pytest.fixture
def api(simulators_and_service: tuple[Simulators, str]) -> Iterator[Api]:
    api = store_api(simulators_and_service[1])
    yield api
    api.http.close()
