"""A limit an operator sets holds for the whole server: `payments serve --workers 2` shares
its buckets between its processes (a shared-memory file), so parallel wrong keys spread over
both processes still meet one room; and in one process, a hundred wrong operator tokens sent
at once over a hundred connections meet it exactly."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.integration.conftest import ADMIN, ROOT, _free_port, _wait_until_up
from tests.limits import HIGH_LIMITS_ENV


@pytest.fixture(scope="module")
def two_processes(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`payments serve --workers 2` with ten wrong keys a minute per address."""
    yield from _serve(database_url, tmp_path_factory, workers=2)


@pytest.fixture(scope="module")
def one_process(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`payments serve --workers 1`, the same limit, a room of its own."""
    yield from _serve(database_url, tmp_path_factory, workers=1)


def _serve(
    database_url: str, tmp_path_factory: pytest.TempPathFactory, workers: int
) -> Iterator[str]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    folder = tmp_path_factory.mktemp(f"processes-{workers}")
    env = {
        **os.environ,
        **HIGH_LIMITS_ENV,
        "PAYMENT_ENVIRONMENT": "sandbox",
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "PUBLIC_BASE_URL": url,
        "LOG_DIR": str(folder / "logs"),
        "DATA_DIR": str(folder / "data"),
        "RATE_LIMIT_LOGIN_PER_MINUTE": "10",
    }
    env.pop("RATE_LIMIT_FILE", None)
    env.pop("REDIS_URL", None)
    log = (folder / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli", "serve", "--workers", str(workers)],
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
        process.wait(timeout=30)
        log.close()
    assert Path(folder / "data" / f"rate-limits-{port}.bin").exists()


async def test_wrong_keys_spread_over_two_processes_meet_one_room(two_processes: str) -> None:
    """Each guess on a new connection, a few at once: the kernel hands the connections to
    both processes (a burst at once tends to be accepted by one)."""
    limits = httpx.Limits(max_connections=4, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=two_processes, limits=limits, timeout=30) as client:

        async def guess(n: int) -> int:
            headers = {"Authorization": f"Bearer sk_test_wrong_{n:03d}"}
            return (await client.get("/api/v1/orders", headers=headers)).status_code

        answers = await asyncio.gather(*(guess(n) for n in range(60)))
    assert Counter(answers) == {401: 10, 429: 50}


async def test_a_hundred_parallel_wrong_tokens_meet_a_limit_of_ten(one_process: str) -> None:
    """The token is taken before the check: a hundred wrong operator tokens in flight at once
    get exactly ten checks (401) and ninety refusals (429); the right token is still served.
    (Served by a real server: the test client's requests cannot run truly in parallel without
    sharing the app's connection pool between event loops.)"""
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=0)
    async with httpx.AsyncClient(base_url=one_process, limits=limits, timeout=30) as client:

        async def guess(n: int) -> int:
            headers = {"Authorization": f"Bearer op_wrong_{n:03d}"}
            return (await client.get("/api/v1/admin/queue", headers=headers)).status_code

        answers = await asyncio.gather(*(guess(n) for n in range(100)))
        assert Counter(answers) == {401: 10, 429: 90}
        right = await client.get("/api/v1/admin/queue", headers=ADMIN)
        assert right.status_code == 200  # the room is for wrong tokens only
