"""Rate limits in Redis (adapters/redis_buckets.py through entrypoints/limits_store.py):
two servers naming one `REDIS_URL` share one limit, however many requests come at once.
Runs against a real `redis-server` (Debian's package, `make redis`) started here."""

from __future__ import annotations

import asyncio
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import redis
from structlog.testing import capture_logs

from adapters.rate_limits import LimitSettings
from entrypoints.limits_store import rate_limits
from entrypoints.settings import Settings

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"
pytestmark = pytest.mark.skipif(
    not Path(REDIS_SERVER).exists(),
    reason="redis-server is not installed (Debian's package: make redis)",
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port, folder = _free_port(), tmp_path_factory.mktemp("redis")
    server = subprocess.Popen(
        [REDIS_SERVER, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    try:
        client = redis.Redis.from_url(url)
        deadline = time.monotonic() + 20
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.05)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def _server(url: str, login_per_minute: int) -> Settings:
    limits = replace(LimitSettings(), login_per_minute=login_per_minute)
    return replace(Settings(), redis_url=url, limits=limits)


async def test_two_servers_share_one_limit_under_parallel_takes(redis_url: str) -> None:
    first, second = (rate_limits(_server(redis_url, 10)) for _ in range(2))
    takes = [limits.login.take("198.51.100.7") for limits in (first, second) for _ in range(50)]
    answers = await asyncio.gather(*takes)
    assert sum(answer is None for answer in answers) == 10  # 100 at once, one room of 10
    assert {answer for answer in answers if answer is not None} == {6}  # 1 a minute / 10
    assert await second.login.take("203.0.113.9") is None  # another address, its own room


async def test_wait_counts_nothing_and_a_token_given_back_is_there_again(redis_url: str) -> None:
    limits = rate_limits(_server(redis_url, 1))
    assert await limits.login.wait("k") is None
    assert await limits.login.take("k") is None
    assert await limits.login.wait("k") == 60
    await limits.login.give_back("k")
    assert await limits.login.take("k") is None
    assert await limits.login.take("k") == 60
    other = rate_limits(_server(redis_url, 1))
    assert await other.verify.take("k") is None  # each kind of limit has its own buckets


def test_buckets_expire_once_full_again(redis_url: str) -> None:
    async def take() -> None:
        await rate_limits(_server(redis_url, 5)).login.take("expiring")

    asyncio.run(take())
    client = redis.Redis.from_url(redis_url)
    [key] = client.keys("*expiring*")
    assert 0 < client.ttl(key) <= 61


async def test_a_redis_out_of_reach_limits_nothing_and_says_so() -> None:
    limits = rate_limits(_server(f"redis://127.0.0.1:{_free_port()}/0", 1))
    with capture_logs() as logs:
        assert [await limits.login.take("k") for _ in range(3)] == [None, None, None]
    assert [entry["event"] for entry in logs] == ["rate_limit.redis_unavailable"] * 3
