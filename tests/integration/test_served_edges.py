"""Against `payments serve` itself (uvicorn, not the test client): only TRUSTED_PROXIES decides
whose X-Forwarded-For is believed, and metrics answer on `/metrics` exactly as sent on the
wire (uvicorn hands the app the decoded path and the raw one)."""

from __future__ import annotations

import http.client
import os
import subprocess
import sys
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from tests.integration.conftest import ROOT, _free_port, _wait_until_up
from tests.limits import HIGH_LIMITS_ENV

BAD_CALLBACKS_LIMIT = 3


@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """No TRUSTED_PROXIES: the socket's peer (127.0.0.1) is every request's address."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **{k: v for k, v in os.environ.items() if k != "TRUSTED_PROXIES"},
        "PAYMENT_ENVIRONMENT": "sandbox",
        "DATABASE_URL": database_url,
        "PORT": str(port),
        "PUBLIC_BASE_URL": url,
        "LOG_DIR": str(tmp_path_factory.mktemp("edges-logs")),
        **HIGH_LIMITS_ENV,
        "RATE_LIMIT_BAD_WEBHOOKS_PER_MINUTE": str(BAD_CALLBACKS_LIMIT),
    }
    log = (tmp_path_factory.mktemp("edges") / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "entrypoints.cli", "serve"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        _wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=15)
        log.close()


def test_x_forwarded_for_from_loopback_is_not_believed_without_trusted_proxies(
    server: str,
) -> None:
    """Each forged callback claims another address: were it believed (uvicorn's proxy_headers
    trust 127.0.0.1 by default), the per-address limit would never be reached."""
    statuses = []
    for n in range(BAD_CALLBACKS_LIMIT + 2):
        answer = httpx.post(
            f"{server}/payment/webhook/sandbox/",
            content=b'{"payment_id": "pay_X", "status": "succeeded"}',
            headers={"X-Forwarded-For": f"203.0.113.{n + 1}", "Sandbox-Signature": "t=1,v1=0"},
        )
        statuses.append(answer.status_code)
    assert statuses[-1] == 429, statuses
    assert 429 not in statuses[:BAD_CALLBACKS_LIMIT], statuses


@pytest.mark.parametrize("path", ["/metrics/", "/metrics%2F", "/%6detrics", "/metrics//"])
def test_metrics_are_not_answered_on_another_spelling(server: str, path: str) -> None:
    connection = http.client.HTTPConnection(urlsplit(server).netloc, timeout=10)
    connection.request("GET", path)  # sent as written, not normalised by a client library
    answer = connection.getresponse()
    body = answer.read()
    connection.close()
    assert answer.status == 404, (path, answer.status)
    assert b"# TYPE" not in body
    assert httpx.get(f"{server}/metrics").status_code == 200
